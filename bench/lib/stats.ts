/**
 * @module The summary statistics of a configuration's rounds.
 */

/** The median (the mean of the middle two for an even count); NaN for none. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

/** One load run of one workload on one configuration, with the server's cost beside it. */
export interface Sample {
  rps: number
  p50Ms: number
  p99Ms: number
  requests: number
  errors: number
  bad: number
  /** Server process tree CPU time / requests, in microseconds. */
  cpuUsPerRequest: number
  /** The largest RSS of any worker during the run, MiB. */
  peakRssMiB: number
}

/** What the report shows for a (configuration, workload): medians over rounds, peak of peaks. */
export interface Summary {
  rounds: number
  rps: number
  p50Ms: number
  p99Ms: number
  cpuUsPerRequest: number
  peakRssMiB: number
  errors: number
  bad: number
  /** req/s and CPU µs per request of each round, in round order (for per-round ratios). */
  rpsByRound: number[]
  cpuByRound: number[]
}

export function summarize(samples: readonly Sample[]): Summary {
  return {
    rpsByRound: samples.map((s) => s.rps),
    cpuByRound: samples.map((s) => s.cpuUsPerRequest),
    rounds: samples.length,
    rps: median(samples.map((s) => s.rps)),
    p50Ms: median(samples.map((s) => s.p50Ms)),
    p99Ms: median(samples.map((s) => s.p99Ms)),
    cpuUsPerRequest: median(samples.map((s) => s.cpuUsPerRequest)),
    peakRssMiB: Math.max(...samples.map((s) => s.peakRssMiB)),
    errors: samples.reduce((a, s) => a + s.errors, 0),
    bad: samples.reduce((a, s) => a + s.bad, 0),
  }
}
