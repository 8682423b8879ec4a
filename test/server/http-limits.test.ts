/**
 * @module Tests of http-limits: each Gunicorn check node:http lacks, as a pure function, plus the
 * wiring through a real node:http server (guardRequest) on a loopback socket.
 */
import { createServer, type Server } from 'node:http'
import { connect } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import {
  applyServerLimits,
  checkRequestHead,
  checkTrailers,
  defaultHttpLimits,
  guardRequest,
  handleClientError,
  nodeServerOptions,
  rejectionBytes,
  type HttpLimits,
  type RequestHead,
} from '../../framework/server/http-limits.ts'

const head = (over: Partial<RequestHead> = {}): RequestHead => ({
  method: 'GET',
  url: '/',
  httpVersion: '1.1',
  rawHeaders: ['Host', 'example.com'],
  ...over,
})
const limits = (over: Partial<HttpLimits> = {}): HttpLimits => ({ ...defaultHttpLimits, ...over })

describe('checkRequestHead', () => {
  it('lets an ordinary request through', () => {
    expect(checkRequestHead(head(), limits())).toBeUndefined()
  })
  it('answers 414 when the request line is over --limit-request-line', () => {
    const refused = checkRequestHead(head({ url: '/' + 'a'.repeat(5000) }), limits())
    expect(refused?.status).toBe(414)
    expect(refused?.reason).toContain('--limit-request-line')
  })
  it('counts the whole request line, method and version included', () => {
    // 'GET ' + url + ' HTTP/1.1' = 4 + 10 + 9 = 23 bytes
    const url = '/123456789'
    expect(checkRequestHead(head({ url }), limits({ limitRequestLine: 23 }))).toBeUndefined()
    expect(checkRequestHead(head({ url }), limits({ limitRequestLine: 22 }))?.status).toBe(414)
  })
  it('answers 431 past --limit-request-fields', () => {
    const rawHeaders = ['Host', 'x', 'A', '1', 'B', '2']
    expect(checkRequestHead(head({ rawHeaders }), limits({ limitRequestFields: 2 }))?.status).toBe(431)
    expect(checkRequestHead(head({ rawHeaders }), limits({ limitRequestFields: 3 }))).toBeUndefined()
  })
  it('answers 431 when one field is over --limit-request-field_size, naming it', () => {
    const refused = checkRequestHead(
      head({ rawHeaders: ['Host', 'x', 'X-Big', 'v'.repeat(100)] }),
      limits({ limitRequestFieldSize: 98 }),
    )
    expect(refused?.status).toBe(431)
    expect(refused?.reason).toContain('"X-Big"')
  })
  it('refuses two Host or two Content-Type lines', () => {
    for (const name of ['Host', 'Content-Type']) {
      const refused = checkRequestHead(head({ rawHeaders: ['Host', 'a', name, 'b', ...(name === 'Host' ? [] : [name, 'c'])] }), limits())
      expect(refused?.status, name).toBe(400)
      expect(refused?.code).toBe('serve.http.duplicate_field')
    }
  })
  it('refuses a repeated singleton whatever the case of each line, and lets other repeats through', () => {
    for (const [first, second] of <[string, string][]>[
      ['host', 'HOST'],
      ['content-type', 'Content-TYPE'],
      ['Content-Length', 'content-length'],
    ]) {
      const rawHeaders = [first, '1', 'X-Other', 'y', second, '1']
      const refused = checkRequestHead(head({ method: 'POST', rawHeaders }), limits())
      expect(refused?.code, `${first} + ${second}`).toBe('serve.http.duplicate_field')
    }
    const repeats = ['Host', 'a', 'Accept', 'x', 'ACCEPT', 'y', 'Hostname', 'h', 'Hostname', 'i']
    expect(checkRequestHead(head({ rawHeaders: repeats }), limits())).toBeUndefined()
  })
  it('reads Transfer-Encoding and Content-Length in any case', () => {
    const rawHeaders = ['Host', 'a', 'TRANSFER-encoding', 'chunked', 'content-LENGTH', '3']
    expect(checkRequestHead(head({ method: 'POST', rawHeaders }), limits())?.code).toBe('serve.http.te_and_cl')
  })
  it('refuses Transfer-Encoding with Content-Length', () => {
    const rawHeaders = ['Host', 'a', 'Transfer-Encoding', 'chunked', 'Content-Length', '3']
    expect(checkRequestHead(head({ method: 'POST', rawHeaders }), limits())?.code).toBe('serve.http.te_and_cl')
  })
  it('refuses Transfer-Encoding in HTTP/1.0', () => {
    const rawHeaders = ['Transfer-Encoding', 'chunked']
    expect(checkRequestHead(head({ httpVersion: '1.0', rawHeaders }), limits())?.code).toBe('serve.http.te_http10')
  })
  it('refuses a Transfer-Encoding that does not end in one chunked', () => {
    for (const te of ['chunked, gzip', 'chunked, chunked', 'gzip', 'chunked\u000b']) {
      expect(checkRequestHead(head({ rawHeaders: ['Host', 'a', 'Transfer-Encoding', te] }), limits())?.status, te).toBe(400)
    }
  })
  it('answers 501 to an unknown transfer coding before chunked', () => {
    expect(checkRequestHead(head({ rawHeaders: ['Host', 'a', 'Transfer-Encoding', 'br, chunked'] }), limits())?.status).toBe(501)
  })
  it('accepts gzip, chunked', () => {
    expect(checkRequestHead(head({ rawHeaders: ['Host', 'a', 'Transfer-Encoding', 'gzip, chunked'] }), limits())).toBeUndefined()
  })
  it('answers 413 when Content-Length is over the body cap', () => {
    const rawHeaders = ['Host', 'a', 'Content-Length', '1001']
    expect(checkRequestHead(head({ method: 'POST', rawHeaders }), limits({ limitRequestBody: 1000 }))?.status).toBe(413)
    expect(checkRequestHead(head({ method: 'POST', rawHeaders }), limits({ limitRequestBody: 0 }))).toBeUndefined()
  })
  it('allows "*" only with OPTIONS', () => {
    expect(checkRequestHead(head({ method: 'OPTIONS', url: '*' }), limits())).toBeUndefined()
    expect(checkRequestHead(head({ url: '*' }), limits())?.code).toBe('serve.http.bad_target')
  })
  it('refuses a malformed target and accepts absolute http(s) URLs', () => {
    expect(checkRequestHead(head({ method: 'PUT', url: 's://]ufd/:' }), limits())?.status).toBe(400)
    expect(checkRequestHead(head({ url: 'http://example.com/a?b' }), limits())).toBeUndefined()
    expect(checkRequestHead(head({ url: 'https://[::1]:8443/' }), limits())).toBeUndefined()
  })
  it('refuses HTTP versions other than 1.0 and 1.1', () => {
    expect(checkRequestHead(head({ httpVersion: '2.0' }), limits())?.code).toBe('serve.http.bad_version')
  })
  it('requires Host on HTTP/1.1 unless turned off', () => {
    expect(checkRequestHead(head({ rawHeaders: [] }), limits())?.code).toBe('serve.http.missing_host')
    expect(checkRequestHead(head({ rawHeaders: [] }), limits({ requireHostHeader: false }))).toBeUndefined()
    expect(checkRequestHead(head({ httpVersion: '1.0', rawHeaders: [] }), limits())).toBeUndefined()
  })
})

