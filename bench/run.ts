/**
 * @module `npm run bench`: every configuration of issue 10 started as a real process on
 * loopback, warmed up, loaded (wrk, else autocannon), stopped, in interleaved rounds; writes
 * bench/results/<date>.md, <date>.svg and <date>.json (every round). See docs/benchmarks.md.
 *
 *   npm run bench                       3 rounds × 3 s per workload (10 to 15 minutes)
 *   npm run bench -- --quick            1 round × 2 s (about 2 minutes)
 *   npm run bench -- --only node-http-1,framework-1 --workloads W1,W3
 *
 * Options: --rounds N, --duration S, --warmup S, --connections N, --cgi-requests N,
 * --loader wrk|autocannon, --only IDS, --workloads IDS, --out DIR, --list, and
 * --compare DIR: also run each selected configuration from another checkout (e.g. a
 * `git worktree` of the commit before a change), interleaved with this one: before/after figures.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join, relative, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import {
  CONFIGURATIONS,
  precompilePeers,
  type Configuration,
  type RunContext,
} from './lib/configurations.ts'
import {
  defaultLoader,
  fixedCountLoad,
  timedLoad,
  type LoaderName,
  type RequestSpec,
} from './lib/load-generator.ts'
import { maxWorkerRss, sampleRss, treeCpuSeconds } from './lib/process-tree.ts'
import { renderReport, type Results } from './lib/report.ts'
import { freePort, startServer, stopServer, type RunningServer } from './lib/server-process.ts'
import { summarize, type Sample } from './lib/stats.ts'
import { renderChart, type ChartBar, type ChartGroup } from './lib/svg-chart.ts'
import { formPost } from './lib/form-session.ts'
import { seedDatabase } from './lib/seed-database.ts'
import { WORKLOADS, type WorkloadId } from './lib/workloads.ts'
import { measureExampleProjectIdle } from './lib/idle-memory.ts'

const root = resolve(import.meta.dirname, '..')

function fail(message: string, hint: string): never {
  console.error(`bench: ${message} (${hint})`)
  process.exit(2)
}

const { values: opts } = (() => {
  try {
    return parseArgs({
      options: {
        quick: { type: 'boolean', default: false },
        rounds: { type: 'string' },
        duration: { type: 'string' },
        warmup: { type: 'string' },
        connections: { type: 'string' },
        'cgi-requests': { type: 'string' },
        loader: { type: 'string' },
        only: { type: 'string' },
        workloads: { type: 'string' },
        out: { type: 'string' },
        list: { type: 'boolean', default: false },
        compare: { type: 'string' },
      },
    })
  } catch (error) {
    fail(
      (error as Error).message,
      'see the options at the top of bench/run.ts or docs/benchmarks.md',
    )
  }
})()

function positive(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback
  const n = Number(text)
  if (!(n > 0))
    fail(
      `--${name} must be a positive number, got ${JSON.stringify(text)}`,
      `e.g. --${name} ${fallback}`,
    )
  return n
}

if (opts.list) {
  for (const c of CONFIGURATIONS)
    console.log(`${c.id.padEnd(18)} ${c.label} [${c.workloads.join(' ')}]`)
  process.exit(0)
}

const quick = opts.quick
const rounds = positive('rounds', opts.rounds, quick ? 1 : 3)
const seconds = positive('duration', opts.duration, quick ? 2 : 3)
const warmup = positive('warmup', opts.warmup, 1)
const firstWarmup = Math.max(3 * warmup, 3)
/** No CGI request starts after this many seconds of a round (a Node CGI can take seconds). */
const CGI_MAX_SECONDS = quick ? 10 : 20
const connections = positive('connections', opts.connections, 50)
// A Node CGI request costs about a second of CPU (node, tsx, the app, every time): few of them.
const cgiRequests = positive('cgi-requests', opts['cgi-requests'], quick ? 10 : 30)
const loader = (opts.loader ?? defaultLoader()) as LoaderName
if (loader !== 'wrk' && loader !== 'autocannon')
  fail(`unknown --loader ${JSON.stringify(loader)}`, 'use wrk or autocannon')
const outDir = resolve(opts.out ?? join(root, 'bench/results'))

const onlyIds = opts.only?.split(',').map((s) => s.trim())
for (const id of onlyIds ?? []) {
  if (!CONFIGURATIONS.some((c) => c.id === id))
    fail(
      `unknown configuration ${JSON.stringify(id)} in --only`,
      'npm run bench -- --list shows them',
    )
}
const workloadFilter = opts.workloads?.split(',').map((s) => s.trim()) as WorkloadId[] | undefined
for (const w of workloadFilter ?? []) {
  if (!(w in WORKLOADS))
    fail(`unknown workload ${JSON.stringify(w)} in --workloads`, 'use W1, W2, W3 or W4')
}

