/**
 * @module Names the JIT-compiled functions in a callgrind profile of bench/micro/serve-host.ts,
 * per request: callgrind sees V8's generated code only as addresses, and `node --perf-basic-prof`
 * writes the map from those addresses to JavaScript function names (/tmp/perf-PID.map).
 *
 *   BENCH_CALLGRIND=1 BENCH_ONLY=framework BENCH_WARMUP=40000 valgrind --tool=callgrind \
 *     --separate-threads=yes --instr-atstart=no --callgrind-out-file=/tmp/cg \
 *     node --perf-basic-prof --import tsx bench/micro/serve-host.ts 5000
 *   npx tsx bench/micro/callgrind-report.ts /tmp/cg-01 /tmp/perf-PID.map 5000
 *   npx tsx bench/micro/callgrind-report.ts /tmp/cg-01 /tmp/perf-PID.map 5000 --callers Builtins_GetProperty
 *   npx tsx bench/micro/callgrind-report.ts /tmp/cg-01 /tmp/perf-PID.map 5000 --inclusive
 *
 * `-01` is the main thread's file (`--separate-threads=yes` keeps V8's compiler and GC threads
 * apart, so the figure is the request path's own). The first form lists the functions by their
 * own instructions per request; the second, who calls the functions whose names contain each
 * pattern; the third, by the instructions of each function and everything it calls. Instruction
 * counts move with V8's tiering from run to run (a function measured in baseline code instead of
 * optimized code): compare the lowest of a few runs, with a long warm-up.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

const [profile, mapFile, requestsText, flag, ...patterns] = process.argv.slice(2)
if (!profile || !mapFile || !requestsText) {
  console.error(
    'usage: tsx bench/micro/callgrind-report.ts CALLGRIND_FILE PERF_MAP REQUESTS [--callers PATTERN...]',
  )
  process.exit(2)
}
const requests = Number(requestsText)
// Piped into `head`, the rest of the report has nowhere to go: stop quietly.
process.stdout.on('error', () => process.exit(0))

/** [start, size, name], sorted by start. */
const symbols = readFileSync(mapFile, 'utf8')
  .trim()
  .split('\n')
  .map((line): [number, number, string] => {
    const [start, size, ...name] = line.split(' ')
    return [parseInt(start!, 16), parseInt(size!, 16), name.join(' ')]
  })
  .sort((a, b) => a[0] - b[0])

function symbolAt(address: number): string | undefined {
  let low = 0
  let high = symbols.length - 1
  while (low <= high) {
    const middle = (low + high) >> 1
    if (symbols[middle]![0] <= address) low = middle + 1
    else high = middle - 1
  }
  const entry = symbols[high]
  return entry && address < entry[0] + entry[1] ? entry[2] : undefined
}

/** callgrind_annotate's function names, with JIT addresses named and paths shortened. */
function readable(name: string): string {
  return name
    .replace(
      /\?\?\?:0x([0-9a-f]+)/g,
      (_, hex: string) => `JS ${symbolAt(parseInt(hex, 16)) ?? `0x${hex}`}`,
    )
    .replace(/file:\/\/\/\S*?\/(framework|bench|examples)\//g, '$1/')
    .replace(/ \[\/usr\/bin\/node\]/g, '')
    .replace(/\?\?\?:/g, '')
}

const count = (text: string) => Number(text.replace(/,/g, ''))
const perRequest = (n: number) => String(Math.round(n / requests)).padStart(8)

if (flag === '--callers') {
  const tree = execFileSync('callgrind_annotate', ['--threshold=100', '--tree=caller', profile], {
    maxBuffer: 1 << 28,
  }).toString()
  let callers: string[] = []
  for (const line of tree.split('\n')) {
    if (/^\s*[\d,]+ \([^)]*\)\s+<\s/.test(line)) {
      callers.push(line)
      continue
    }
    const entry = /^\s*([\d,]+) \([^)]*\)\s+\*\s+(.*)$/.exec(line)
    if (entry && patterns.some((pattern) => readable(entry[2]!).includes(pattern))) {
      console.log(`${perRequest(count(entry[1]!))}  ${readable(entry[2]!)}`)
      for (const caller of callers) {
        const c = /^\s*([\d,]+) \([^)]*\)\s+<\s+(.*)$/.exec(caller)!
        console.log(`    ${perRequest(count(c[1]!))}  < ${readable(c[2]!)}`)
      }
    }
    callers = []
  }
} else {
  const inclusive = flag === '--inclusive' ? ['--inclusive=yes'] : []
  const flat = execFileSync('callgrind_annotate', ['--threshold=100', ...inclusive, profile], {
    maxBuffer: 1 << 28,
  }).toString()
  const byName = new Map<string, number>()
  let total = 0
  for (const line of flat.split('\n')) {
    const entry = /^\s*([\d,]+) \([^)]*\)\s+(.*)$/.exec(line)
    if (!entry) continue
    if (entry[2]!.startsWith('PROGRAM TOTALS')) total = count(entry[1]!)
    else byName.set(readable(entry[2]!), (byName.get(readable(entry[2]!)) ?? 0) + count(entry[1]!))
  }
  console.log(`${perRequest(total)}  instructions per request (this thread)`)
  for (const [name, n] of [...byName].sort((a, b) => b[1] - a[1]).slice(0, 80)) {
    console.log(`${perRequest(n)}  ${name}`)
  }
}