describe('checkTrailers', () => {
  it('refuses Host, Content-Length and Transfer-Encoding as trailers', () => {
    for (const name of ['Host', 'Content-Length', 'Transfer-Encoding']) {
      expect(checkTrailers([name, 'x'])?.status, name).toBe(400)
    }
    expect(checkTrailers(['X-Checksum', 'abc'])).toBeUndefined()
  })
})

describe('rejectionBytes', () => {
  it('is a complete response that closes the connection', () => {
    const text = rejectionBytes({ status: 431, code: 'serve.http.x', reason: 'too big' }).toString('latin1')
    expect(text).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/)
    expect(text).toContain('Connection: close\r\n')
    expect(text).toMatch(/Content-Length: 8\r\n[\s\S]*\r\n\r\ntoo big\n$/)
  })
})

describe('nodeServerOptions', () => {
  it('leaves room in the head for the configured limits and never lets node own the Host rule', () => {
    const options = nodeServerOptions(limits({ limitRequestFields: 200, limitRequestFieldSize: 8190 }))
    expect(options.maxHeaderSize).toBeGreaterThan(200 * 8190)
    expect(options.requireHostHeader).toBe(false)
    expect(options.keepAliveTimeout).toBe(defaultHttpLimits.keepAliveTimeoutMs)
  })
})