const compareRoot = opts.compare ? resolve(opts.compare) : undefined
if (compareRoot && !existsSync(join(compareRoot, 'bench/run.ts'))) {
  fail(
    `--compare ${JSON.stringify(opts.compare)} is not a checkout of this repository`,
    'e.g. git worktree add ../before HEAD~1',
  )
}

/** The same configuration, started from the checkout at `dir`. */
function fromCheckout(c: Configuration, dir: string): Configuration {
  return {
    ...c,
    id: `${c.id}@compare`,
    label: `${c.label} [${relative(root, dir) || dir}]`,
    launch: (port, ctx) => c.launch(port, { ...ctx, root: dir }),
  }
}

const selected = CONFIGURATIONS.filter((c) => !onlyIds || onlyIds.includes(c.id)).flatMap((c) =>
  compareRoot ? [c, fromCheckout(c, compareRoot)] : [c],
)
const skipped: { label: string; reason: string }[] = []
const runnable: Configuration[] = []
for (const c of selected) {
  const why = c.missing()
  if (why) {
    skipped.push({ label: c.label, reason: why })
    console.error(`skip ${c.label}: ${why}`)
  } else runnable.push(c)
}
const workloadsOf = (c: Configuration) =>
  c.workloads.filter((w) => !workloadFilter || workloadFilter.includes(w))

const scratch = mkdtempSync(join(tmpdir(), 'bench-run-'))
const ctx: RunContext = { root, db: join(scratch, 'bench.sqlite3'), scratch }
const samples = new Map<string, Map<WorkloadId, Sample[]>>()
const idleRss = new Map<string, number>()
const started = new Date()
const loadAtStart = loadavg()[0]!
let current: RunningServer | undefined

// Ctrl-C must not leave servers behind.
process.once('SIGINT', () => {
  void (current ? stopServer(current) : Promise.resolve()).finally(() => process.exit(130))
})

async function requestFor(
  c: Configuration,
  w: WorkloadId,
  server: RunningServer,
): Promise<RequestSpec> {
  const spec = c.requests?.[w] ?? WORKLOADS[w].spec
  // W4 replays a browser's form submission: cookies and token come from a GET of the form.
  return w === 'W4' ? formPost(server.base, spec.path) : spec
}

/** JIT, caches and pools: every workload once before any is measured. */
async function warmUp(
  c: Configuration,
  server: RunningServer,
  specs: RequestSpec[],
): Promise<void> {
  if (c.mode === 'cgi') {
    for (const spec of specs) await fixedCountLoad(server.base, spec, 1, 1)
    return
  }
  // Why longer at first: after 1 s of warm-up, serve's first measured window still cost 3x the
  // CPU per request of the next ones (V8 optimising on background threads counts as the
  // server's CPU), which made W1 look slowest of all.
  for (const [i, spec] of specs.entries()) {
    await timedLoad(loader, server.base, spec, connections, i === 0 ? firstWarmup : warmup)
  }
}

async function measure(
  c: Configuration,
  server: RunningServer,
  spec: RequestSpec,
): Promise<Sample> {
  const rss = sampleRss(server.pid)
  const cpuBefore = treeCpuSeconds(server.pid)
  const r =
    c.mode === 'timed'
      ? await timedLoad(loader, server.base, spec, connections, seconds)
      : await fixedCountLoad(server.base, spec, cgiRequests, 2, CGI_MAX_SECONDS)
  const cpu = treeCpuSeconds(server.pid) - cpuBefore
  return {
    ...r,
    cpuUsPerRequest: r.requests > 0 ? (cpu * 1e6) / r.requests : NaN,
    peakRssMiB: rss.stop(),
  }
}

