/**
 * serve with real processes on loopback: workers answer, binds (TCP, unix socket, systemd fd),
 * the control socket, the pidfile, and TERM's graceful stop.
 */
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { request as httpsRequest } from 'node:https'
import { createConnection } from 'node:net'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { requireProgram } from '../support/require-program.ts'
import {
  get,
  nodeArgs,
  repoRoot,
  serveMain,
  startServe,
  testApp,
  workerPids,
  type ServeRun,
} from './serve-harness.ts'

const runs: ServeRun[] = []
const dirs: string[] = []
afterEach(async () => {
  await Promise.all(runs.splice(0).map((r) => r.stop('SIGKILL')))
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'serve-basic-'))
  dirs.push(dir)
  return dir
}
async function serve(...args: Parameters<typeof startServe>): Promise<ServeRun> {
  const run = await startServe(...args)
  runs.push(run)
  return run
}

function control(path: string, command: object): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ path })
    let data = ''
    const timer = setTimeout(
      () => socket.destroy(new Error('control socket did not answer in 5 s')),
      5000,
    )
    socket.setEncoding('utf8')
    socket.on('data', (c: string) => {
      data += c
      if (data.includes('\n')) {
        clearTimeout(timer)
        socket.end()
        resolve(JSON.parse(data) as Record<string, unknown>)
      }
    })
    socket.on('error', reject)
    socket.write(`${JSON.stringify(command)}\n`)
  })
}

