/** @module Tests of metrics.ts: counting, merging and the Prometheus text. */
import { describe, expect, it } from 'vitest'
import { LATENCY_BUCKETS, WorkerMetrics, mergeMetrics, renderPrometheus } from '../../framework/server/metrics.ts'

describe('WorkerMetrics', () => {
  it('counts requests, statuses and in-flight, and puts latencies in buckets', () => {
    let now = 0
    const metrics = new WorkerMetrics(() => now)
    const a = metrics.start()
    const b = metrics.start()
    expect(metrics.snapshot().inFlight).toBe(2)
    now = 3 // 3 ms
    a(200)
    now = 700 // 0.7 s
    b(404)
    b(404) // a second call is ignored
    const s = metrics.snapshot()
    expect(s).toMatchObject({ requests: 2, inFlight: 0, statuses: { '200': 1, '404': 1 } })
    expect(s.buckets[0]).toBe(1) // <= 0.005
    expect(s.buckets[LATENCY_BUCKETS.indexOf(1)]).toBe(1) // <= 1 s
    expect(s.latencySum).toBeCloseTo(0.703)
  })
  it('keeps requests between begin() and end() in the in-flight gauge', () => {
    const metrics = new WorkerMetrics()
    metrics.begin()
    metrics.begin()
    expect(metrics.snapshot()).toMatchObject({ inFlight: 2, requests: 0 })
    metrics.end(200, 0.003)
    expect(metrics.snapshot()).toMatchObject({ inFlight: 1, requests: 1, statuses: { '200': 1 } })
    metrics.end(503, 0.2)
    expect(metrics.snapshot()).toMatchObject({ inFlight: 0, requests: 2 })
  })

  it('counts a latency above the last bound in +Inf', () => {
    const metrics = new WorkerMetrics()
    metrics.observe(200, 60)
    expect(metrics.snapshot().buckets.at(-1)).toBe(1)
  })
})

describe('mergeMetrics', () => {
  it('adds snapshots of several workers and the restarts', () => {
    const w1 = new WorkerMetrics()
    const w2 = new WorkerMetrics()
    w1.observe(200, 0.01)
    w2.observe(200, 0.01)
    w2.observe(500, 2)
    const total = mergeMetrics([w1.snapshot(), JSON.parse(JSON.stringify(w2.snapshot()))], { workerRestarts: 3 })
    expect(total).toMatchObject({ requests: 3, statuses: { '200': 2, '500': 1 }, workerRestarts: 3 })
    expect(total.buckets.reduce((a, b) => a + b, 0)).toBe(3)
  })
})

describe('renderPrometheus', () => {
  it('writes counters per status and a cumulative histogram ending at +Inf', () => {
    const m = new WorkerMetrics()
    m.observe(200, 0.001)
    m.observe(200, 0.2)
    m.observe(503, 30)
    const text = renderPrometheus(m.snapshot(), { workers: 2 })
    expect(text).toContain('serve_requests_total{status="200"} 2\n')
    expect(text).toContain('serve_requests_total{status="503"} 1\n')
    expect(text).toContain('serve_request_duration_seconds_bucket{le="0.005"} 1\n')
    expect(text).toContain('serve_request_duration_seconds_bucket{le="0.25"} 2\n')
    expect(text).toContain('serve_request_duration_seconds_bucket{le="+Inf"} 3\n')
    expect(text).toContain('serve_request_duration_seconds_count 3\n')
    expect(text).toContain('serve_workers 2\n')
    expect(text).toMatch(/# TYPE serve_request_duration_seconds histogram/)
  })
})
