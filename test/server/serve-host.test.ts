/**
 * The worker's host (serve-host.ts) over a real node:http server on loopback: the common case
 * answered directly with the same head BaseHost would send, everything else through BaseHost,
 * the request id echoed on both paths, and the server's abort (--request-timeout) answered 503.
 */
import { createServer, request, type Server } from 'node:http'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { Application } from '../../framework/gateway/index.ts'
import { createErrorLog } from '../../framework/server/error-log.ts'
import { TrustedProxies } from '../../framework/server/proxy.ts'
import { createServeHost, type Exchange } from '../../framework/server/serve-host.ts'
import { resolveSettings } from '../../framework/server/settings.ts'

const enc = (text: string) => new TextEncoder().encode(text)
const servers: Server[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))))
})

interface Reply {
  status: number
  /** The reason phrase of the status line. */
  reason: string
  headers: Record<string, string | string[] | undefined>
  body: string
}

async function serve(
  app: Application,
  onExchange: (exchange: Exchange | undefined) => void = () => {},
  settings = resolveSettings({ requestIdEcho: true }),
): Promise<{ ask(options?: { method?: string; headers?: Record<string, string> }): Promise<Reply>; errors: () => string }> {
  const dir = mkdtempSync(join(tmpdir(), 'serve-host-'))
  const errorLog = join(dir, 'error.log')
  const log = createErrorLog(errorLog, 'info', process.pid)
  const host = createServeHost(app, settings, TrustedProxies.parse('127.0.0.1'), log)
  const listener = host(() => {})
  const server = createServer((req, res) => {
    const exchange = listener(req, res)
    // The host's caller reports the response's close (serve's Worker does it in its own listener).
    res.on('close', () => exchange?.closed())
    onExchange(exchange)
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  return {
    errors: () => readFileSync(errorLog, 'utf8'),
    ask: (options = {}) =>
      new Promise((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port, path: '/', method: options.method ?? 'GET', headers: options.headers, agent: false },
          (res) => {
            let body = ''
            res.setEncoding('latin1')
            res.on('data', (c: string) => (body += c))
            res.on('end', () =>
              resolve({
                status: res.statusCode ?? 0,
                reason: res.statusMessage ?? '',
                headers: res.headers,
                body,
              }),
            )
          },
        )
        req.on('error', reject)
        req.end()
      }),
  }
}