describe('guardRequest on a real node:http server', () => {
  let server: Server | undefined
  afterEach(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())))

  async function exchange(bytes: string, over: Partial<HttpLimits> = {}): Promise<{ reply: string; calls: string[] }> {
    const l = limits(over)
    const calls: string[] = []
    server = createServer(nodeServerOptions(l), (req, res) => {
      if (!guardRequest(req, res, l)) return
      calls.push(`${req.method} ${req.url}`)
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => res.end(`ok ${Buffer.concat(chunks).length}`))
      req.on('error', () => {})
    })
    applyServerLimits(server, l)
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r))
    const port = (server.address() as { port: number }).port
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.write(bytes))
      let out = ''
      socket.on('data', (d) => (out += d.toString('latin1')))
      socket.on('close', () => resolve(out))
      socket.on('error', () => resolve(out))
      setTimeout(() => { socket.destroy(); reject(new Error(`no close after 5 s; got ${JSON.stringify(out)}`)) }, 5000)
    })
    return { reply, calls }
  }

  it('answers 431 for too many headers and never calls the app', async () => {
    const headers = Array.from({ length: 5 }, (_, i) => `X-${i}: ${i}\r\n`).join('')
    const { reply, calls } = await exchange(`GET / HTTP/1.1\r\nHost: a\r\n${headers}\r\n`, { limitRequestFields: 3 })
    expect(reply).toMatch(/^HTTP\/1\.1 431 /)
    expect(calls).toEqual([])
  })
  it('does not serve a request pipelined behind a refused one', async () => {
    const { reply, calls } = await exchange(
      'GET * HTTP/1.1\r\nHost: a\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n',
    )
    expect(reply).toMatch(/^HTTP\/1\.1 400 /)
    expect(reply).not.toContain('ok ')
    expect(calls).toEqual([])
  })
  it('answers 413 when a chunked body grows past the cap', async () => {
    const chunk = 'a'.repeat(600)
    const body = `258\r\n${chunk}\r\n258\r\n${chunk}\r\n0\r\n\r\n`
    const { reply } = await exchange(`POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n${body}`, { limitRequestBody: 1000 })
    expect(reply).toMatch(/^HTTP\/1\.1 413 /)
  })
  it('lets a chunked body under the cap through whole', async () => {
    const { reply } = await exchange('POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n', { limitRequestBody: 1000 })
    expect(reply).toMatch(/^HTTP\/1\.1 200 [\s\S]*ok 5$/)
  })
})

describe('guardBody on a real node:http server', () => {
  it('fails the body stream when a chunked request sends Host as a trailer', async () => {
    const server = createServer((req, res) => {
      if (!guardRequest(req, res, defaultHttpLimits)) return
      req.on('data', () => {})
      req.on('end', () => res.end('complete'))
      req.on('error', () => {})
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const port = (server.address() as { port: number }).port
    const reply = await new Promise<string>((resolve) => {
      const socket = connect(port, '127.0.0.1', () =>
        socket.write('POST /p HTTP/1.1\r\nHost: example.com\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nHost: evil.example.com\r\n\r\n'),
      )
      let out = ''
      socket.on('data', (d) => (out += d.toString('latin1')))
      socket.on('close', () => resolve(out))
      setTimeout(() => socket.destroy(), 5000)
    })
    server.close()
    expect(reply).toMatch(/^HTTP\/1\.1 400 /)
    expect(reply).not.toContain('complete')
  })
})

describe('handleClientError on a real node:http server', () => {
  async function reply(bytes: string, options = {}): Promise<string> {
    const server = createServer(options, (req, res) => {
      req.resume()
      // Answer a little later, so the parser meets the bytes after a close request first.
      setTimeout(() => res.end('first'), 50)
    })
    server.on('clientError', handleClientError)
    applyServerLimits(server, defaultHttpLimits)
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const port = (server.address() as { port: number }).port
    const out = await new Promise<string>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => socket.end(bytes))
      let text = ''
      socket.on('data', (d) => (text += d.toString('latin1')))
      socket.on('error', () => {})
      socket.on('close', () => resolve(text))
      setTimeout(() => socket.destroy(), 5000)
    })
    server.close()
    return out
  }

  it('answers a client that half-closed after its request, and lets the response in flight finish when bytes follow a Connection: close request', async () => {
    const out = await reply('GET /first HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\nGET /second HTTP/1.1\r\nHost: a\r\n\r\n')
    expect(out).toMatch(/^HTTP\/1\.1 200 OK[\s\S]*first$/)
    expect(out).not.toContain('400')
  })
  it('answers 431 with a reason when the head is over maxHeaderSize', async () => {
    const out = await reply(`GET / HTTP/1.1\r\nHost: a\r\nX-Big: ${'x'.repeat(20_000)}\r\n\r\n`, { maxHeaderSize: 16_384 })
    expect(out).toMatch(/^HTTP\/1\.1 431 /)
    expect(out).toContain('Connection: close')
  })
  it('answers 400 naming the parser error for a malformed request', async () => {
    const out = await reply('GET / HTTP/1.1\r\nHost: a\r\nBad Header: x\r\n\r\n')
    expect(out).toMatch(/^HTTP\/1\.1 400 [\s\S]*HPE_INVALID_HEADER_TOKEN/)
  })
})
