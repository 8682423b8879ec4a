/**
 * The outsider's server (written from docs/gateway.md alone) runs the example project as a real
 * process on loopback, and passes the gateway conformance kit: proof that the document is enough
 * to build a host that runs project/wsgi.ts.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runConformance } from '../../framework/gateway/index.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))
const serverScript = 'test/outsider/outsider-server.ts'

interface Running {
  child: ChildProcess
  port: number
  stderr: () => string
}

/** Starts the server as `node --import tsx` (what `npx tsx` runs) and waits for its port line. */
function startServer(spec: string, env: Record<string, string> = {}): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', serverScript, spec, '--port', '0'], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stderr!.on('data', (data: Buffer) => (stderr += data.toString()))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error('no port line within 30 s')), 30_000)
    const fail = (error: Error) => {
      clearTimeout(timer)
      child.kill('SIGKILL')
      reject(new Error(`${error.message}; stderr: ${stderr}`))
    }
    child.stdout!.on('data', (data: Buffer) => {
      stdout += data.toString()
      const port = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout)?.[1]
      if (port) {
        clearTimeout(timer)
        resolve({ child, port: Number(port), stderr: () => stderr })
      }
    })
    child.once('exit', (code) => fail(new Error(`the server exited with ${code}`)))
  })
}

function stopServer(running: Running | undefined): Promise<void> {
  if (!running || running.child.exitCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const timer = setTimeout(() => running.child.kill('SIGKILL'), 5_000)
    running.child.once('exit', () => {
      clearTimeout(timer)
      resolve()
    })
    running.child.kill('SIGTERM')
  })
}

/** Sends raw bytes and collects everything until the server closes (bounded at 10 s). */
function rawExchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request))
    const chunks: Buffer[] = []
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error(`no close within 10 s; got ${Buffer.concat(chunks).toString('latin1')}`))
    }, 10_000)
    socket.on('data', (data: Buffer) => chunks.push(data))
    socket.on('error', reject)
    socket.on('close', () => {
      clearTimeout(timer)
      resolve(Buffer.concat(chunks).toString('latin1'))
    })
  })
}

