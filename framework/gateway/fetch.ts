/**
 * @module The Fetch host: `toFetchHandler(app)` is a `(request: Request) => Promise<Response>`
 * for runtimes and routers built on web standards. The Response's body is a ReadableStream that
 * pulls from the application's body only when its consumer pulls (backpressure), and the
 * Response itself resolves only when the head is decided (so excInfo can still replace it).
 * `serveFetchOnNode(handler)` serves any such handler on node:http, streaming both ways.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { TLSSocket } from 'node:tls'
import type { Application, Environ, GatewayErrors } from './contract.ts'
import { ErrorsStream } from './errors-stream.ts'
import { fileWrapper } from './file-wrapper.ts'
import { BaseHost, ResponseError } from './handler.ts'
import type { BaseHostOptions, ResponseHead } from './handler.ts'
import { RequestInput } from './input.ts'
import { cutResponse, headerEnviron, splitTarget } from './node-http.ts'

/** Options of `toFetchHandler`. */
export interface FetchHandlerOptions extends BaseHostOptions {
  /** The mount point moved from PATH_INFO to SCRIPT_NAME (e.g. '/app'). */
  scriptName?: string
  /** `wsgi.multiprocess` (default false). */
  multiprocess?: boolean
  /** `wsgi.errors` (default: an ErrorsStream on process.stderr). */
  errors?: GatewayErrors
  /** REMOTE_ADDR for a request (runtimes expose the peer in their own way). */
  remoteAddr?: (request: Request) => string | undefined
  /** Called with each environ before the application runs, to add keys. */
  environ?: (environ: Environ, request: Request) => void
}

/**
 * The environ for a web Request: CGI keys from its URL and headers (latin-1 PATH_INFO from the
 * raw, percent-encoded path), wsgi.input over `request.body`, and the wsgi.* and gateway.* keys.
 *
 * @example
 * ```ts
 * import { environFromRequest } from 'framework/gateway'
 *
 * const environ = environFromRequest(new Request('http://example.com/caf%C3%A9?x=1'))
 * environ.PATH_INFO // '/caf\u00c3\u00a9'
 * ```
 */
export function environFromRequest(
  request: Request,
  options: Omit<FetchHandlerOptions, 'environ'> & { signal?: AbortSignal } = {},
): Environ {
  const url = new URL(request.url)
  const scheme = url.protocol === 'https:' ? 'https' : 'http'
  const raw: string[] = []
  request.headers.forEach((value, name) => raw.push(name, value))
  const headers = headerEnviron(raw)
  headers.HTTP_HOST ??= url.host
  const signal = options.signal ?? request.signal
  const contentLength = headers.CONTENT_LENGTH
  const body = request.body as AsyncIterable<Uint8Array> | null
  const length = body === null ? 0 : contentLength !== undefined ? Number(contentLength) : undefined
  const environ: Record<string, unknown> = {
    REQUEST_METHOD: request.method,
    ...splitTarget(url.pathname + url.search, options.scriptName),
    SERVER_NAME: url.hostname,
    SERVER_PORT: url.port || (scheme === 'https' ? '443' : '80'),
    SERVER_PROTOCOL: 'HTTP/1.1',
    ...headers,
    'wsgi.version': [1, 0] as const,
    'wsgi.url_scheme': scheme,
    'wsgi.input': new RequestInput(body ?? emptySource(), {
      ...(length !== undefined ? { length } : {}),
      signal,
    }),
    'wsgi.errors': options.errors ?? new ErrorsStream(process.stderr),
    'wsgi.multithread': false,
    'wsgi.multiprocess': options.multiprocess ?? false,
    'wsgi.run_once': false,
    'wsgi.input_terminated': true,
    'wsgi.file_wrapper': fileWrapper,
    'gateway.signal': signal,
  }
  const remote = options.remoteAddr?.(request)
  if (remote) environ.REMOTE_ADDR = remote
  return environ as Environ
}

/**
 * A Fetch handler that runs `app` per request through the base algorithm.
 *
 * @example
 * ```ts
 * import { toFetchHandler } from 'framework/gateway'
 *
 * const handler = toFetchHandler(application)
 * const response = await handler(new Request('http://localhost/'))
 * ```
 */
