/**
 * @module The HTTP edge through a real `serve` process: the limits answer before the application
 * runs, and the access log (combined by default, JSON on request) records every request with the
 * client's text escaped and the request id kept or made.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort, startServe, type ServeChild } from '../support/serve-child.ts'

// The fixture probe reads the whole body before answering (an app that answers first gets its 200 out
// before a body cap can say 413).
const app = resolve(import.meta.dirname, 'apps/fixture-probe.ts')

/** Writes raw bytes, closes the write side, returns the reply (bounded to 5 s). */
function exchange(port: number, bytes: string): Promise<string> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(bytes))
    let out = ''
    const timer = setTimeout(() => socket.destroy(), 5000)
    socket.on('data', (d) => (out += d.toString('latin1')))
    socket.on('error', () => {})
    socket.on('close', () => (clearTimeout(timer), done(out)))
  })
}

/** Waits (at most 3 s) until the log has at least `n` lines. */
async function lines(file: string, n: number): Promise<string[]> {
  const deadline = Date.now() + 3000
  let got: string[] = []
  while (Date.now() < deadline) {
    try {
      got = readFileSync(file, 'utf8').split('\n').filter(Boolean)
    } catch {
      got = []
    }
    if (got.length >= n) return got
    await new Promise((r) => setTimeout(r, 50))
  }
  return got
}

async function start(dir: string, name: string, extra: string[]): Promise<{ serve: ServeChild; port: number; log: string }> {
  const port = await freePort()
  const log = join(dir, `${name}.log`)
  const serve = await startServe(
    [`${app}:application`, '--bind', `127.0.0.1:${port}`, '--access-logfile', log, '--graceful-timeout', '3', ...extra],
    { port },
  )
  return { serve, port, log }
}