describe('serve (process model basics)', () => {
  it('serves examples/hello_world.ts with one worker', async () => {
    const run = await serve(['--bind', '127.0.0.1:0', '--workers', '1'], {
      app: 'examples/hello_world:processHttpRequest',
    })
    const res = await get(`${run.url}/`)
    expect(res.status).toBe(200)
    expect(res.body).toBe('Hello World')
    expect((await run.stop()).code).toBe(0)
  })

  it('serves examples/hello_world.ts with two workers, connections spread over both', async () => {
    const run = await serve(['--bind', '127.0.0.1:0', '-w', '2'], {
      app: 'examples/hello_world.ts:processHttpRequest',
    })
    expect((await get(`${run.url}/`)).body).toBe('Hello World')
    const other = await serve(['--bind', '127.0.0.1:0', '-w', '2'])
    const pids = new Set<string>()
    for (let i = 0; i < 6; i++)
      pids.add(String((await get(`${other.url}/`)).headers['x-worker-pid']))
    expect(pids.size).toBe(2)
    const environ = JSON.parse((await get(`${other.url}/environ`)).body) as {
      multiprocess: boolean
    }
    expect(environ.multiprocess).toBe(true)
  })

  it('lets a 3 s request finish on TERM, then exits 0', async () => {
    const run = await serve(['--bind', '127.0.0.1:0', '-w', '2', '--graceful-timeout', '10'])
    const slow = get(`${run.url}/slow?ms=3000`)
    await new Promise((r) => setTimeout(r, 500))
    const started = Date.now()
    const exit = run.stop('SIGTERM')
    const res = await slow
    expect(res.status).toBe(200)
    expect(res.body).toBe('slept 3000')
    expect(await exit).toEqual({ code: 0, signal: null })
    expect(Date.now() - started).toBeGreaterThan(2000)
  })

  it('binds a unix socket with the asked mode, removes a stale one, and unlinks it on exit', async () => {
    const path = join(tempDir(), 'serve.sock')
    // A stale socket: its server was SIGKILLed, so nothing unlinked the file.
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `require('net').createServer().listen(${JSON.stringify(path)}, () => console.log('up'))`,
      ],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    )
    await new Promise((r) => holder.stdout!.once('data', r))
    holder.kill('SIGKILL')
    await new Promise((r) => holder.once('exit', r))
    expect(statSync(path).isSocket()).toBe(true)
    const run = await serve(['--bind', `unix:${path}`, '--bind-mode', '600'])
    expect(statSync(path).mode & 0o777).toBe(0o600)
    const res = await get('http://localhost/', { socketPath: path })
    expect(res.body).toMatch(/^Hello from \d+$/)
    expect((await run.stop()).code).toBe(0)
    expect(existsSync(path)).toBe(false)
  })

  it('refuses to delete a regular file in the way of a unix bind', async () => {
    const path = join(tempDir(), 'not-a-socket')
    writeFileSync(path, 'keep me')
    await expect(
      startServe(['--bind', `unix:${path}`], { readyTimeoutMs: 15_000 }),
    ).rejects.toThrow(/is not a socket/)
    expect(existsSync(path)).toBe(true)
  })

  it('answers status as JSON on the control socket, and adds a worker on request', async () => {
    const path = join(tempDir(), 'control.sock')
    const run = await serve(['--bind', '127.0.0.1:0', '-w', '1', '--control-socket', path])
    const status = (await control(path, { command: 'status' })) as {
      ok: boolean
      status: { pid: number; workers: unknown[]; binds: string[] }
    }
    expect(status.ok).toBe(true)
    expect(status.status.pid).toBe(run.pid)
    expect(status.status.workers).toHaveLength(1)
    expect(status.status.binds[0]).toMatch(/^127\.0\.0\.1:\d+$/)
    expect(await control(path, { command: 'add' })).toMatchObject({ ok: true, workersTarget: 2 })
    await run.waitForLog(/Worker 2 \(pid \d+\) ready/)
    // Round-robin: both workers answer some of these.
    for (let i = 0; i < 4; i++) await get(`${run.url}/`)
    const stats = await control(path, { command: 'stats' })
    expect(stats).toMatchObject({ ok: true, workers: 2 })
    expect((stats.stats as { requests: number }).requests).toBeGreaterThanOrEqual(1)
    const before = ((await control(path, { command: 'stats' })).stats as { requests: number })
      .requests
    expect(await control(path, { command: 'remove' })).toMatchObject({ ok: true, workersTarget: 1 })
    await run.waitForLog(/Worker 2 \(pid \d+\) exited \(code 0\)/)
    // The removed worker's final counters are kept: totals never go backwards.
    expect(
      ((await control(path, { command: 'stats' })).stats as { requests: number }).requests,
    ).toBe(before)
    const from = run.log().length
    expect(await control(path, { command: 'reload' })).toMatchObject({ ok: true })
    await run.waitForLog(/Reloading: starting generation 2/, 10_000, from)
    expect(await control(path, { command: 'explode' })).toMatchObject({ ok: false })
    expect(await control(path, { nonsense: true } as object)).toMatchObject({ ok: false })
  })

  it('writes the pidfile and removes it on exit', async () => {
    const pidfile = join(tempDir(), 'serve.pid')
    const run = await serve(['--bind', '127.0.0.1:0', '--pid', pidfile, '--name', 'mysite'])
    expect(execFileSync('cat', [pidfile]).toString().trim()).toBe(String(run.pid))
    // --name shows in ps: the primary and each worker carry it in their title.
    expect(readFileSync(`/proc/${run.pid}/cmdline`, 'utf8')).toMatch(/^mysite: primary/)
    const [worker] = workerPids(run.log())
    expect(readFileSync(`/proc/${worker}/cmdline`, 'utf8')).toMatch(/^mysite: worker 1/)
    await run.stop()
    expect(existsSync(pidfile)).toBe(false)
  })

  it('writes Gunicorn-style access log lines with --access-logfile', async () => {
    const logfile = join(tempDir(), 'access.log')
    const run = await serve(['--bind', '127.0.0.1:0', '--access-logfile', logfile])
    await get(`${run.url}/?x=1`, {
      headers: { 'User-Agent': 'serve-test', Referer: 'http://ref/' },
    })
    await run.stop()
    expect(readFileSync(logfile, 'utf8')).toMatch(
      /^127\.0\.0\.1 - - \[[^\]]+\] "GET \/\?x=1 HTTP\/1\.1" 200 \d+ "http:\/\/ref\/" "serve-test"\n$/,
    )
  })

  const openssl = requireProgram('openssl', 'apt-get install openssl')
  it.skipIf(!openssl.available)(
    `serves TLS with --certfile/--keyfile ${openssl.reason}`,
    async () => {
      const dir = tempDir()
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-days',
          '1',
          '-subj',
          '/CN=localhost',
          '-keyout',
          join(dir, 'key.pem'),
          '-out',
          join(dir, 'cert.pem'),
        ],
        { stdio: 'ignore', timeout: 20_000 },
      )
      const run = await serve([
        '--bind',
        '127.0.0.1:0',
        '--certfile',
        join(dir, 'cert.pem'),
        '--keyfile',
        join(dir, 'key.pem'),
      ])
      const port = new URL(run.url).port
      const body = await new Promise<string>((resolve, reject) => {
        const req = httpsRequest(
          { host: '127.0.0.1', port, path: '/environ', rejectUnauthorized: false, timeout: 10_000 },
          (res) => {
            let data = ''
            res.on('data', (c: Buffer) => (data += c.toString()))
            res.on('end', () => resolve(data))
          },
        )
        req.on('timeout', () => req.destroy(new Error('TLS request timed out')))
        req.on('error', reject)
        req.end()
      })
      expect(JSON.parse(body)).toMatchObject({ scheme: 'https' })
    },
  )

  const root = process.getuid?.() === 0
  it.skipIf(!root)(
    `drops the workers to --user/--group when started as root${root ? '' : ' (skipped: not root)'}`,
    async () => {
      const run = await serve(['--bind', '127.0.0.1:0', '--user', 'nobody', '--group', 'nogroup'])
      const { pid } = JSON.parse((await get(`${run.url}/environ`)).body) as { pid: number }
      const status = readFileSync(`/proc/${pid}/status`, 'utf8')
      const uid = Number(status.match(/^Uid:\s+(\d+)/m)![1])
      expect(uid).toBe(Number(execFileSync('id', ['-u', 'nobody']).toString().trim()))
      // The primary keeps root (to reopen logs and bind).
      expect(readFileSync(`/proc/${run.pid}/status`, 'utf8')).toMatch(/^Uid:\s+0\s/m)
    },
  )

  const python = requireProgram('python3', 'apt-get install python3')
  it.skipIf(!python.available)(
    `takes a systemd-activated socket from LISTEN_FDS/LISTEN_PID ${python.reason}`,
    async () => {
      // python3 plays systemd: binds, puts the socket at fd 3, sets LISTEN_PID to its own PID and
      // execs node (same PID), exactly what socket activation hands a service.
      const script = [
        'import os, socket, sys',
        's = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)',
        "s.bind(('127.0.0.1', 0)); s.listen(128)",
        "sys.stderr.write('ACTIVATED PORT %d\\n' % s.getsockname()[1]); sys.stderr.flush()",
        'if s.fileno() != 3: os.dup2(s.fileno(), 3)',
        'os.set_inheritable(3, True)',
        "env = dict(os.environ, LISTEN_FDS='1', LISTEN_PID=str(os.getpid()))",
        'os.execve(sys.argv[1], sys.argv[1:], env)',
      ].join('\n')
      const run = await serve([], {
        app: false,
        command: [
          'python3',
          [
            '-c',
            script,
            process.execPath,
            ...nodeArgs(serveMain, ['--bind', '127.0.0.1:1', `${testApp}:application`]),
          ],
        ],
      })
      const port = run.log().match(/ACTIVATED PORT (\d+)/)![1]
      expect(run.log()).toMatch(/\(fd:\/\/3\)/)
      const res = await get(`http://127.0.0.1:${port}/`)
      expect(res.body).toMatch(/^Hello from \d+$/)
    },
  )

  it('exits 3 with the culprit named when the application does not load', async () => {
    const child = spawn(
      process.execPath,
      nodeArgs(serveMain, ['--bind', '127.0.0.1:0', 'test/fixtures/apps/serve-app.ts:nope']),
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let out = ''
    child.stderr.on('data', (c: Buffer) => (out += c.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
    const code = await new Promise((r) => child.once('exit', r))
    clearTimeout(timer)
    expect(code).toBe(3)
    expect(out).toMatch(/has no export "nope"; it exports/)
  })
})