export function toFetchHandler(
  app: Application,
  options: FetchHandlerOptions = {},
): (request: Request) => Promise<Response> {
  const { environ: hook, ...rest } = options
  const errors = rest.errors ?? new ErrorsStream(process.stderr)
  return (request) => {
    // One controller fed by a listener on request.signal that is removed when the run ends:
    // AbortSignal.any() keeps every combined signal alive on Node 20 (a leak per request).
    const cancelled = new AbortController()
    const signal = cancelled.signal
    const forward = (): void => cancelled.abort(request.signal.reason)
    if (request.signal.aborted) forward()
    else request.signal.addEventListener('abort', forward, { once: true })
    const unlink = (): void => request.signal.removeEventListener('abort', forward)
    let environ: Environ
    try {
      environ = environFromRequest(request, { ...rest, errors, signal })
      hook?.(environ, request)
    } catch (error) {
      errors.write(
        `[gateway] building the environ failed: ${error instanceof Error ? error.stack : String(error)}\n`,
      )
      return Promise.resolve(
        new Response('400 Bad Request\n', {
          status: 400,
          headers: { 'Content-Type': 'text/plain; charset=utf-8' },
        }),
      ).finally(unlink)
    }
    const host = new FetchHost(rest, () =>
      cancelled.abort(new ResponseError('GW-H14', 'The consumer cancelled the body')),
    )
    void host
      .run(app, environ)
      .then(() => host.settle())
      .finally(unlink)
    return host.response
  }
}

/** BaseHost into a web Response whose body stream pulls on demand. */
class FetchHost extends BaseHost {
  protected readonly canChunk = true
  readonly response: Promise<Response>
  #resolve!: (response: Response) => void
  #reject!: (error: unknown) => void
  #settled = false
  #controller!: ReadableStreamDefaultController<Uint8Array>
  #stream: ReadableStream<Uint8Array>
  #parked: { chunk: Uint8Array; resolve: () => void; reject: (error: unknown) => void } | undefined
  #demand: (() => void) | undefined
  #closed = false

  constructor(options: BaseHostOptions, onCancel: () => void) {
    super(options)
    this.response = new Promise((resolve, reject) => {
      this.#resolve = resolve
      this.#reject = reject
    })
    this.response.catch(() => undefined)
    this.#stream = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.#controller = controller
        },
        pull: () => {
          const parked = this.#parked
          if (parked) {
            this.#parked = undefined
            this.#controller.enqueue(parked.chunk)
            parked.resolve()
            return
          }
          if (this.#closed) return
          return new Promise<void>((resolve) => {
            this.#demand = resolve
          })
        },
        cancel: () => {
          this.#closed = true
          this.#parked?.reject(new ResponseError('GW-H14', 'The consumer cancelled the body'))
          this.#parked = undefined
          this.#demand?.()
          onCancel()
        },
      },
      // No queue: a chunk is taken from the application only when a reader asks for one.
      { highWaterMark: 0 },
    )
  }

  /** Rejects the Response if the head never went out (the run ended in a cut). */
  settle(): void {
    if (this.#settled) return
    this.#settled = true
    this.#reject(new ResponseError('GW-H14', 'The response was abandoned before its head was sent'))
  }

  protected sendHead(head: ResponseHead): void {
    const headers = new Headers()
    for (const [name, value] of head.headers) headers.append(name, value)
    if (head.status < 200 || head.status > 599) {
      throw new ResponseError('GW-H09', `A Fetch Response cannot carry the status ${head.status}`)
    }
    const response = new Response(head.framing === 'none' ? null : this.#stream, {
      status: head.status,
      statusText: head.reason,
      headers,
    })
    if (head.framing === 'none') this.#finishStream()
    this.#settled = true
    this.#resolve(response)
  }

  protected write(chunk: Uint8Array): Promise<void> {
    if (this.#closed) return Promise.reject(new ResponseError('GW-H14', 'The consumer went away'))
    const demand = this.#demand
    if (demand) {
      this.#demand = undefined
      this.#controller.enqueue(chunk)
      demand()
      return Promise.resolve()
    }
    return new Promise((resolve, reject) => {
      this.#parked = { chunk, resolve, reject }
    })
  }

  protected end(): void {
    this.#finishStream()
  }

  protected abort(reason: unknown): void {
    if (!this.#settled) {
      this.settle()
      return
    }
    if (this.#closed) return
    this.#closed = true
    try {
      this.#controller.error(reason)
    } catch {
      // Already closed or errored.
    }
    this.#demand?.()
  }

  #finishStream(): void {
    if (this.#closed) return
    this.#closed = true
    try {
      this.#controller.close()
    } catch {
      // Already closed.
    }
    this.#demand?.()
  }
}

async function* emptySource(): AsyncGenerator<Uint8Array> {}

/** Options of `serveFetchOnNode`. */
export interface ServeFetchOptions {
  /** The scheme of the URL given to the handler; default 'https' on a TLS socket, else 'http'. */
  urlScheme?: 'http' | 'https'
}

/**
 * Serves a Fetch handler on node:http: IncomingMessage to Request (the body streamed, and
 * `100 Continue` sent when the handler first reads it, if mounted on 'checkContinue'), and
 * Response to ServerResponse, streamed with backpressure; the Response body is cancelled when
 * the client goes away.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http'
 * import { serveFetchOnNode, toFetchHandler } from 'framework/gateway'
 *
 * const listener = serveFetchOnNode(toFetchHandler(application))
 * createServer(listener).on('checkContinue', listener).listen(8000)
 * ```
 */
export function serveFetchOnNode(
  handler: (request: Request) => Response | Promise<Response>,
  options: ServeFetchOptions = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const controller = new AbortController()
    res.on('close', () => {
      if (!res.writableFinished)
        controller.abort(new ResponseError('GW-H14', 'The client went away'))
    })
    req.on('error', () => {
      // Reported through the body stream and the signal.
    })
    let request: Request
    try {
      request = toRequest(req, res, controller.signal, options)
    } catch (error) {
      res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' })
      res.end(`400 Bad Request: ${error instanceof Error ? error.message : String(error)}\n`)
      return
    }
    Promise.resolve()
      .then(() => handler(request))
      .then(
        (response) => sendResponse(response, res, controller.signal),
        () => {
          if (res.headersSent || res.destroyed) res.destroy()
          else {
            res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' })
            res.end('500 Internal Server Error\n')
          }
        },
      )
      .catch(() => res.destroy())
  }
}

