/**
 * The Fetch host: toFetchHandler on web Requests directly, and serveFetchOnNode through real
 * node:http sockets on 127.0.0.1 (port 0).
 */
import { createServer } from 'node:http'
import { connect } from 'node:net'
import type { AddressInfo, Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import {
  ErrorsStream,
  environFromRequest,
  serveFetchOnNode,
  toFetchHandler,
} from '../../framework/gateway/index.ts'
import type { Application } from '../../framework/gateway/index.ts'

const enc = (text: string) => new TextEncoder().encode(text)
const dec = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes)
const quiet = { errors: new ErrorsStream() }

async function settledWithin<T>(promise: Promise<T>, ms: number): Promise<T | 'pending'> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<'pending'>(
    (resolve) => (timer = setTimeout(() => resolve('pending'), ms)),
  )
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

describe('environFromRequest', () => {
  it('builds latin-1 PATH_INFO, raw QUERY_STRING and server keys from the URL', () => {
    const environ = environFromRequest(
      new Request('https://example.com:8443/caf%C3%A9?a=%20b', { headers: { 'X-Id': '1' } }),
    )
    expect(environ).toMatchObject({
      REQUEST_METHOD: 'GET',
      PATH_INFO: '/caf\u00c3\u00a9',
      QUERY_STRING: 'a=%20b',
      SERVER_NAME: 'example.com',
      SERVER_PORT: '8443',
      HTTP_HOST: 'example.com:8443',
      HTTP_X_ID: '1',
      'wsgi.url_scheme': 'https',
      'wsgi.input_terminated': true,
    })
  })

  it('reads the request body through wsgi.input', async () => {
    const environ = environFromRequest(
      new Request('http://h/', {
        method: 'POST',
        body: 'payload',
        headers: { 'Content-Type': 'text/plain' },
      }),
    )
    expect(dec(await environ['wsgi.input'].read())).toBe('payload')
    expect(environ.CONTENT_TYPE).toBe('text/plain')
    expect(environ.HTTP_CONTENT_TYPE).toBeUndefined()
    expect((await environ['wsgi.input'].read()).length).toBe(0)
  })
})

describe('toFetchHandler', () => {
  it('answers a Response with status, headers and a computed Content-Length', async () => {
    const handler = toFetchHandler((_, startResponse) => {
      startResponse('201 Created', [
        ['Content-Type', 'text/plain'],
        ['Set-Cookie', 'a=1'],
        ['Set-Cookie', 'b=2'],
      ])
      return [enc('made')]
    })
    const response = await handler(new Request('http://h/'))
    expect(response.status).toBe(201)
    expect(response.statusText).toBe('Created')
    expect(response.headers.get('content-length')).toBe('4')
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2'])
    expect(await response.text()).toBe('made')
  })

  it('resolves the Response only when the head is decided, so excInfo can still replace it', async () => {
    let release!: () => void
    const released = new Promise<void>((resolve) => (release = resolve))
    const handler = toFetchHandler((_, startResponse) => {
      startResponse('200 OK', [])
      return (async function* () {
        await released
        try {
          throw new Error('failed before the first byte')
        } catch (error) {
          startResponse('503 Service Unavailable', [], error)
          yield enc('later')
        }
      })()
    })
    const pending = handler(new Request('http://h/'))
    expect(await settledWithin(pending, 30)).toBe('pending')
    release()
    const response = await pending
    expect(response.status).toBe(503)
    expect(await response.text()).toBe('later')
  })

  it('pulls from the body only when the consumer pulls', async () => {
    let pulled = 0
    const handler = toFetchHandler((_, startResponse) => {
      startResponse('200 OK', [])
      return (function* () {
        for (let i = 0; i < 100; i++) {
          pulled++
          yield enc(`chunk${i};`)
        }
      })()
    })
    const response = await handler(new Request('http://h/'))
    const reader = response.body!.getReader()
    await new Promise((resolve) => setTimeout(resolve, 20))
    const before = pulled
    expect(before).toBeLessThanOrEqual(2)
    expect(dec((await reader.read()).value)).toBe('chunk0;')
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(pulled).toBeLessThanOrEqual(before + 2)
    await reader.cancel()
  })

  it('calls close() once and aborts gateway.signal when the consumer cancels', async () => {
    let closes = 0
    let signal: AbortSignal | undefined
    const handler = toFetchHandler((environ, startResponse) => {
      signal = environ['gateway.signal']
      startResponse('200 OK', [])
      const body = (async function* () {
        yield enc('one')
        await new Promise(() => {}) // waits for events
      })()
      return Object.assign(body, { close: () => void closes++ })
    })
    const response = await handler(new Request('http://h/'))
    const reader = response.body!.getReader()
    expect(dec((await reader.read()).value)).toBe('one')
    await reader.cancel()
    await until(() => closes > 0, 2000, 'close()')
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(closes).toBe(1)
    expect(signal?.aborted).toBe(true)
  })

  it('answers a plain 500 when the app throws, logging the error', async () => {
    const errors = new ErrorsStream()
    const handler = toFetchHandler(
      () => {
        throw new Error('internal detail')
      },
      { errors },
    )
    const response = await handler(new Request('http://h/'))
    expect(response.status).toBe(500)
    expect(await response.text()).not.toContain('internal detail')
    expect(errors.text).toContain('internal detail')
  })

  it('gives HEAD and 204 responses no body', async () => {
    const app: Application = (environ, startResponse) => {
      startResponse(environ.PATH_INFO === '/none' ? '204 No Content' : '200 OK', [])
      return [enc('body')]
    }
    const handler = toFetchHandler(app)
    const head = await handler(new Request('http://h/', { method: 'HEAD' }))
    expect(head.body).toBeNull()
    expect(head.headers.get('content-length')).toBe('4')
    const noContent = await handler(new Request('http://h/none'))
    expect(noContent.status).toBe(204)
    expect(noContent.body).toBeNull()
  })

  it('errors the stream (a cut) when the app fails after the first byte', async () => {
    const handler = toFetchHandler((_, startResponse) => {
      startResponse('200 OK', [])
      return (async function* () {
        yield enc('part')
        throw new Error('mid-stream')
      })()
    }, quiet)
    const response = await handler(new Request('http://h/'))
    await expect(response.text()).rejects.toThrow()
  })
})

