/**
 * serve's supervision with real processes: crashed and blocked workers are replaced, one slow
 * request is ended by --request-timeout without killing its worker, --max-requests recycles,
 * and the signals TTIN/TTOU, HUP and USR2 do what the signals table says.
 */
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { get, startServe, until, workerPids, type ServeRun } from './serve-harness.ts'

const runs: ServeRun[] = []
const dirs: string[] = []
afterEach(async () => {
  await Promise.all(runs.splice(0).map((r) => r.stop('SIGKILL')))
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})
async function serve(args: string[]): Promise<ServeRun> {
  const run = await startServe(args)
  runs.push(run)
  return run
}

/** Sequential requests on fresh connections from `loopers` loops until `stop()`; counts outcomes. */
function requestLoop(url: string, loopers: number) {
  let running = true
  const tally = { ok: 0, failed: 0, lastOkAt: 0 }
  const loops = Array.from({ length: loopers }, async () => {
    while (running) {
      try {
        const res = await get(`${url}/`, { timeoutMs: 15_000 })
        if (res.status === 200) {
          tally.ok++
          tally.lastOkAt = Date.now()
        } else tally.failed++
      } catch {
        tally.failed++
      }
    }
  })
  return {
    tally,
    async stop() {
      running = false
      await Promise.all(loops)
      return tally
    },
  }
}

