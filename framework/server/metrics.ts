/**
 * @module Per-worker request metrics (requests, statuses, a latency histogram, in-flight), a
 * merge for the primary, and the Prometheus text rendering.
 *
 * Why snapshots of plain numbers: a worker sends its snapshot to the primary over IPC (JSON), and
 * the primary adds them up; counters stay monotonic per worker, and the primary keeps the
 * totals of workers that exited so a restart does not make a counter go backwards.
 */

/**
 * Upper bounds of the latency buckets, in seconds (Prometheus' client defaults).
 *
 * @example
 * ```ts
 * const underTenMs = snapshot.buckets.slice(0, LATENCY_BUCKETS.indexOf(0.01) + 1)
 * ```
 */
export const LATENCY_BUCKETS: readonly number[] = Object.freeze([
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
])

/** A JSON-safe copy of the counters. `buckets[i]` counts requests at most LATENCY_BUCKETS[i]; the last entry is +Inf. */
export interface MetricsSnapshot {
  requests: number
  inFlight: number
  /** Counts per status code, e.g. `{ "200": 12, "404": 1 }`. */
  statuses: Record<string, number>
  /** Non-cumulative counts per bucket, length LATENCY_BUCKETS.length + 1. */
  buckets: number[]
  /** Sum of latencies in seconds. */
  latencySum: number
  workerRestarts: number
}

/**
 * An empty snapshot (all counters 0), e.g. for a primary with no worker yet.
 *
 * @example
 * ```ts
 * const total = snapshots.length > 0 ? mergeMetrics(snapshots) : emptySnapshot()
 * ```
 */
export function emptySnapshot(): MetricsSnapshot {
  return {
    requests: 0,
    inFlight: 0,
    statuses: {},
    buckets: new Array<number>(LATENCY_BUCKETS.length + 1).fill(0),
    latencySum: 0,
    workerRestarts: 0,
  }
}

/**
 * The counters of one worker.
 *
 * @example
 * ```ts
 * const metrics = new WorkerMetrics()
 * const done = metrics.start()
 * res.on('finish', () => done(res.statusCode))
 * process.send?.({ type: 'metrics', snapshot: metrics.snapshot() })
 * ```
 */
export class WorkerMetrics {
  #requests = 0
  #inFlight = 0
  /**
   * Requests by status code, indexed by the code (100-999): an array slot instead of a Map's
   * get and set, which were two hash lookups per request. Other numbers count under 0.
   */
  readonly #statuses = new Float64Array(1000)
  readonly #buckets = new Array<number>(LATENCY_BUCKETS.length + 1).fill(0)
  #latencySum = 0
  readonly #now: () => number

  /** `now` returns milliseconds (injectable for tests; defaults to performance.now). */
  constructor(now: () => number = () => performance.now()) {
    this.#now = now
  }

