/**
 * @module The Markdown report of a run: one table per workload (median req/s, p50/p99, peak RSS
 * per worker, CPU µs per request, ratios to raw node:http with the same process count), the
 * acceptance targets of issue 10 checked against the figures, and what was skipped and why.
 */
import { baselineId, type Configuration } from './configurations.ts'
import type { Summary } from './stats.ts'
import { WORKLOADS, type WorkloadId } from './workloads.ts'

export type Results = Map<string, Map<WorkloadId, Summary>>

export interface RunInfo {
  started: Date
  node: string
  cpus: number
  loader: string
  connections: number
  seconds: number
  warmupSeconds: number
  rounds: number
  cgiRequests: number
  cgiMaxSeconds: number
  minutes: number
  command: string
  /** 1-minute load average at the start and the end: other work on the machine skews figures. */
  load: [number, number]
}

export interface Report {
  info: RunInfo
  configurations: Configuration[]
  results: Results
  idleRss: Map<string, number>
  skipped: { label: string; reason: string }[]
  /** Idle worker RSS of `serve project/wsgi.ts` (the example project), MiB. */
  exampleProjectIdleMiB: number | undefined
  chartFile: string
}

const f0 = (n: number) =>
  Number.isFinite(n) ? (n < 100 ? n.toFixed(1) : Math.round(n).toLocaleString('en-US')) : '–'
const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '–')
const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '–')
const ms = (n: number) => (Number.isFinite(n) ? (n < 10 ? n.toFixed(2) : n.toFixed(0)) : '–')

function lookup(report: Report, id: string, w: WorkloadId): Summary | undefined {
  return report.results.get(id)?.get(w)
}

function ratio(
  a: Summary | undefined,
  b: Summary | undefined,
  key: 'rps' | 'cpuUsPerRequest',
): number {
  return a && b ? a[key] / b[key] : NaN
}

