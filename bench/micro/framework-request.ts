/**
 * @module `npx tsx bench/micro/framework-request.ts [PATH...] [--rounds N] [--requests N]`: the
 * CPU time one request costs in the full framework, without a server or a socket. The benchmark
 * application (bench/apps/framework/wsgi.ts: its settings and middleware) is called directly with
 * a synthetic environ like wrk's (GET, no cookie), and its body is drained. Paths default to
 * /plaintext and /json (W1 and W2); their rounds are interleaved so a noisy neighbour on the
 * machine hits them alike. Prints µs of CPU (user + system) per request for each round and the
 * median, after the status line and headers of one response, so a change that alters the
 * response shows up next to its figure.
 *
 * Profile it with `node --cpu-prof --import tsx bench/micro/framework-request.ts /plaintext`.
 *
 * Instructions per request, steadier than CPU time on a shared machine (callgrind switched on
 * around 5,000 requests of the first path only, after a long warm-up; a response the application
 * gives at once is not awaited, as serve's host does not):
 *
 *   BENCH_DB=... BENCH_CALLGRIND=1 valgrind --tool=callgrind --separate-threads=yes \
 *     --instr-atstart=no --callgrind-out-file=/tmp/fw node --import tsx \
 *     bench/micro/framework-request.ts /plaintext
 *
 * then `grep totals /tmp/fw-01` ÷ 5,000, or bench/micro/callgrind-report.ts for the functions.
 */
import { execFileSync } from 'node:child_process'
import type {
  ResponseHeaders,
  StartResponse,
  Write,
} from '../../framework/gateway/index.ts'
import { application } from '../apps/framework/wsgi.ts'
import { wrkEnviron } from './wrk-environ.ts'

interface Options {
  paths: string[]
  rounds: number
  requests: number
}

function parseArgs(argv: string[]): Options {
  const options: Options = { paths: [], rounds: 5, requests: 20_000 }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? ''
    if (arg === '--rounds') options.rounds = Number(argv[++i])
    else if (arg === '--requests') options.requests = Number(argv[++i])
    else options.paths.push(arg)
  }
  if (options.paths.length === 0) options.paths = ['/plaintext', '/json']
  return options
}

/** What wrk sends to the benchmark's server, as the worker turns it into an environ. */
const environFor = wrkEnviron

const ignoreWrite: Write = async () => {}
const ignoreStart: StartResponse = () => ignoreWrite

/** One request through the application, its body drained and closed as a server would. */
async function request(path: string, startResponse: StartResponse = ignoreStart): Promise<void> {
  const body = await application(environFor(path), startResponse)
  if (Symbol.asyncIterator in body) for await (const _ of body);
  else for (const _ of body);
  await body.close?.()
}

async function cpuMicrosPerRequest(path: string, requests: number): Promise<number> {
  const started = process.cpuUsage()
  for (let i = 0; i < requests; i++) await request(path)
  const used = process.cpuUsage(started)
  return (used.user + used.system) / requests
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN
}

const options = parseArgs(process.argv.slice(2))
if (process.env.BENCH_CALLGRIND === '1') await underCallgrind(options.paths[0] ?? '/plaintext')

/** One request as serve's host makes it: a promise only when the application returned one. */
function requestNow(path: string): Promise<void> | undefined {
  const body = application(environFor(path), ignoreStart)
  if (body instanceof Promise) return body.then((ready) => ready.close?.())
  void body.close?.()
  return undefined
}

async function underCallgrind(path: string): Promise<never> {
  const run = async (count: number) => {
    for (let i = 0; i < count; i++) {
      const pending = requestNow(path)
      if (pending) await pending
      // Yield now and then, as a server's event loop does (ticks, immediates).
      if (i % 50 === 49) await new Promise((resolve) => setImmediate(resolve))
    }
  }
  await run(40_000)
  execFileSync('callgrind_control', ['-i', 'on', String(process.pid)])
  await run(5_000)
  execFileSync('callgrind_control', ['-i', 'off', String(process.pid)])
  console.log(`${path}: 5000 requests measured (see callgrind's "Collected")`)
  // The database connection would keep the process alive.
  process.exit(0)
}
for (const path of options.paths) {
  await request(path, (status: string, headers: ResponseHeaders) => {
    console.log(path, status, JSON.stringify(headers))
    return ignoreWrite
  })
  // Warm-up: let V8 optimise the path before it is timed.
  for (let i = 0; i < 5_000; i++) await request(path)
}
const samples = new Map(options.paths.map((path) => [path, [] as number[]]))
for (let round = 0; round < options.rounds; round++) {
  for (const path of options.paths) {
    samples.get(path)?.push(await cpuMicrosPerRequest(path, options.requests))
  }
}
for (const [path, values] of samples) {
  const rounds = values.map((v) => v.toFixed(1)).join(' ')
  console.log(`${path}: ${median(values).toFixed(2)} µs/request (median; rounds ${rounds})`)
}