describe('serve host', () => {
  it('answers an array body directly: Content-Length, Date and the request id added', async () => {
    const { ask } = await serve((_environ, startResponse) => {
      startResponse('201 Created', [['Content-Type', 'text/plain']])
      return [enc('made')]
    })
    const reply = await ask({ headers: { 'X-Request-Id': 'r-1' } })
    expect(reply).toMatchObject({ status: 201, body: 'made' })
    expect(reply.headers['content-length']).toBe('4')
    expect(reply.headers['transfer-encoding']).toBeUndefined()
    expect(reply.headers.date).toMatch(/GMT$/)
    expect(reply.headers['x-request-id']).toBe('r-1')
  })

  it('makes the request id but sends it back only with --request-id-echo', async () => {
    let seen: unknown
    const app: Application = (environ, startResponse) => {
      seen = environ['serve.request_id']
      startResponse('200 OK', [['Content-Type', 'text/plain']])
      return [enc('x')]
    }
    const { ask } = await serve(app, () => {}, resolveSettings())
    const reply = await ask({ headers: { 'X-Request-Id': 'r-2' } })
    expect(seen).toBe('r-2')
    expect(reply.headers['x-request-id']).toBeUndefined()
    expect(reply.headers['content-length']).toBe('1')
  })

  it('sends the reason phrase the application chose, on both paths', async () => {
    const reasonOf = async (status: string, generic: boolean): Promise<string> => {
      const { ask } = await serve((_environ, startResponse) => {
        startResponse(status, [['Content-Type', 'text/plain']])
        // A generator body goes to the generic path (BaseHost), an array is answered directly.
        return generic ? (function* () { yield enc('x') })() : [enc('x')]
      })
      return (await ask()).reason
    }
    expect(await reasonOf('200 Fine Thanks', false)).toBe('Fine Thanks')
    expect(await reasonOf('404 Not Found', false)).toBe('Not Found')
    expect(await reasonOf('299 Unusual', true)).toBe('Unusual')
    expect(await reasonOf('200 OK', true)).toBe('OK')
  })

  it('sends no body for HEAD but keeps the computed Content-Length', async () => {
    const { ask } = await serve((_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']])
      return [enc('twelve bytes')]
    })
    const reply = await ask({ method: 'HEAD' })
    expect(reply.body).toBe('')
    expect(reply.headers['content-length']).toBe('12')
  })

  it('computes no Content-Length from an empty body answering HEAD (as BaseHost)', async () => {
    const { ask } = await serve((_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']])
      return []
    })
    const reply = await ask({ method: 'HEAD' })
    expect(reply.body).toBe('')
    expect(reply.headers['content-length']).toBeUndefined()
    expect(reply.headers['transfer-encoding']).toBeUndefined()
  })

  it('hands a generator body to the generic path (chunked), the request id still echoed', async () => {
    const { ask } = await serve((_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']])
      return (function* () {
        yield enc('a')
        yield enc('b')
      })()
    })
    const reply = await ask()
    expect(reply.body).toBe('ab')
    expect(reply.headers['transfer-encoding']).toBe('chunked')
    expect(reply.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/)
  })

  it('keeps the request id header the application set, once', async () => {
    const { ask } = await serve((_environ, startResponse) => {
      startResponse('200 OK', [['X-Request-Id', 'from-app']])
      return [enc('x')]
    })
    const reply = await ask({ headers: { 'X-Request-Id': 'from-client' } })
    expect(reply.headers['x-request-id']).toBe('from-app')
  })

  it('replays write() and a late body through the generic path, in order', async () => {
    const { ask } = await serve(async (_environ, startResponse) => {
      const write = startResponse('200 OK', [['Content-Type', 'text/plain']])
      await write(enc('first '))
      await new Promise((r) => setTimeout(r, 10))
      return [enc('then the body')]
    })
    expect((await ask()).body).toBe('first then the body')
  })

  it('answers 500 and logs when the application throws, and checks a wrong Content-Length', async () => {
    const failing = await serve(() => {
      throw new Error('boom in the view')
    })
    const reply = await failing.ask()
    expect(reply.status).toBe(500)
    expect(failing.errors()).toMatch(/boom in the view/)
    const lying = await serve((_environ, startResponse) => {
      startResponse('200 OK', [['Content-Length', '3']])
      return [enc('four')]
    })
    // The generic path's rule: never more than the declared length, the excess logged.
    expect((await lying.ask()).body).toBe('fou')
    expect(lying.errors()).toMatch(/more than its Content-Length of 3/)
  })

  it('answers 503 when the server gives up, and the application sees its signal aborted', async () => {
    let seen: AbortSignal | undefined
    const { ask } = await serve(
      (environ, startResponse) =>
        new Promise((resolve) => {
          seen = environ['gateway.signal']
          seen.addEventListener('abort', () => {
            startResponse('200 OK', [])
            resolve([enc('too late')])
          })
        }),
      (exchange) => setTimeout(() => exchange?.abort(new Error('--request-timeout of 0.05 s reached')), 50),
    )
    const reply = await ask()
    expect(reply.status).toBe(503)
    expect(seen?.aborted).toBe(true)
    expect(String((seen?.reason as Error).message)).toMatch(/request-timeout/)
  })

  it('aborts gateway.signal with GW-H14 when the client leaves before the response', async () => {
    let seen: AbortSignal | undefined
    const aborted = new Promise<unknown>((resolve) => {
      void serve(
        (environ) =>
          new Promise(() => {
            seen = environ['gateway.signal']
            seen.addEventListener('abort', () => resolve(seen!.reason))
          }),
      ).then(({ ask }) => {
        const leaving = ask()
        leaving.catch(() => {})
        // Give the request time to reach the application, then hang up.
        setTimeout(() => {
          for (const server of servers) server.closeAllConnections()
        }, 100)
      })
    })
    const reason = (await aborted) as { code?: string }
    expect(seen?.aborted).toBe(true)
    expect(reason.code).toBe('GW-H14')
  })
})
