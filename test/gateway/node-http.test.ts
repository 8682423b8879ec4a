/**
 * The node:http host through real sockets on 127.0.0.1 (port 0): the environ it builds, streaming,
 * backpressure, disconnects, Content-Length enforcement, 100-continue and chunked request bodies.
 */
import { createServer } from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { connect } from 'node:net'
import type { AddressInfo, Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import {
  ErrorsStream,
  attachNodeListener,
  addHeaderEnviron,
  headerEnviron,
  splitHost,
  splitTarget,
  toNodeListener,
} from '../../framework/gateway/index.ts'
import type { Application, Environ, NodeListenerOptions } from '../../framework/gateway/index.ts'

const enc = (text: string) => new TextEncoder().encode(text)
const stops: (() => Promise<void>)[] = []

afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()))
})

async function serve(app: Application, options: NodeListenerOptions = {}): Promise<number> {
  const server = attachNodeListener(createServer(), toNodeListener(app, options))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  stops.push(
    () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  )
  return (server.address() as AddressInfo).port
}

/** Opens a raw socket; `text()` is everything received so far (latin-1). */
async function open(
  port: number,
): Promise<{ socket: Socket; text: () => string; closed: Promise<void> }> {
  const socket = connect(port, '127.0.0.1')
  await new Promise<void>((resolve, reject) =>
    socket.once('connect', resolve).once('error', reject),
  )
  let received = ''
  socket.on('data', (data: Buffer) => (received += data.toString('latin1')))
  socket.on('error', () => {})
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
  return { socket, text: () => received, closed }
}

/** Sends raw bytes and resolves with the whole answer once the server closes (bounded). */
async function exchange(port: number, request: string | Buffer, ms = 5000): Promise<string> {
  const client = await open(port)
  client.socket.write(typeof request === 'string' ? Buffer.from(request, 'latin1') : request)
  await within(client.closed, ms, () => client.text())
  return client.text()
}