describe('serve: limits and the combined access log', () => {
  const dir = mkdtempSync(join(tmpdir(), 'serve-edge-'))
  let s: Awaited<ReturnType<typeof start>>
  beforeAll(async () => {
    s = await start(dir, 'combined', ['--limit-request-line', '200', '--limit-request-body', '1000'])
  }, 60_000)
  afterAll(async () => {
    await s?.serve.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('answers 414 to a request line over --limit-request-line, naming the setting', async () => {
    const reply = await exchange(s.port, `GET /${'a'.repeat(300)} HTTP/1.1\r\nHost: x\r\n\r\n`)
    expect(reply).toMatch(/^HTTP\/1\.1 414 /)
    expect(reply).toContain('--limit-request-line')
  })

  it('answers 413 to a chunked body growing past --limit-request-body', async () => {
    const chunk = 'b'.repeat(600)
    const reply = await exchange(s.port, `POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n258\r\n${chunk}\r\n258\r\n${chunk}\r\n0\r\n\r\n`)
    expect(reply).toMatch(/^HTTP\/1\.1 413 /)
  })

  it('answers 400 to a smuggling shape and closes the connection', async () => {
    const reply = await exchange(s.port, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n')
    expect(reply).toMatch(/^HTTP\/1\.1 400 /)
    expect(reply).not.toContain('/smuggled')
    expect(reply.match(/HTTP\/1\.1 /g)?.length).toBe(1)
  })

  it('writes one combined-format line per request, with client text escaped', async () => {
    const before = (await lines(s.log, 0)).length
    const reply = await exchange(s.port, 'GET /who?x=1 HTTP/1.1\r\nHost: x\r\nReferer: http://r.example/\r\nUser-Agent: evil" 200 \\ ua\r\nConnection: close\r\n\r\n')
    expect(reply).toMatch(/^HTTP\/1\.1 200 /)
    const line = (await lines(s.log, before + 1)).find((l) => l.includes('/who?x=1'))
    expect(line).toMatch(/^127\.0\.0\.1 - - \[\d{2}\/\w{3}\/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}\] "GET \/who\?x=1 HTTP\/1\.1" 200 \S+ "http:\/\/r\.example\/" "evil\\" 200 \\\\ ua"$/)
  })

  it('logs the response body size in %(b)s', async () => {
    const reply = await exchange(s.port, 'GET /size HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
    const body = reply.slice(reply.indexOf('\r\n\r\n') + 4)
    const line = (await lines(s.log, 1)).find((l) => l.includes('GET /size '))
    expect(line).toMatch(new RegExp(`" 200 ${Buffer.byteLength(body, 'latin1')} "`))
  })
})

describe('serve: the JSON access log and request ids', () => {
  const dir = mkdtempSync(join(tmpdir(), 'serve-edge-json-'))
  let s: Awaited<ReturnType<typeof start>>
  beforeAll(async () => {
    s = await start(dir, 'json', ['--access-logformat', 'json'])
  }, 60_000)
  afterAll(async () => {
    await s?.serve.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('keeps a sane X-Request-Id and replaces one that could forge a log field', async () => {
    await exchange(s.port, 'GET /a HTTP/1.1\r\nHost: x\r\nX-Request-Id: abc-123\r\nConnection: close\r\n\r\n')
    await exchange(s.port, 'GET /b HTTP/1.1\r\nHost: x\r\nX-Request-Id: a" b\r\nUser-Agent: x"y\r\nConnection: close\r\n\r\n')
    let records: Record<string, unknown>[] = []
    const deadline = Date.now() + 3000
    while (Date.now() < deadline && !records.some((r) => r.url === '/b')) {
      records = (await lines(s.log, 1)).map((l) => JSON.parse(l) as Record<string, unknown>)
      await new Promise((r) => setTimeout(r, 50))
    }
    const a = records.find((r) => r.url === '/a')
    const b = records.find((r) => r.url === '/b')
    expect(a?.request_id).toBe('abc-123')
    expect(b?.request_id).toMatch(/^[0-9a-f]{32}$/)
    expect(b).toMatchObject({ method: 'GET', status: 200, remote_addr: '127.0.0.1', user_agent: 'x"y' })
  })
})

describe('serve: response headers in the access log', () => {
  const dir = mkdtempSync(join(tmpdir(), 'serve-edge-o-'))
  const headersApp = resolve(import.meta.dirname, 'apps/response-headers.ts')
  let serve: ServeChild | undefined
  let port = 0
  let log = ''
  beforeAll(async () => {
    port = await freePort()
    log = join(dir, 'o.log')
    serve = await startServe(
      [
        `${headersApp}:application`,
        '--bind',
        `127.0.0.1:${port}`,
        '--access-logfile',
        log,
        '--access-logformat',
        '%(U)s %(s)s [%({Content-Type}o)s] [%({x-probe}o)s] [%({Set-Cookie}o)s]',
      ],
      { port },
      { readyPath: '/fast' },
    )
  }, 60_000)
  afterAll(async () => {
    await serve?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('logs the headers the application sent, on the common and the generic path', async () => {
    for (const path of ['/fast', '/stream', '/cookies']) {
      const request = `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`
      expect(await exchange(port, request)).toMatch(/^HTTP\/1\.1 20[04] /)
    }
    const logged = await lines(log, 4)
    expect(logged).toContain('/fast 200 [text/plain; charset=utf-8] [fast] [-]')
    expect(logged).toContain('/stream 200 [text/plain] [stream] [-]')
    expect(logged).toContain('/cookies 204 [-] [-] [a=1, b=2]')
  })

  it("logs the headers of the server's own refusals too", async () => {
    const long = `/${'x'.repeat(5000)}`
    const request = `GET ${long} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`
    expect(await exchange(port, request)).toMatch(/^HTTP\/1\.1 414 /)
    const deadline = Date.now() + 3000
    let line: string | undefined
    while (!line && Date.now() < deadline) {
      line = (await lines(log, 1)).find((l) => l.startsWith(`${long} 414 `))
      if (!line) await new Promise((r) => setTimeout(r, 50))
    }
    expect(line).toBe(`${long} 414 [text/plain; charset=utf-8] [-] [-]`)
  })
})