describe('serve supervision', () => {
  it('replaces a SIGKILLed worker; at most its in-flight requests fail and the server answers within a second', async () => {
    const run = await serve(['--bind', '127.0.0.1:0', '-w', '2'])
    const loop = requestLoop(run.url, 4)
    await until(() => loop.tally.ok > 20, 10_000, 'traffic before the kill')
    const [victim] = workerPids(run.log())
    const killedAt = Date.now()
    const from = run.log().length
    process.kill(victim!, 'SIGKILL')
    // Answered normally within a second of the kill.
    const okBefore = loop.tally.ok
    await until(() => loop.tally.ok > okBefore, 1000, 'a successful request after the kill')
    expect(Date.now() - killedAt).toBeLessThan(1000)
    await run.waitForLog(/Worker \d+ \(pid \d+\) ready/, 15_000, from)
    const tally = await loop.stop()
    // Each looper has at most one request in flight: at most 4 can have been on the victim.
    expect(tally.failed).toBeLessThanOrEqual(4)
    expect(run.log()).toMatch(new RegExp(`pid ${victim}\\) died unexpectedly \\(signal SIGKILL\\)`))
  })

  it('kills and replaces a worker whose event loop is blocked within --timeout + 5 s, while the other keeps answering', async () => {
    const run = await serve(['--bind', '127.0.0.1:0', '-w', '2', '--timeout', '2'])
    const blocked = get(`${run.url}/block?ms=60000`, { timeoutMs: 30_000 }).catch(() => 'cut')
    const blockedAt = Date.now()
    await new Promise((r) => setTimeout(r, 300))
    // Requests keep being answered by the other worker while the blocked one is detected.
    const loop = requestLoop(run.url, 2)
    const match = await run.waitForLog(/WORKER TIMEOUT \(pid:(\d+)\)/, 2000 + 5000 + 2000)
    expect(Date.now() - blockedAt).toBeLessThan(2000 + 5000)
    const from = run.log().indexOf(match[0])
    await run.waitForLog(/Worker \d+ \(pid \d+\) ready/, 15_000, from)
    const tally = await loop.stop()
    expect(await blocked).toBe('cut')
    expect(tally.ok).toBeGreaterThan(5)
    // Connections handed to the blocked worker never reached its event loop: after the kill the
    // primary gives them to a live worker, so none fails (they are only late).
    expect(tally.failed).toBe(0)
  })

  it('ends one slow request with 503 after --request-timeout and keeps the worker', async () => {
    const run = await serve(['--bind', '127.0.0.1:0', '-w', '1', '--request-timeout', '1'])
    const before = (await get(`${run.url}/`)).headers['x-worker-pid']
    const started = Date.now()
    const res = await get(`${run.url}/slow?ms=8000`)
    expect(res.status).toBe(503)
    expect(Date.now() - started).toBeLessThan(4000)
    expect((await get(`${run.url}/`)).headers['x-worker-pid']).toBe(before)
  })

  it('keeps the worker when the application writes after --request-timeout answered for it', async () => {
    const run = await serve(['--bind', '127.0.0.1:0', '-w', '1', '--request-timeout', '1'])
    const before = (await get(`${run.url}/`)).headers['x-worker-pid']
    expect((await get(`${run.url}/late?ms=1500`)).status).toBe(503)
    // The application wakes up at 1.5 s and writes to the response the server already ended.
    await new Promise((resolve) => setTimeout(resolve, 1000))
    expect((await get(`${run.url}/`)).headers['x-worker-pid']).toBe(before)
    expect(run.log()).not.toMatch(/exited|ERR_STREAM_WRITE_AFTER_END/)
  })

  it("aborts gateway.signal with GW-H14 when the client leaves (the worker reports the response's close)", async () => {
    const run = await serve(['--bind', '127.0.0.1:0', '-w', '1'])
    const leaving = get(`${run.url}/watch`, { timeoutMs: 200 })
    await leaving.catch(() => undefined)
    await until(async () => (await get(`${run.url}/last-abort`)).body === 'GW-H14', 5000, 'the abort reason')
  })

  it('recycles a worker after --max-requests, starting the replacement first', async () => {
    const run = await serve(['--bind', '127.0.0.1:0', '-w', '1', '--max-requests', '5'])
    const pids = new Set<string>()
    let failed = 0
    const deadline = Date.now() + 15_000
    // Keep asking until a second PID answers: the retiring worker serves until its replacement is ready.
    while (pids.size < 2 && Date.now() < deadline) {
      const res = await get(`${run.url}/`)
      if (res.status !== 200) failed++
      pids.add(String(res.headers['x-worker-pid']))
    }
    expect(failed).toBe(0)
    await run.waitForLog(/retiring: --max-requests 5 reached/)
    expect(pids.size).toBeGreaterThanOrEqual(2)
    // The replacement was booted before the retiring worker was told to stop.
    await run.waitForLog(/Worker 1 \(pid \d+\) exited \(code 0\)/)
    const log = run.log()
    expect(log.indexOf('Worker 2 (pid')).toBeLessThan(
      log.indexOf(`Worker 1 (pid ${workerPidOf(log, 1)}) exited`),
    )
  })

  it('escalates to a fast stop when INT follows TERM', async () => {
    const run = await serve(['--bind', '127.0.0.1:0', '-w', '1', '--graceful-timeout', '30'])
    const slow = get(`${run.url}/slow?ms=20000`).catch(() => 'cut')
    await new Promise((r) => setTimeout(r, 500))
    process.kill(run.pid, 'SIGTERM')
    await run.waitForLog(/Shutting down: graceful/)
    const started = Date.now()
    process.kill(run.pid, 'SIGINT')
    expect((await run.exited).code).toBe(0)
    expect(Date.now() - started).toBeLessThan(5000)
    expect(await slow).toBe('cut')
  })

  it('adds a worker on TTIN and removes one on TTOU', async () => {
    const run = await serve(['--bind', '127.0.0.1:0', '-w', '1'])
    process.kill(run.pid, 'SIGTTIN')
    await run.waitForLog(/Worker 2 \(pid \d+\) ready/)
    process.kill(run.pid, 'SIGTTOU')
    await run.waitForLog(/Worker 2 \(pid \d+\) exited \(code 0\)/)
    expect((await get(`${run.url}/`)).status).toBe(200)
  })

  it('rolls every worker onto new processes on HUP, old ones leaving after new ones are ready', async () => {
    const run = await serve(['--bind', '127.0.0.1:0', '-w', '2'])
    const old = workerPids(run.log())
    const from = run.log().length
    process.kill(run.pid, 'SIGHUP')
    await until(
      () =>
        /Worker \d+ \(pid \d+\) exited/.test(run.log().slice(from)) &&
        workerPids(run.log()).every((p) => !old.includes(p)),
      20_000,
      'old workers to leave',
    )
    const log = run.log().slice(from)
    expect(log.search(/Worker [34] \(pid \d+\) ready/)).toBeLessThan(
      log.search(/Worker [12] \(pid \d+\) exited/),
    )
    expect(workerPids(run.log())).toHaveLength(2)
    expect((await get(`${run.url}/`)).status).toBe(200)
  })

  it('reopens the error log on USR2 (logrotate)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'serve-logs-'))
    dirs.push(dir)
    const logfile = join(dir, 'error.log')
    const read = (): string => (existsSync(logfile) ? readFileSync(logfile, 'utf8') : '')
    // With a file error log nothing reaches the pipe: readiness is read from the file.
    const run = await startServe(['--bind', '127.0.0.1:0', '--error-logfile', logfile], {
      ready: () =>
        until(() => read().includes('Server ready'), 30_000, 'Server ready in the log file'),
    })
    runs.push(run)
    const pid = run.pid
    renameSync(logfile, `${logfile}.1`)
    process.kill(pid, 'SIGUSR2')
    await until(
      () => existsSync(logfile) && readFileSync(logfile, 'utf8').includes('Log files reopened'),
      5000,
      'the new log file',
    )
    expect((await run.stop('SIGTERM')).code).toBe(0)
    expect(read()).toMatch(/Shutdown complete/)
    expect(readFileSync(`${logfile}.1`, 'utf8')).not.toMatch(/Shutdown complete/)
  })
})

function workerPidOf(log: string, id: number): number {
  return Number(log.match(new RegExp(`Booting worker ${id} with pid: (\\d+)`))![1])
}
