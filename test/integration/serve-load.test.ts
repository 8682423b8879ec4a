/**
 * serve under steady load (autocannon, 50 connections, 10 s, as issue 3 asks): a HUP rolling
 * reload and --max-requests recycling each finish with zero failed requests. The runs are
 * sequential (one describe, no concurrency) so they do not compete with each other for CPU.
 */
import { createRequire } from 'node:module'
import { afterEach, describe, expect, it } from 'vitest'
import { startServe, until, workerPids, type ServeRun } from './serve-harness.ts'

interface AutocannonResult {
  errors: number
  timeouts: number
  non2xx: number
  resets: number
  '2xx': number
  requests: { total: number; average: number }
}
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon
/** autocannon's callback form, which returns the running instance (to stop it early). */
const autocannonWithHandle = createRequire(import.meta.url)('autocannon') as (
  options: Record<string, unknown>,
  done: (error: Error | null, result: AutocannonResult) => void,
) => { stop(): void }

const runs: ServeRun[] = []
afterEach(async () => {
  await Promise.all(runs.splice(0).map((r) => r.stop('SIGKILL')))
})

function load(url: string): Promise<AutocannonResult> {
  // Every wait bounded: autocannon stops itself after `duration`; a stuck request times out.
  return autocannon({ url: `${url}/`, connections: 50, duration: 10, timeout: 10 })
}

function summary(result: AutocannonResult, run: ServeRun): string {
  return `errors ${result.errors}, timeouts ${result.timeouts}, non2xx ${result.non2xx}, 2xx ${result['2xx']}\n${run.log()}`
}

describe('serve under load', { timeout: 90_000 }, () => {
  it('finishes a HUP rolling reload with zero failed requests', async () => {
    const run = await startServe(['--bind', '127.0.0.1:0', '-w', '2', '--log-level', 'info'])
    runs.push(run)
    const before = workerPids(run.log())
    // The load lasts until the reload has finished (bounded): on a busy machine booting the new
    // generation can take longer than a fixed 10 s window, and the old workers' drain (the part
    // that could fail requests) comes last.
    let stopLoad = (): void => {}
    const loadStarted = Date.now()
    const pending = new Promise<AutocannonResult>((resolve, reject) => {
      const instance = autocannonWithHandle(
        { url: `${run.url}/`, connections: 50, duration: 60, timeout: 10 },
        (error, result) => (error ? reject(error) : resolve(result)),
      )
      stopLoad = () => instance.stop()
    })
    await new Promise((r) => setTimeout(r, 2500))
    const from = run.log().length
    process.kill(run.pid, 'SIGHUP')
    await until(
      () => {
        const now = workerPids(run.log())
        return now.length === 2 && !now.some((pid) => before.includes(pid))
      },
      45_000,
      'the new generation ready and the old workers gone',
    )
    // At least the 10 s of load, and 2 s of it after the reload.
    await new Promise((r) => setTimeout(r, Math.max(2000, loadStarted + 10_000 - Date.now())))
    stopLoad()
    const result = await pending
    const after = workerPids(run.log())
    expect(run.log().slice(from)).toMatch(/Reloading: starting generation 2/)
    expect(
      after.some((pid) => before.includes(pid)),
      summary(result, run),
    ).toBe(false)
    expect(result.errors + result.timeouts + result.non2xx, summary(result, run)).toBe(0)
    expect(result['2xx']).toBeGreaterThan(1000)
  })

  it('fails at most the requests in flight on a SIGKILLed worker, and keeps answering', async () => {
    const run = await startServe(['--bind', '127.0.0.1:0', '-w', '2'])
    runs.push(run)
    const pending = load(run.url)
    await new Promise((r) => setTimeout(r, 3000))
    const [victim] = workerPids(run.log())
    process.kill(victim!, 'SIGKILL')
    const result = await pending
    // Round-robin put 25 of the 50 connections on the victim; with one request in flight per
    // connection (no pipelining), at most 25 requests can have been lost.
    expect(result.errors + result.timeouts, summary(result, run)).toBeLessThanOrEqual(25)
    expect(result.non2xx, summary(result, run)).toBe(0)
    expect(run.log()).toMatch(/Worker 3 \(pid \d+\) ready/)
  })

  it('recycles workers on --max-requests under load with zero failed requests', async () => {
    const run = await startServe([
      '--bind',
      '127.0.0.1:0',
      '-w',
      '2',
      '--max-requests',
      '1000',
      '--max-requests-jitter',
      '200',
    ])
    runs.push(run)
    const result = await load(run.url)
    const recycled = run.log().match(/retiring: --max-requests \d+ reached/g) ?? []
    expect(recycled.length, summary(result, run)).toBeGreaterThanOrEqual(2)
    expect(result.errors + result.timeouts + result.non2xx, summary(result, run)).toBe(0)
  })
})