function workloadTable(report: Report, w: WorkloadId): string[] {
  const lines = [
    `### ${w}: ${WORKLOADS[w].title}`,
    '',
    '| configuration | procs | req/s | p50 ms | p99 ms | peak RSS/worker MiB | CPU µs/req | req/s ÷ node:http | CPU/req ÷ node:http | errors / non-2xx |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ]
  for (const c of report.configurations) {
    const s = lookup(report, c.id, w)
    if (!s) continue
    const base = lookup(report, baselineId(c.processes), w)
    lines.push(
      `| ${c.label} | ${c.processes} | ${f0(s.rps)} | ${ms(s.p50Ms)} | ${ms(s.p99Ms)} | ${f0(s.peakRssMiB)} | ${f1(s.cpuUsPerRequest)} | ${f2(ratio(s, base, 'rps'))} | ${f2(ratio(s, base, 'cpuUsPerRequest'))} | ${s.errors} / ${s.bad} |`,
    )
  }
  return [...lines, '']
}

/**
 * One acceptance line: the figure, the target, met or not (or not measured), and the same ratio
 * by CPU time per request (theirs ÷ ours), which a shared machine disturbs less.
 */
function target(
  text: string,
  value: number,
  goal: number,
  better: 'higher' | 'lower',
  unit = 'x',
  cpuRatio = NaN,
  spread = '',
): string {
  if (!Number.isFinite(value)) return `- ${text}: not measured in this run`
  const met = better === 'higher' ? value >= goal : value <= goal
  const cpu = Number.isFinite(cpuRatio)
    ? `; by CPU µs/req: ${cpuRatio.toFixed(2)}x, ${cpuRatio >= goal ? 'met' : 'not met'}`
    : ''
  return `- ${text}: **${value.toFixed(2)}${unit}** (target ${better === 'higher' ? '≥' : '<'} ${goal}${unit}: ${met ? 'met' : '**NOT met**'}${spread}${cpu})`
}

/**
 * The lowest and highest of the per-round ratios (ours ÷ theirs by req/s; rounds are
 * interleaved, so round i of each ran side by side), as `; rounds 0.85-0.93`, or '' when the two
 * sides do not have the same rounds.
 */
function roundSpread(ours: Summary | undefined, theirs: Summary | undefined): string {
  const a = ours?.rpsByRound
  const b = theirs?.rpsByRound
  if (!a || !b || a.length < 2 || a.length !== b.length) return ''
  const ratios = a.map((rps, i) => rps / b[i]!)
  return `; rounds ${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}`
}

function acceptance(report: Report): string[] {
  const g = (id: string, w: WorkloadId) => lookup(report, id, w)
  /** ours ÷ theirs by req/s, and theirs ÷ ours by CPU per request (both "higher is better"). */
  const vs = (ours: string, theirs: string, w: WorkloadId): [number, number, string] => [
    ratio(g(ours, w), g(theirs, w), 'rps'),
    ratio(g(theirs, w), g(ours, w), 'cpuUsPerRequest'),
    roundSpread(g(ours, w), g(theirs, w)),
  ]
  const lines = [
    '## Acceptance targets (issue 10), from this run',
    '',
    "Each ratio by median req/s (with the lowest and highest of the rounds' own ratios: round i of each configuration ran side by side), then by CPU µs per request (the other side's ÷ ours).",
    '',
  ]
  const line = (text: string, [rps, cpu, spread]: [number, number, string], goal: number) =>
    target(text, rps, goal, 'higher', 'x', cpu, spread)
  for (const n of [1, 2]) {
    lines.push(
      line(
        `W1 serve + bare hello_world.ts ×${n} ÷ node:http ×${n}`,
        vs(`serve-bare-${n}`, baselineId(n), 'W1'),
        0.9,
      ),
    )
  }
  for (const w of ['W1', 'W2'] as const) {
    for (const n of [1, 2]) {
      lines.push(
        line(
          `${w} full framework ×${n} ÷ node:http ×${n}`,
          vs(`framework-${n}`, baselineId(n), w),
          0.7,
        ),
      )
    }
    lines.push(
      line(
        `${w} full framework ×1 ÷ Express ×1 (ahead of Express)`,
        vs('framework-1', 'express-1', w),
        1,
      ),
    )
  }
  for (const n of [1, 2]) {
    lines.push(
      line(
        `W3 full framework ×${n} ÷ Gunicorn + Django ×${n}`,
        vs(`framework-${n}`, `django-${n}`, 'W3'),
        5,
      ),
    )
    lines.push(
      line(
        `W3 full framework ×${n} ÷ Fastify + kysely ×${n}`,
        vs(`framework-${n}`, `fastify-${n}`, 'W3'),
        0.8,
      ),
    )
  }
  const serveW1 = g('serve-bare-1', 'W1')?.rps ?? NaN
  for (const id of ['cgi-framework', 'cgi-python']) {
    const cgi = g(id, 'W1')?.rps ?? NaN
    const label = report.configurations.find((c) => c.id === id)?.label ?? id
    lines.push(
      Number.isFinite(cgi * serveW1)
        ? `- W1 serve + hello_world.ts ×1 ÷ ${label}: **${f0(serveW1 / cgi)}x** (the story's claim measured: a process per request is that much slower)`
        : `- W1 serve ÷ ${label}: not measured in this run`,
    )
  }
  lines.push(
    target(
      'Idle worker RSS, `serve project/wsgi.ts` (example project loaded), MiB',
      report.exampleProjectIdleMiB ?? NaN,
      80,
      'lower',
      ' MiB',
    ),
  )
  return [...lines, '']
}

export function renderReport(report: Report): string {
  const i = report.info
  const lines = [
    `# Benchmark run ${i.started.toISOString().slice(0, 10)}`,
    '',
    `Generated by \`${i.command}\` (bench/run.ts) at ${i.started.toISOString()} in ${i.minutes.toFixed(1)} min.`,
    `Node ${i.node}; ${i.cpus} CPUs shared with the load generator (${i.loader}, one thread, ${i.connections} keep-alive connections); loopback.`,
    `${i.rounds} round(s) of ${i.seconds} s per workload after ${i.warmupSeconds} s of warm-up each (the first workload of a configuration: ${Math.max(3 * i.warmupSeconds, 3)} s), configurations interleaved (A B C … A B C …), each started before and stopped after its turn in every round.`,
    `CGI configurations: up to ${i.cgiRequests} requests per round (none started after ${i.cgiMaxSeconds} s), 2 at a time, each on a new connection.`,
    `Load average (1 min) at start ${i.load[0].toFixed(1)}, at end ${i.load[1].toFixed(1)} (the end includes the bench's own server and load generator)${i.load[0] > 0.75 * i.cpus ? ': **the machine was busy with other work, so absolute figures are low and noisy; ratios within a round and CPU µs/req hold up better**' : ''}.`,
    "Figures are medians over rounds; peak RSS is the largest worker seen during the runs; CPU µs/req is the server process tree's user+system time (master and workers, from /proc) divided by the requests served.",
    '',
    `![requests/s per configuration and workload](${report.chartFile})`,
    '',
    ...acceptance(report),
    '## Results',
    '',
  ]
  for (const w of Object.keys(WORKLOADS) as WorkloadId[]) {
    if (report.configurations.some((c) => lookup(report, c.id, w)))
      lines.push(...workloadTable(report, w))
  }
  if (report.idleRss.size) {
    lines.push('### Idle RSS per worker (after start and one request), MiB', '')
    lines.push('| configuration | MiB |', '| --- | ---: |')
    for (const c of report.configurations) {
      const v = report.idleRss.get(c.id)
      if (v !== undefined) lines.push(`| ${c.label} | ${f0(v)} |`)
    }
    lines.push('')
  }
  if (report.skipped.length) {
    lines.push('## Skipped', '')
    for (const s of report.skipped) lines.push(`- ${s.label}: ${s.reason}`)
    lines.push('')
  }
  return `${lines.join('\n')}\n`
}
