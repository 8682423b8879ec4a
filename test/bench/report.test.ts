/**
 * The report's acceptance lines: the median ratio, whether the target is met, and the lowest and
 * highest of the rounds' own ratios (round i of each configuration ran side by side), so a reader
 * sees how far one run's figure can be trusted.
 */
import { describe, expect, it } from 'vitest'
import { CONFIGURATIONS } from '../../bench/lib/configurations.ts'
import { renderReport, type Report } from '../../bench/lib/report.ts'
import { summarize, type Sample } from '../../bench/lib/stats.ts'
import type { WorkloadId } from '../../bench/lib/workloads.ts'

function sample(rps: number): Sample {
  return { rps, p50Ms: 1, p99Ms: 2, requests: rps * 3, errors: 0, bad: 0, cpuUsPerRequest: 1e6 / rps, peakRssMiB: 50 }
}

function report(rounds: Record<string, number[]>): Report {
  const results = new Map<string, Map<WorkloadId, ReturnType<typeof summarize>>>()
  for (const [id, rps] of Object.entries(rounds))
    results.set(id, new Map([['W1', summarize(rps.map(sample))]]))
  return {
    info: {
      started: new Date('2026-11-26T00:00:00Z'),
      node: 'v20',
      cpus: 2,
      loader: 'wrk',
      connections: 50,
      seconds: 3,
      warmupSeconds: 1,
      rounds: 3,
      cgiRequests: 30,
      cgiMaxSeconds: 20,
      minutes: 1,
      command: 'npm run bench',
      load: [0.1, 0.2],
    },
    configurations: CONFIGURATIONS.filter((c) => c.id in rounds),
    results,
    idleRss: new Map(),
    skipped: [],
    exampleProjectIdleMiB: undefined,
    chartFile: 'chart.svg',
  }
}

describe('renderReport acceptance lines', () => {
  it('gives the lowest and highest per-round ratio beside the median', () => {
    const text = renderReport(
      report({ 'node-http-1': [100, 100, 100], 'serve-bare-1': [80, 95, 89] }),
    )
    const line = text.split('\n').find((l) => l.includes('bare hello_world.ts ×1'))
    expect(line).toContain('**0.89x**')
    expect(line).toContain('**NOT met**; rounds 0.80-0.95;')
  })

  it('leaves the spread out when the rounds do not pair up', () => {
    const text = renderReport(report({ 'node-http-1': [100, 100], 'serve-bare-1': [91, 93, 95] }))
    const line = text.split('\n').find((l) => l.includes('bare hello_world.ts ×1'))
    expect(line).toContain('**0.93x** (target ≥ 0.9x: met; by CPU')
  })
})