describe('serveFetchOnNode', () => {
  const stops: (() => Promise<void>)[] = []
  afterEach(async () => {
    await Promise.all(stops.splice(0).map((stop) => stop()))
  })

  async function serve(app: Application): Promise<number> {
    const listener = serveFetchOnNode(toFetchHandler(app, quiet))
    const server = createServer(listener).on('checkContinue', listener)
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

  it('streams the first chunk before the app makes the second', async () => {
    let release!: () => void
    const released = new Promise<void>((resolve) => (release = resolve))
    const port = await serve((_, startResponse) => {
      startResponse('200 OK', [])
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
    await until(() => client.text().includes('second-chunk'), 5000, 'the second chunk')
  })

  it('reads a chunked request body and answers with it', async () => {
    const port = await serve(async (environ, startResponse) => {
      const body = await environ['wsgi.input'].read()
      startResponse('200 OK', [['X-Length', environ.CONTENT_LENGTH ?? 'none']])
      return [body]
    })
    const response = await fetch(`http://127.0.0.1:${port}/`, {
      method: 'POST',
      body: new ReadableStream({
        start(controller) {
          controller.enqueue(enc('hello '))
          controller.enqueue(enc('world'))
          controller.close()
        },
      }),
      duplex: 'half',
    } as RequestInit)
    expect(await response.text()).toBe('hello world')
    expect(response.headers.get('x-length')).toBe('none')
  })

  it('holds the app back when the client does not read, and closes once on disconnect', async () => {
    let produced = 0
    let closes = 0
    const block = new Uint8Array(65_536)
    const port = await serve((_, startResponse) => {
      startResponse('200 OK', [])
      const body = (function* () {
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
    for (let i = 0; i < 100 && produced !== last; i++) {
      last = produced
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    expect(produced * block.length).toBeLessThan(32 * 1024 * 1024)
    client.socket.destroy()
    await until(() => closes > 0, 5000, 'close()')
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(closes).toBe(1)
  })

  it('never sends more than the declared Content-Length', async () => {
    const port = await serve((_, startResponse) => {
      startResponse('200 OK', [['Content-Length', '10']])
      return (function* () {
        yield enc('0123456789ABCDEFGHIJ')
      })()
    })
    const client = await open(port)
    client.socket.write('GET / HTTP/1.1\r\nHost: h\r\n\r\n')
    await Promise.race([client.closed, new Promise((resolve) => setTimeout(resolve, 3000))])
    expect(client.text()).not.toContain('ABCDEF')
  })

  it('sends 100 Continue only when the app first reads the body', async () => {
    let sawContinueBeforeRead: boolean | undefined
    let client: Awaited<ReturnType<typeof open>> | undefined
    const port = await serve(async (environ, startResponse) => {
      await new Promise((resolve) => setTimeout(resolve, 100))
      sawContinueBeforeRead = client!.text().includes('100 Continue')
      const body = await environ['wsgi.input'].read()
      startResponse('200 OK', [])
      return [body]
    })
    client = await open(port)
    client.socket.write(
      'POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 5\r\nConnection: close\r\n\r\n',
    )
    await until(() => client!.text().includes('100 Continue'), 5000, '100 Continue')
    client.socket.write('hello')
    await Promise.race([client.closed, new Promise((resolve) => setTimeout(resolve, 5000))])
    expect(sawContinueBeforeRead).toBe(false)
    expect(client.text()).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK[\s\S]*hello$/)
  })
})