async function within<T>(promise: Promise<T>, ms: number, state: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${ms} ms; so far: ${JSON.stringify(state())}`)),
      ms,
    )
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

async function until(condition: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

function bodyOf(response: string): string {
  return response.slice(response.indexOf('\r\n\r\n') + 4)
}

/** Answers the environ's string keys as JSON (Connection: close via HTTP/1.0-style framing). */
const echoEnviron: Application = async (environ, startResponse) => {
  const body = await environ['wsgi.input'].read()
  const strings = Object.fromEntries(
    Object.entries(environ).filter(([, v]) => typeof v === 'string'),
  )
  startResponse('200 OK', [['Content-Type', 'application/json']])
  // Environ strings are latin-1, so JSON of them is too: send it as latin-1 bytes, read it back so.
  const json = JSON.stringify({ ...strings, body: Buffer.from(body).toString('latin1') })
  return [new Uint8Array(Buffer.from(json, 'latin1'))]
}

async function environOver(port: number, head: string, body = ''): Promise<Record<string, string>> {
  const answer = await exchange(port, `${head}Connection: close\r\n\r\n${body}`)
  return JSON.parse(bodyOf(answer)) as Record<string, string>
}

describe('headerEnviron', () => {
  it('maps headers to HTTP_* keys, CONTENT_* without twins, joins repeats, drops "_" names', () => {
    expect(
      headerEnviron([
        'Content-Type',
        'text/plain',
        'Content-Length',
        '3',
        'X-Id',
        '1',
        'x-id',
        '2',
        'Cookie',
        'a=1',
        'cookie',
        'b=2',
        'Foo_Bar',
        'x',
      ]),
    ).toEqual({
      CONTENT_TYPE: 'text/plain',
      CONTENT_LENGTH: '3',
      HTTP_X_ID: '1, 2',
      HTTP_COOKIE: 'a=1; b=2',
    })
  })

  it('gives the same keys when names come back (its key cache), and writes into a given object', () => {
    const raw = ['Accept-Language', 'fr', 'X_Forwarded_For', '6.6.6.6', 'content-length', '0']
    const first = headerEnviron(raw)
    const second = headerEnviron(raw)
    expect(second).toEqual(first)
    expect(second).toEqual({ HTTP_ACCEPT_LANGUAGE: 'fr', CONTENT_LENGTH: '0' })
    const target = { REQUEST_METHOD: 'GET' }
    expect(addHeaderEnviron(target, raw)).toBe(target)
    expect(target).toEqual({ REQUEST_METHOD: 'GET', HTTP_ACCEPT_LANGUAGE: 'fr', CONTENT_LENGTH: '0' })
  })
})

describe('splitTarget', () => {
  it('percent-decodes the path to latin-1 and keeps the query raw', () => {
    expect(splitTarget('/caf%C3%A9?a=%20b')).toEqual({
      SCRIPT_NAME: '',
      PATH_INFO: '/caf\u00c3\u00a9',
      QUERY_STRING: 'a=%20b',
    })
  })

  it('keeps a raw non-ASCII byte (a latin-1 code unit) as it is', () => {
    expect(splitTarget('/caf\u00e9?q=\u00e9')).toMatchObject({
      PATH_INFO: '/caf\u00e9',
      QUERY_STRING: 'q=\u00e9',
    })
  })

  it('handles absolute-form targets, fragments and a mount point', () => {
    expect(splitTarget('http://h:1/app/x#frag', '/app')).toEqual({
      SCRIPT_NAME: '/app',
      PATH_INFO: '/x',
      QUERY_STRING: '',
    })
    expect(splitTarget('/other', '/app').SCRIPT_NAME).toBe('')
  })
})

describe('splitHost', () => {
  it('splits names, ports and IPv6 literals', () => {
    expect(splitHost('Example.com:8080')).toEqual({ name: 'example.com', port: '8080' })
    expect(splitHost('[::1]:9')).toEqual({ name: '[::1]', port: '9' })
    expect(splitHost('h')).toEqual({ name: 'h', port: undefined })
  })
})

describe('toNodeListener: the environ', () => {
  it('builds CGI keys from the request line, Host header and peer', async () => {
    const port = await serve(echoEnviron)
    const seen = await environOver(
      port,
      'GET /caf%C3%A9/x?a=%20b&c HTTP/1.1\r\nHost: example.com:8080\r\n',
    )
    expect(seen).toMatchObject({
      REQUEST_METHOD: 'GET',
      SCRIPT_NAME: '',
      PATH_INFO: '/caf\u00c3\u00a9/x',
      QUERY_STRING: 'a=%20b&c',
      SERVER_NAME: 'example.com',
      SERVER_PORT: '8080',
      SERVER_PROTOCOL: 'HTTP/1.1',
      REMOTE_ADDR: '127.0.0.1',
      HTTP_HOST: 'example.com:8080',
      'wsgi.url_scheme': 'http',
    })
    expect(seen.REMOTE_PORT).toMatch(/^\d+$/)
  })

  it('falls back to the local socket without a Host header (HTTP/1.0)', async () => {
    const port = await serve(echoEnviron)
    const seen = await environOver(port, 'GET / HTTP/1.0\r\n')
    expect(seen.SERVER_NAME).toBe('127.0.0.1')
    expect(seen.SERVER_PORT).toBe(String(port))
    expect(seen.SERVER_PROTOCOL).toBe('HTTP/1.0')
  })

  it("answers 400, not a crash, to a raw non-ASCII byte in the target (node's parser refuses it)", async () => {
    const port = await serve(echoEnviron)
    const request = Buffer.concat([
      Buffer.from('GET /caf'),
      Buffer.from([0xe9]),
      Buffer.from(' HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n'),
    ])
    expect(await exchange(port, request)).toMatch(/^HTTP\/1\.1 400/)
  })

  it('joins repeated headers and drops names with "_", CONTENT_* without HTTP_ twins', async () => {
    const port = await serve(echoEnviron)
    const seen = await environOver(
      port,
      'POST / HTTP/1.1\r\nHost: h\r\nAccept: a\r\nAccept: b\r\nCookie: x=1\r\nCookie: y=2\r\n' +
        'X_Evil: 1\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n',
      'abc',
    )
    expect(seen).toMatchObject({
      HTTP_ACCEPT: 'a, b',
      HTTP_COOKIE: 'x=1; y=2',
      CONTENT_TYPE: 'text/plain',
      CONTENT_LENGTH: '3',
      body: 'abc',
    })
    expect(seen.HTTP_X_EVIL).toBeUndefined()
    expect(seen.HTTP_CONTENT_TYPE).toBeUndefined()
    expect(seen.HTTP_CONTENT_LENGTH).toBeUndefined()
  })

  it('applies the options and the environ hook, which receives (environ, req)', async () => {
    let hookArgs: [Environ, IncomingMessage] | undefined
    const port = await serve(echoEnviron, {
      urlScheme: 'https',
      scriptName: '/app',
      multiprocess: true,
      environ(environ, req) {
        hookArgs = [environ, req]
        environ['serve.worker'] = '7'
      },
    })
    const seen = await environOver(port, 'GET /app/page HTTP/1.1\r\nHost: h\r\n')
    expect(seen).toMatchObject({
      'wsgi.url_scheme': 'https',
      SCRIPT_NAME: '/app',
      PATH_INFO: '/page',
      SERVER_PORT: '443',
      'serve.worker': '7',
    })
    expect(hookArgs?.[0]['wsgi.multiprocess']).toBe(true)
    expect(hookArgs?.[0]['wsgi.run_once']).toBe(false)
    expect(typeof hookArgs?.[1].rawHeaders).toBe('object')
  })

  it('reads a chunked request body whole, without CONTENT_LENGTH', async () => {
    const port = await serve(echoEnviron)
    const seen = await environOver(
      port,
      'POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n',
      '5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n',
    )
    expect(seen.body).toBe('hello world')
    expect(seen.CONTENT_LENGTH).toBeUndefined()
  })
})

describe('toNodeListener: the response', () => {
  it('streams: the first chunk reaches the client before the app makes the second', async () => {
    let release!: () => void
    const released = new Promise<void>((resolve) => (release = resolve))
    const port = await serve((_, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']])
      return (async function* () {
        yield enc('first-chunk')
        await released
        yield enc('second-chunk')
      })()
    })
    const client = await open(port)
    client.socket.write('GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n')
    await until(() => client.text().includes('first-chunk'), 5000, 'the first chunk')
    expect(client.text()).not.toContain('second-chunk')
    release()
    await within(client.closed, 5000, client.text)
    expect(client.text()).toContain('second-chunk')
    expect(client.text()).toMatch(/transfer-encoding: chunked/i)
  })

  it('holds the app back when the client does not read (backpressure)', async () => {
    let produced = 0
    let closes = 0
    const block = new Uint8Array(65_536)
    const port = await serve((_, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'application/octet-stream']])
      const body = (function* () {
        // Stops by itself: 256 MiB would mean no backpressure at all.
        while (produced < 4096) {
          produced++
          yield block
        }
      })()
      return Object.assign(body, { close: () => void closes++ })
    })
    const client = await open(port)
    client.socket.pause()
    client.socket.write('GET / HTTP/1.1\r\nHost: h\r\n\r\n')
    await until(() => produced > 0, 5000, 'the first chunk')
    let last = -1
    // Wait until production stalls (socket buffers full), bounded.
    for (let i = 0; i < 100 && produced !== last; i++) {
      last = produced
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    expect(produced * block.length).toBeLessThan(32 * 1024 * 1024)
    client.socket.destroy()
    await until(() => closes === 1, 5000, 'close() after the disconnect')
    expect(produced).toBeLessThan(4096)
  })

  it('on client disconnect: close() once, gateway.signal aborted, no crash', async () => {
    let closes = 0
    let signal: AbortSignal | undefined
    const port = await serve((environ, startResponse) => {
      signal = environ['gateway.signal']
      startResponse('200 OK', [])
      const body = (async function* () {
        yield enc('tick')
        await new Promise(() => {}) // a stream that waits for events
      })()
      return Object.assign(body, { close: () => void closes++ })
    })
    const client = await open(port)
    client.socket.write('GET / HTTP/1.1\r\nHost: h\r\n\r\n')
    await until(() => client.text().includes('tick'), 5000, 'the first chunk')
    client.socket.destroy()
    await until(() => closes > 0, 5000, 'close()')
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(closes).toBe(1)
    expect(signal?.aborted).toBe(true)
  })

  it('never sends more than the declared Content-Length and cuts the connection', async () => {
    const errors = new ErrorsStream()
    const port = await serve(
      (_, startResponse) => {
        startResponse('200 OK', [['Content-Length', '10']])
        return (function* () {
          yield enc('0123456789ABCDEFGHIJ')
        })()
      },
      { errors },
    )
    const answer = await exchange(port, 'GET / HTTP/1.1\r\nHost: h\r\n\r\n')
    expect(bodyOf(answer).length).toBeLessThanOrEqual(10)
    expect(answer).not.toContain('ABCDEF')
    expect(errors.text).toMatch(/more than its Content-Length of 10/)
  })

  it('cuts the connection when fewer bytes than Content-Length were sent', async () => {
    const port = await serve(
      (_, startResponse) => {
        startResponse('200 OK', [['Content-Length', '20']])
        return (function* () {
          yield enc('only ten!!')
        })()
      },
      { errors: new ErrorsStream() },
    )
    // Keep-alive request: only a cut (not a normal end) closes the socket.
    const answer = await exchange(port, 'GET / HTTP/1.1\r\nHost: h\r\n\r\n')
    expect(bodyOf(answer)).toBe('only ten!!')
  })

  it('answers 500 with the error in wsgi.errors when the app throws before the head', async () => {
    const errors = new ErrorsStream()
    const port = await serve(
      () => {
        throw new Error('hidden detail')
      },
      { errors },
    )
    const answer = await exchange(port, 'GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n')
    expect(answer).toMatch(/^HTTP\/1\.1 500 Internal Server Error/)
    expect(answer).not.toContain('hidden detail')
    expect(errors.text).toContain('hidden detail')
  })

  it('keeps repeated Set-Cookie headers separate and adds one Date header', async () => {
    const port = await serve((_, startResponse) => {
      startResponse('200 OK', [
        ['Set-Cookie', 'a=1'],
        ['Set-Cookie', 'b=2'],
      ])
      return []
    })
    const answer = await exchange(port, 'GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n')
    expect(answer.match(/^set-cookie:/gim)).toHaveLength(2)
    expect(answer.match(/^date:/gim)).toHaveLength(1)
    expect(answer).toMatch(/content-length: 0/i)
  })

  it('answers 503 when the hook-provided signal fires before anything was sent', async () => {
    const port = await serve(
      (environ, startResponse) =>
        new Promise((resolve) => {
          environ['gateway.signal'].addEventListener('abort', () => {
            startResponse('200 OK', [])
            resolve([enc('too late')])
          })
        }),
      {
        environ(environ) {
          const timeout = AbortSignal.timeout(50)
          environ['gateway.signal'] = AbortSignal.any([environ['gateway.signal'], timeout])
        },
      },
    )
    const answer = await exchange(port, 'GET / HTTP/1.1\r\nHost: h\r\n\r\n')
    expect(answer).toMatch(/^HTTP\/1\.1 503/)
  })
})

describe('toNodeListener: request bodies', () => {
  it('sends 100 Continue only when the app first reads wsgi.input', async () => {
    const events: string[] = []
    let client: Awaited<ReturnType<typeof open>> | undefined
    const port = await serve(async (environ, startResponse) => {
      await new Promise((resolve) => setTimeout(resolve, 100))
      events.push(client!.text().includes('100 Continue') ? 'continue-before-read' : 'read')
      const body = await environ['wsgi.input'].read()
      startResponse('200 OK', [])
      return [body]
    })
    client = await open(port)
    client.socket.write(
      'POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 5\r\nConnection: close\r\n\r\n',
    )
    await until(() => client!.text().includes('100 Continue'), 5000, '100 Continue')
    events.push('continue')
    client.socket.write('hello')
    await within(client.closed, 5000, client.text)
    expect(events).toEqual(['read', 'continue'])
    expect(client.text()).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK/)
    expect(bodyOf(client.text().slice(client.text().indexOf('HTTP/1.1 200')))).toBe('hello')
  })

  it('never sends 100 Continue to an app that does not read the body', async () => {
    const port = await serve((_, startResponse) => {
      startResponse('413 Content Too Large', [])
      return [enc('no')]
    })
    const answer = await exchange(
      port,
      'POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 5\r\nConnection: close\r\n\r\n',
    )
    expect(answer).toMatch(/^HTTP\/1\.1 413/)
    expect(answer).not.toContain('100 Continue')
  })

  it('rejects reads with GW-H07 when the client leaves mid-body, without crashing', async () => {
    let failure: unknown
    let settled!: () => void
    const done = new Promise<void>((resolve) => (settled = resolve))
    const port = await serve(async (environ, startResponse) => {
      try {
        await environ['wsgi.input'].read()
      } catch (error) {
        failure = error
      }
      settled()
      startResponse('400 Bad Request', [])
      return []
    })
    const client = await open(port)
    client.socket.write('POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\nonly ten!!')
    await new Promise((resolve) => setTimeout(resolve, 50))
    client.socket.destroy()
    await within(done, 5000, () => 'the app never finished reading')
    expect(failure).toMatchObject({ code: 'GW-H07' })
  })

  it('drains an unread body so the next keep-alive request is answered', async () => {
    const port = await serve(async (environ, startResponse) => {
      const first = await environ['wsgi.input'].read(2)
      startResponse('200 OK', [])
      return [first]
    })
    const answer = await exchange(
      port,
      'POST /1 HTTP/1.1\r\nHost: h\r\nContent-Length: 6\r\n\r\nabcdef' +
        'POST /2 HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nConnection: close\r\n\r\nxy',
    )
    expect(answer.match(/HTTP\/1\.1 200 OK/g)).toHaveLength(2)
    expect(answer).toMatch(/\r\n\r\nab[\s\S]*\r\n\r\nxy$/)
  })
})

export type { ServerResponse }