function toRequest(
  req: IncomingMessage,
  res: ServerResponse,
  signal: AbortSignal,
  options: ServeFetchOptions,
): Request {
  const socket = req.socket as Partial<TLSSocket> | undefined
  const scheme = options.urlScheme ?? (socket?.encrypted ? 'https' : 'http')
  const target = req.url ?? '/'
  const authority =
    req.headers.host ?? `${socket?.localAddress ?? '127.0.0.1'}:${socket?.localPort ?? 80}`
  const url = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(target)
    ? target
    : `${scheme}://${authority}${target}`
  const headers = new Headers()
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    try {
      headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!)
    } catch {
      // A header the Fetch API refuses (invalid byte) is dropped rather than failing the request.
    }
  }
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD'
  const expectsContinue =
    req.httpVersion === '1.1' && /^\s*100-continue\s*$/i.test(req.headers.expect ?? '')
  let iterator: AsyncIterator<Uint8Array> | undefined
  const body = hasBody
    ? new ReadableStream<Uint8Array>(
        {
          pull: async (controller) => {
            if (!iterator) {
              const sent100 = (res as unknown as { _sent100?: boolean })._sent100 === true
              if (expectsContinue && !sent100 && !res.headersSent) res.writeContinue()
              iterator = req[Symbol.asyncIterator]()
            }
            try {
              const step = await iterator.next()
              if (step.done) {
                if (!req.complete) throw new Error('The client went away mid-body')
                controller.close()
              } else controller.enqueue(new Uint8Array(step.value as Buffer))
            } catch (error) {
              controller.error(error)
            }
          },
        },
        { highWaterMark: 0 },
      )
    : null
  return new Request(url, {
    method: req.method ?? 'GET',
    headers,
    body,
    signal,
    // Node's fetch needs this for a streamed request body.
    duplex: 'half',
  } as RequestInit)
}

async function sendResponse(
  response: Response,
  res: ServerResponse,
  signal: AbortSignal,
): Promise<void> {
  if (response.type === 'error' || response.status === 0) {
    res.destroy()
    return
  }
  const flat: string[] = []
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') flat.push(name, value)
  })
  for (const cookie of response.headers.getSetCookie()) flat.push('set-cookie', cookie)
  res.sendDate = !response.headers.has('date')
  res.writeHead(response.status, response.statusText || undefined, flat)
  if (!response.body) {
    res.end()
    return
  }
  const reader = response.body.getReader()
  const onAbort = () => void reader.cancel(signal.reason).catch(() => undefined)
  signal.addEventListener('abort', onAbort, { once: true })
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      if (res.destroyed) return
      if (!res.write(value)) {
        await new Promise<void>((resolve) => {
          const settle = () => {
            res.off('drain', settle)
            res.off('close', settle)
            resolve()
          }
          res.once('drain', settle)
          res.once('close', settle)
        })
      }
    }
    res.end()
  } catch {
    // The body failed after the head went out: cut, so the client sees an incomplete response.
    cutResponse(res)
  } finally {
    signal.removeEventListener('abort', onAbort)
  }
}
