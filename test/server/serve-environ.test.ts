/**
 * serveEnviron builds the same environ as the gateway's environFromNodeRequest (the reference),
 * with gateway.signal made on first use.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http'
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ErrorsStream, RequestInput, environFromNodeRequest } from '../../framework/gateway/index.ts'
import type { Environ, GatewayInput } from '../../framework/gateway/index.ts'
import { serveEnviron, type LazyEnvironSource } from '../../framework/server/serve-environ.ts'

const errors = new ErrorsStream(() => {})
let server: Server
let port = 0
let seen: { reference: Environ; ours: Environ } | undefined

function source(req: IncomingMessage, made: string[]): LazyEnvironSource {
  let controller: AbortController | undefined
  return {
    signal() {
      made.push('signal')
      return (controller ??= new AbortController()).signal
    },
    input(): GatewayInput {
      made.push('input')
      return new RequestInput(req, { length: 0 })
    },
  }
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const reference = environFromNodeRequest(req, { urlScheme: 'http', multiprocess: true, errors })
    const ours = serveEnviron(req, { urlScheme: 'http', errors }, source(req, []))
    seen = { reference, ours }
    req.resume()
    req.on('end', () => res.end('ok'))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as { port: number }).port
})

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

/** Sends raw request bytes and resolves once the answer arrived. */
function send(raw: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(raw))
    socket.on('data', () => {
      socket.destroy()
      resolve()
    })
    socket.on('error', reject)
  })
}

/** The environ serveEnviron builds for a GET on a probe server; `made` logs its source calls. */
async function probeEnviron(made: string[]): Promise<Environ> {
  let environ: Environ | undefined
  const probe = createServer((req, res) => {
    environ = serveEnviron(req, { urlScheme: 'http', errors }, source(req, made))
    res.end()
  })
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const address = probe.address() as { port: number }
  await new Promise<void>((resolve) => {
    const socket = connect(address.port, '127.0.0.1', () =>
      socket.write('GET / HTTP/1.1\r\nHost: a\r\n\r\n'),
    )
    socket.on('data', () => {
      socket.destroy()
      resolve()
    })
  })
  await new Promise<void>((resolve) => probe.close(() => resolve()))
  return environ!
}

const lazyKeys = new Set(['wsgi.input', 'gateway.signal'])

function plainPart(environ: Environ): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(environ)) {
    if (!lazyKeys.has(key)) out[key] = environ[key]
  }
  return out
}

describe('serveEnviron', () => {
  const requests: Record<string, string> = {
    'a path, a query and a Host with a port':
      'GET /caf%C3%A9/x%2Fy?a=1&b=%20 HTTP/1.1\r\nHost: Example.org:8080\r\n\r\n',
    'HTTP/1.0 without Host': 'GET / HTTP/1.0\r\n\r\n',
    'repeated headers, cookies, an underscore name':
      'GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\nx-a: 2\r\nCookie: a=1\r\nCookie: b=2\r\nX_Y: no\r\n\r\n',
    'a body with Content-Length and Content-Type':
      'POST /form HTTP/1.1\r\nHost: a\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\nabc',
    'a chunked body': 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n',
    'an absolute-form target and latin-1 header bytes':
      'GET http://h.example/p?q HTTP/1.1\r\nHost: h.example\r\nX-L: caf\xe9\r\n\r\n',
  }
  for (const [name, raw] of Object.entries(requests)) {
    it(`matches environFromNodeRequest for ${name}`, async () => {
      seen = undefined
      await send(raw)
      const { reference, ours } = seen!
      expect(plainPart(ours)).toEqual(plainPart(reference))
      expect(Object.keys(ours).sort()).toEqual(Object.keys(reference).sort())
      expect(ours['gateway.signal']).toBeInstanceOf(AbortSignal)
      expect(typeof ours['wsgi.input'].read).toBe('function')
    })
  }

  it('makes gateway.signal when read, once, replaceable; wsgi.input at once', async () => {
    const made: string[] = []
    const environ = await probeEnviron(made)
    // The input is a plain value made with the environ (it asks for the signal only when read).
    expect(made).toEqual(['input'])
    expect(Object.getOwnPropertyDescriptor(environ, 'wsgi.input')).toHaveProperty('value')
    expect(Object.getOwnPropertyDescriptor(environ, 'gateway.signal')).toHaveProperty('get')
    const signal = environ['gateway.signal']
    expect(environ['gateway.signal']).toBe(signal)
    expect(made).toEqual(['input', 'signal'])
    expect(Object.getOwnPropertyDescriptor(environ, 'gateway.signal')).toHaveProperty('value')
    const copy = { ...environ }
    expect(copy['gateway.signal']).toBe(signal)
    const input = environ['wsgi.input']
    expect(copy['wsgi.input']).toBe(input)
    expect(made).toEqual(['input', 'signal'])
    const replacement = AbortSignal.abort()
    environ['gateway.signal'] = replacement
    expect(environ['gateway.signal']).toBe(replacement)
    expect(Object.getPrototypeOf(environ)).toBe(Object.prototype)
  })

  it('copies a signal it has not made yet: a spread makes it', async () => {
    const made: string[] = []
    const environ = await probeEnviron(made)
    const copy = { ...environ }
    expect(made).toEqual(['input', 'signal'])
    expect(copy['gateway.signal']).toBeInstanceOf(AbortSignal)
    expect(environ['gateway.signal']).toBe(copy['gateway.signal'])
  })
})
