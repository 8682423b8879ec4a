/**
 * Request ids and metrics against a real `serve`: the id is kept or made, reaches the
 * application as `serve.request_id` and comes back on the response with `--request-id-echo`;
 * `--metrics-bind` serves the Prometheus text added up over the workers, with a live in-flight
 * gauge.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { freePort } from '../support/serve-child.ts'
import { get, startServe, until, type ServeRun } from './serve-harness.ts'

const runs: ServeRun[] = []
afterEach(async () => {
  await Promise.all(runs.splice(0).map((r) => r.stop('SIGKILL')))
})

const madeId = /^[0-9a-f]{32}$/

describe('serve request ids', { timeout: 60_000 }, () => {
  it('keeps a sane X-Request-Id, makes one otherwise, echoes it on request', async () => {
    const run = await startServe(['--bind', '127.0.0.1:0', '-w', '1', '--request-id-echo'])
    runs.push(run)
    const kept = await get(`${run.url}/environ`, { headers: { 'X-Request-Id': 'abc-123' } })
    expect(JSON.parse(kept.body).requestId).toBe('abc-123')
    expect(kept.headers['x-request-id']).toBe('abc-123')

    const made = await get(`${run.url}/environ`)
    const id = JSON.parse(made.body).requestId as string
    expect(id).toMatch(madeId)
    expect(made.headers['x-request-id']).toBe(id)

    // A value that could forge log fields or headers is replaced, not echoed.
    const forged = await get(`${run.url}/environ`, { headers: { 'X-Request-Id': 'a b"c' } })
    expect(forged.headers['x-request-id']).toMatch(madeId)
  })

  it('does not echo the id by default: the application and the log still get it', async () => {
    const run = await startServe(['--bind', '127.0.0.1:0', '-w', '1'])
    runs.push(run)
    const made = await get(`${run.url}/environ`, { headers: { 'X-Request-Id': 'abc-123' } })
    expect(JSON.parse(made.body).requestId).toBe('abc-123')
    expect(made.headers['x-request-id']).toBeUndefined()
  })

  it('uses --request-id-header and turns ids off when it is empty', async () => {
    const named = await startServe([
      '--bind',
      '127.0.0.1:0',
      '--request-id-header',
      'X-Trace',
      '--request-id-echo',
    ])
    runs.push(named)
    const res = await get(`${named.url}/environ`, { headers: { 'X-Trace': 't-1' } })
    expect(res.headers['x-trace']).toBe('t-1')
    expect(res.headers['x-request-id']).toBeUndefined()

    const off = await startServe([
      '--bind',
      '127.0.0.1:0',
      '--request-id-header',
      '',
      '--request-id-echo',
    ])
    runs.push(off)
    const plain = await get(`${off.url}/environ`, { headers: { 'X-Request-Id': 'abc' } })
    expect(JSON.parse(plain.body).requestId).toBeUndefined()
    expect(plain.headers['x-request-id']).toBeUndefined()
  })
})

describe('serve --metrics-bind', { timeout: 60_000 }, () => {
  it('serves Prometheus text over all workers, with requests in flight counted', async () => {
    const port = await freePort()
    const run = await startServe([
      '--bind',
      '127.0.0.1:0',
      '-w',
      '2',
      '--metrics-bind',
      `127.0.0.1:${port}`,
    ])
    runs.push(run)
    for (let i = 0; i < 6; i++) expect((await get(`${run.url}/`)).status).toBe(200)
    const slow = get(`${run.url}/slow?ms=1500`)
    const metricsUrl = `http://127.0.0.1:${port}/metrics`
    let text = ''
    await until(
      async () => {
        text = (await get(metricsUrl)).body
        return /^serve_requests_in_flight 1$/m.test(text)
      },
      3000,
      'the slow request in the in-flight gauge',
    )
    expect(text).toMatch(/^serve_requests_total\{status="200"\} 6$/m)
    expect(text).toMatch(/^serve_workers 2$/m)
    expect(text).toMatch(/^serve_request_duration_seconds_count 6$/m)
    const head = await get(metricsUrl)
    expect(head.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/)
    expect((await slow).body).toBe('slept 1500')
    await until(
      async () => /^serve_requests_in_flight 0$/m.test((await get(metricsUrl)).body),
      3000,
      'the in-flight gauge back to 0',
    )
    expect((await get(`http://127.0.0.1:${port}/other`)).status).toBe(404)
  })
})