  /** Marks a request as started; call the returned function once with its status when it ends. */
  start(): (status: number) => void {
    const began = this.#now()
    this.#inFlight++
    let ended = false
    return (status) => {
      if (ended) return
      ended = true
      this.#inFlight--
      this.observe(status, (this.#now() - began) / 1000)
    }
  }

  /** Marks a request as started (the in-flight gauge); pair it with one `end()`. */
  begin(): void {
    this.#inFlight++
  }

  /** Ends a request counted by `begin()`: in-flight goes down, the request is observed. */
  end(status: number, seconds: number): void {
    if (this.#inFlight > 0) this.#inFlight--
    this.observe(status, seconds)
  }

  /** Counts one finished request with its status and latency in seconds. */
  observe(status: number, seconds: number): void {
    this.#requests++
    this.#statuses[status >= 100 && status <= 999 ? status : 0]!++
    this.#latencySum += seconds
    // A loop, not findIndex with a closure: this runs once per request.
    let i = 0
    while (i < LATENCY_BUCKETS.length && seconds > LATENCY_BUCKETS[i]!) i++
    this.#buckets[i]!++
  }

  /** A JSON-safe copy. */
  snapshot(): MetricsSnapshot {
    return {
      requests: this.#requests,
      inFlight: this.#inFlight,
      statuses: statusCounts(this.#statuses),
      buckets: [...this.#buckets],
      latencySum: this.#latencySum,
      workerRestarts: 0,
    }
  }
}

/** The non-zero counts of `byStatus` as a JSON object keyed by status code. */
function statusCounts(byStatus: Float64Array): Record<string, number> {
  const counts: Record<string, number> = {}
  for (let status = 0; status < byStatus.length; status++) {
    if (byStatus[status]! > 0) counts[String(status)] = byStatus[status]!
  }
  return counts
}

/**
 * Adds snapshots up (the primary's view over all workers, alive and exited). In-flight counts
 * add up too; pass exited workers' final snapshots with inFlight already 0.
 *
 * @example
 * ```ts
 * const total = mergeMetrics([...liveSnapshots, retired], { workerRestarts: 3 })
 * ```
 */
export function mergeMetrics(
  snapshots: readonly MetricsSnapshot[],
  extra: { workerRestarts?: number } = {},
): MetricsSnapshot {
  const total = emptySnapshot()
  for (const s of snapshots) {
    total.requests += s.requests
    total.inFlight += s.inFlight
    total.latencySum += s.latencySum
    total.workerRestarts += s.workerRestarts
    for (const [status, n] of Object.entries(s.statuses)) {
      total.statuses[status] = (total.statuses[status] ?? 0) + n
    }
    s.buckets.forEach((n, i) => {
      if (i < total.buckets.length) total.buckets[i]! += n
    })
  }
  total.workerRestarts += extra.workerRestarts ?? 0
  return total
}

/**
 * The Prometheus text exposition (format 0.0.4) of a snapshot, metric names under `prefix`.
 *
 * @example
 * ```ts
 * res.setHeader('Content-Type', 'text/plain; version=0.0.4')
 * res.end(renderPrometheus(mergeMetrics(snapshots), { workers: 2 }))
 * ```
 */
export function renderPrometheus(
  s: MetricsSnapshot,
  options: { prefix?: string; workers?: number } = {},
): string {
  const p = options.prefix ?? 'serve'
  const lines: string[] = []
  lines.push(`# HELP ${p}_requests_total Requests answered.`, `# TYPE ${p}_requests_total counter`)
  const statuses = Object.keys(s.statuses).sort()
  if (statuses.length === 0) lines.push(`${p}_requests_total 0`)
  for (const status of statuses) lines.push(`${p}_requests_total{status="${status}"} ${s.statuses[status]}`)
  lines.push(`# HELP ${p}_requests_in_flight Requests being answered now.`, `# TYPE ${p}_requests_in_flight gauge`, `${p}_requests_in_flight ${s.inFlight}`)
  lines.push(`# HELP ${p}_request_duration_seconds Time from request head to response end.`, `# TYPE ${p}_request_duration_seconds histogram`)
  let cumulative = 0
  LATENCY_BUCKETS.forEach((bound, i) => {
    cumulative += s.buckets[i] ?? 0
    lines.push(`${p}_request_duration_seconds_bucket{le="${bound}"} ${cumulative}`)
  })
  cumulative += s.buckets[LATENCY_BUCKETS.length] ?? 0
  lines.push(`${p}_request_duration_seconds_bucket{le="+Inf"} ${cumulative}`)
  lines.push(`${p}_request_duration_seconds_sum ${s.latencySum}`, `${p}_request_duration_seconds_count ${cumulative}`)
  lines.push(`# HELP ${p}_worker_restarts_total Workers replaced after a crash, timeout or recycling.`, `# TYPE ${p}_worker_restarts_total counter`, `${p}_worker_restarts_total ${s.workerRestarts}`)
  if (options.workers !== undefined) {
    lines.push(`# HELP ${p}_workers Workers running.`, `# TYPE ${p}_workers gauge`, `${p}_workers ${options.workers}`)
  }
  return `${lines.join('\n')}\n`
}