async function turn(c: Configuration, round: number): Promise<void> {
  const workloads = workloadsOf(c)
  if (workloads.length === 0) return
  const port = await freePort()
  const first = c.requests?.[workloads[0]!] ?? WORKLOADS[workloads[0]!].spec
  const readyPath = c.readyPath ?? (first.method === 'POST' ? '/plaintext' : first.path)
  current = await startServer(c.label, c.launch(port, ctx), port, readyPath)
  try {
    if (round === 0) idleRss.set(c.id, maxWorkerRss(current.pid))
    const server = current
    const specs = await Promise.all(workloads.map((w) => requestFor(c, w, server)))
    await warmUp(c, current, specs)
    for (const [i, w] of workloads.entries()) {
      const sample = await measure(c, current, specs[i]!)
      const byWorkload = samples.get(c.id) ?? new Map<WorkloadId, Sample[]>()
      byWorkload.set(w, [...(byWorkload.get(w) ?? []), sample])
      samples.set(c.id, byWorkload)
      console.error(
        `round ${round + 1}/${rounds} ${c.label.padEnd(34)} ${w} ${Math.round(sample.rps).toString().padStart(7)} req/s  p50 ${sample.p50Ms.toFixed(2)} ms  p99 ${sample.p99Ms.toFixed(2)} ms  ${sample.cpuUsPerRequest.toFixed(1)} µs CPU/req  ${sample.peakRssMiB.toFixed(0)} MiB${sample.errors || sample.bad ? `  errors ${sample.errors} non-2xx ${sample.bad}` : ''}`,
      )
    }
  } finally {
    await stopServer(current)
    current = undefined
  }
}

function family(c: Configuration): ChartBar['family'] {
  if (c.mode === 'cgi') return 'cgi'
  if (c.id.startsWith('framework') || c.id.startsWith('serve')) return 'ours'
  if (c.id.startsWith('node-http')) return 'baseline'
  if (c.id.startsWith('django') || c.id.startsWith('gunicorn')) return 'python'
  return 'peer'
}

try {
  await seedDatabase(ctx.db)
  // The peers run compiled, as serve's workers do (precompilePeers): the same code tsx would
  // run, without tsx's loader thread in their memory figures.
  console.error(`bench: compiled the peers' TypeScript (${await precompilePeers(root)} files)`)
  console.error(
    `bench: ${runnable.length} configuration(s), ${rounds} round(s), ${seconds} s per workload, loader ${loader}`,
  )
  for (let round = 0; round < rounds; round++) {
    for (const c of runnable) {
      try {
        await turn(c, round)
      } catch (error) {
        console.error(`round ${round + 1} ${c.label}: ${(error as Error).message}`)
      }
    }
  }
  const exampleProjectIdleMiB =
    !onlyIds || onlyIds.some((id) => id.startsWith('framework'))
      ? await measureExampleProjectIdle(root)
      : undefined

  const results: Results = new Map()
  for (const [id, byWorkload] of samples) {
    results.set(id, new Map([...byWorkload].map(([w, s]) => [w, summarize(s)])))
  }
  const date = started.toISOString().slice(0, 10)
  mkdirSync(outDir, { recursive: true })
  const chartPath = join(outDir, `${date}.svg`)
  const groups: ChartGroup[] = (Object.keys(WORKLOADS) as WorkloadId[])
    .map((w) => ({
      title: `${w}: ${WORKLOADS[w].title}`,
      bars: runnable.flatMap((c) => {
        const s = results.get(c.id)?.get(w)
        return s ? [{ label: c.label, value: s.rps, family: family(c) }] : []
      }),
    }))
    .filter((g) => g.bars.length > 0)
  writeFileSync(
    chartPath,
    renderChart(`Requests/s per configuration, ${date} (${cpus().length} CPUs, ${loader})`, groups),
  )
  const text = renderReport({
    info: {
      started,
      node: process.version,
      cpus: cpus().length,
      loader,
      connections,
      seconds,
      warmupSeconds: warmup,
      rounds,
      cgiRequests,
      cgiMaxSeconds: CGI_MAX_SECONDS,
      minutes: (Date.now() - started.getTime()) / 60_000,
      load: [loadAtStart, loadavg()[0]!],
      command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    },
    configurations: runnable,
    results,
    idleRss,
    skipped,
    exampleProjectIdleMiB,
    chartFile: relative(outDir, chartPath),
  })
  const mdPath = join(outDir, `${date}.md`)
  writeFileSync(mdPath, text)
  // Every round's figures, for whoever wants more than the medians.
  const raw = Object.fromEntries(
    [...samples].map(([id, byWorkload]) => [id, Object.fromEntries(byWorkload)]),
  )
  writeFileSync(
    join(outDir, `${date}.json`),
    `${JSON.stringify({ started, loader, connections, seconds, rounds, skipped, idleRss: Object.fromEntries(idleRss), exampleProjectIdleMiB, samples: raw }, null, 1)}\n`,
  )
  process.stdout.write(text)
  console.error(`bench: wrote ${mdPath} and ${chartPath}`)
} finally {
  rmSync(scratch, { recursive: true, force: true })
}