describe('the outsider server running project/wsgi:application', () => {
  let dir: string
  let server: Running | undefined
  let base: string

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'outsider-'))
    const env = { DATABASE_URL: `sqlite:${join(dir, 'db.sqlite3')}` }
    await promisify(execFile)('npx', ['framework', 'migrate'], {
      cwd: root,
      env: { ...process.env, ...env },
    })
    server = await startServer('project/wsgi:application', env)
    base = `http://127.0.0.1:${server.port}`
  }, 90_000)

  afterAll(async () => {
    await stopServer(server)
    rmSync(dir, { recursive: true, force: true })
  })

  it.each(['/', '/polls/', '/blog/', '/about/', '/accounts/signup/'])(
    'GET %s answers 200 with an HTML page',
    async (path) => {
      const response = await fetch(base + path)
      expect(response.status).toBe(200)
      expect(response.headers.get('content-type')).toMatch(/^text\/html/)
      expect(await response.text()).toMatch(/<html/i)
    },
  )

  it("answers an unknown path with the project's 404 page", async () => {
    const response = await fetch(`${base}/no-such-page/`)
    expect(response.status).toBe(404)
    expect(response.headers.get('content-type')).toMatch(/^text\/html/)
    expect(await response.text()).toMatch(/not found/i)
  })

  it('signs a user up through the CSRF-protected form, and refuses the POST without the token', async () => {
    const form = await fetch(`${base}/accounts/signup/`)
    const cookie = form.headers
      .getSetCookie()
      .find((c) => c.startsWith('csrftoken='))!
      .split(';')[0]!
    const token = /name="csrfmiddlewaretoken" value="([^"]+)"/.exec(await form.text())![1]!
    const username = `outsider${process.pid}`
    const fields = {
      username,
      password1: 'Long-enough-pass-4821',
      password2: 'Long-enough-pass-4821',
    }
    const post = (body: Record<string, string>) =>
      fetch(`${base}/accounts/signup/`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie },
        body: new URLSearchParams(body),
      })

    expect((await post(fields)).status).toBe(403)
    const accepted = await post({ csrfmiddlewaretoken: token, ...fields })
    expect(accepted.status).toBe(302)
    const session = accepted.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ')
    const profile = await fetch(`${base}/accounts/profile/`, {
      headers: { cookie: `${cookie}; ${session}` },
    })
    expect(await profile.text()).toContain(username)
  })

  it("answers HEAD with the GET's headers and not one body byte", async () => {
    const get = await fetch(`${base}/about/`)
    const getLength = (await get.arrayBuffer()).byteLength
    const raw = await rawExchange(
      server!.port,
      'HEAD /about/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n',
    )
    const [head, rest] = raw.split('\r\n\r\n')
    expect(head).toMatch(/^HTTP\/1\.1 200 /)
    expect(head).toMatch(new RegExp(`\r\ncontent-length: ${getLength}\r?(\n|$)`, 'i'))
    expect(rest).toBe('')
  })

  it('serves a static file under /static/ byte for byte (DEBUG)', async () => {
    const response = await fetch(`${base}/static/css/site.css`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^text\/css/)
    expect(Buffer.from(await response.arrayBuffer())).toEqual(
      readFileSync(join(root, 'static/css/site.css')),
    )
  })

  it('keeps the connection alive: two pipelined requests on one socket get two responses', async () => {
    const raw = await rawExchange(
      server!.port,
      'GET /about/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /no-such-page/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n',
    )
    expect(raw.match(/^HTTP\/1\.1 \d{3}/gm)).toEqual(['HTTP/1.1 200', 'HTTP/1.1 404'])
  })

  it('reads a chunked POST body: the CSRF check sees the token sent in chunks', async () => {
    const form = await fetch(`${base}/accounts/signup/`)
    const cookie = form.headers
      .getSetCookie()
      .find((c) => c.startsWith('csrftoken='))!
      .split(';')[0]!
    const token = /name="csrfmiddlewaretoken" value="([^"]+)"/.exec(await form.text())![1]!
    const body = `csrfmiddlewaretoken=${token}&username=&password1=&password2=`
    const chunked = `${(10).toString(16)}\r\n${body.slice(0, 10)}\r\n${(body.length - 10).toString(16)}\r\n${body.slice(10)}\r\n0\r\n\r\n`
    const raw = await rawExchange(
      server!.port,
      `POST /accounts/signup/ HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${chunked}`,
    )
    // Past the CSRF check (not 403): the project shows the form again with its errors, as a 400.
    expect(raw).toMatch(/^HTTP\/1\.1 400 /)
    expect(raw).toMatch(/This field is required/i)
  })

  it('answers OPTIONS * (204 with Allow) and CONNECT (501) itself', async () => {
    const options = await rawExchange(
      server!.port,
      'OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n',
    )
    expect(options).toMatch(/^HTTP\/1\.1 204 [^]*\r\nAllow: [^\r]*GET/)
    const connectAnswer = await rawExchange(
      server!.port,
      'CONNECT a:443 HTTP/1.1\r\nHost: a\r\n\r\n',
    )
    expect(connectAnswer).toMatch(/^HTTP\/1\.1 501 /)
  })

  it('rejects a request with both Content-Length and Transfer-Encoding with 400, before the app', async () => {
    const raw = await rawExchange(
      server!.port,
      'POST /accounts/signup/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    )
    expect(raw).toMatch(/^HTTP\/1\.1 400 /)
  })
})

describe('the outsider server against the gateway conformance kit', () => {
  it('passes every check, with the server run as a separate process loading the probe by modulePath:exportName', async () => {
    const started: Running[] = []
    const report = await runConformance({
      name: 'outsider-server',
      async start(probe) {
        const running = await startServer(`${probe.modulePath}:${probe.exportName}`)
        started.push(running)
        return { url: `http://127.0.0.1:${running.port}`, stop: () => stopServer(running) }
      },
    })
    await Promise.all(started.map(stopServer))
    expect(report.failed, report.format()).toEqual([])
    expect(report.rows.length).toBeGreaterThanOrEqual(35)
  }, 240_000)

  it('refuses an application spec that names no file, before binding, with GW-L02', async () => {
    const run = promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', serverScript, 'project/no-such-module:application', '--port', '0'],
      { cwd: root },
    )
    const error = await run.then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    )
    expect(error?.code).toBe(1)
    expect(error?.stderr).toMatch(/^GW-L02: no file for 'project\/no-such-module'/)
  })
})
