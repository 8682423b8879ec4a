/**
 * @module The request listener a worker runs: the gateway contract (docs/gateway.md) over
 * node:http, with serve's environ additions (trusted proxy headers, the request id,
 * `wsgi.multiprocess`, the worker's own hook).
 *
 * Why not the gateway's `toNodeListener` as is: its generic algorithm (BaseHost) costs about
 * 80 µs of CPU per request (promises per step, a Date string per response, closures), which made
 * `serve` four times slower than raw node:http on a hello-world (bench/results/serve-vs-node.md).
 * This host answers the contract's common case itself, synchronously: the application returns
 * (directly or through a promise) an array of at most one Uint8Array without using write(). The
 * head and framing it sends are exactly what BaseHost would send for that case. Everything else
 * (iterables, async iterables, file bodies, write(), errors, a missing startResponse) is handed to
 * a BaseHost subclass (ServeNodeHost) by replaying what the application did, so the contract's
 * rules live in framework/gateway/ once.
 */
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http'
import {
  BaseHost,
  ErrorsStream,
  RequestInput,
  ResponseError,
  ResponseStart,
  cutResponse,
  writeWithBackpressure,
} from '../gateway/index.ts'
import type {
  Application,
  Body,
  Environ,
  GatewayInput,
  ResponseHead,
  ResponseHeaders,
  StartResponse,
  Write,
} from '../gateway/index.ts'
import type { ErrorLog } from './error-log.ts'
import {
  forwardedEnviron,
  isForwardedRejection,
  resolveForwarded,
  type ForwardedInfo,
  type TrustedProxies,
} from './proxy.ts'
import { isHeaderName, rawHeaderValue } from './raw-headers.ts'
import { REQUEST_ID_ENVIRON_KEY, requestIdFor } from './request-id.ts'
import { writeServerHead } from './server-response-head.ts'
import { requestInput, serveEnviron, type EnvironOptions, type LazyEnvironSource } from './serve-environ.ts'
import type { ServeSettings } from './settings.ts'

/** Per-request environ additions the worker asks the host to make. */
export type EnvironHook = (environ: Environ, req: IncomingMessage) => void

/**
 * What the worker may do to a request the host is answering. The caller reports the response's
 * 'close' event with `closed()`: the worker already listens for it, and a second listener on
 * every response made node keep an array of listeners and copy it at each emit.
 */
export interface Exchange {
  /** The environ the application got (undefined when the request was refused before). */
  readonly environ: Environ | undefined
  /**
   * True once the host ended the response in its common case (serve-host.ts, #fastFinish): when
   * it is true as the listener returns (a synchronous application), nothing more will happen to
   * the response, so the worker ends its bookkeeping at once instead of at 'close'.
   */
  readonly answered?: boolean
  /**
   * The response's header fields as the host handed them to node (name, value, name, value...),
   * once the head went out: what the access log's `%({name}o)s` reads. node's `getHeaders()`
   * knows only headers set one by one with `setHeader()`, not those given to `writeHead()`.
   */
  readonly responseHeaders?: readonly string[]
  /** The response closed (its 'close' event): before it finished means the client went away. */
  closed(): void
  /**
   * The server gives up (`--request-timeout`): aborts `gateway.signal` with `reason`, answers 503
   * if nothing was sent yet, else cuts the connection.
   */
  abort(reason: Error): void
}

/**
 * The listener a HostFactory builds: answers the request, returns its Exchange when it runs the
 * app (the caller then calls its `closed()` on the response's 'close').
 */
export type RequestListener = (req: IncomingMessage, res: ServerResponse) => Exchange | undefined

/** Builds the request listener; the worker passes its environ hook. */
export type HostFactory = (environHook: EnvironHook) => RequestListener

/** Unread request body bytes drained after the response for keep-alive (as toNodeListener). */
const drainLimit = 1_048_576

/** What every exchange of one worker shares (built once, not per request). */
interface HostContext {
  app: Application
  errors: ErrorsStream
  environ: EnvironOptions
  /** Lower-cased request-id header name; '' when request ids are off. */
  requestIdHeader: string
  /** The header name echoed on the response, as configured ('' unless --request-id-echo). */
  requestIdResponseHeader: string
  hook: EnvironHook
}

/**
 * Builds the worker's HostFactory for `app`.
 *
 * @example
 * ```ts
 * const host = createServeHost(app, settings, TrustedProxies.parse('127.0.0.1'), log)
 * new Worker({ ..., host })
 * ```
 */
export function createServeHost(
  app: Application,
  settings: ServeSettings,
  trust: TrustedProxies,
  log: ErrorLog,
): HostFactory {
  // wsgi.errors goes to the error log (--error-logfile), not to whatever stderr happens to be.
  const errors = new ErrorsStream((text: string) => {
    const trimmed = text.trimEnd()
    if (trimmed) log.error(trimmed)
  })
  const header = settings.requestIdHeader.trim()
  return (hook: EnvironHook): RequestListener => {
    const context: HostContext = {
      app,
      errors,
      environ: { urlScheme: settings.certfile ? 'https' : 'http', errors },
      requestIdHeader: header.toLowerCase(),
      // Why echoing is opt-in: node checks every response header with two regular expressions
      // and a lower-cased copy; this one header was about 4% of a hello-world request's CPU.
      requestIdResponseHeader: settings.requestIdEcho ? header : '',
      hook,
    }
    return (req, res) => {
      // A trusted proxy that contradicts itself gets a 400 before the application runs.
      const forwarded = resolveForwarded(
        { peer: req.socket.remoteAddress, rawHeaders: req.rawHeaders },
        trust,
      )
      if (isForwardedRejection(forwarded)) {
        log.info(`Refused ${req.method} ${req.url}: ${forwarded.reason}`)
        const head = { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' }
        writeServerHead(res, 400, head)
        res.end(`${forwarded.reason}\n`)
        return undefined
      }
      const exchange = new ServeExchange(context, req, res)
      exchange.begin(forwarded)
      return exchange
    }
  }
}

/** One request: the environ, the application's call, and the response. */
class ServeExchange implements Exchange, LazyEnvironSource {
  environ: Environ | undefined
  answered = false
  responseHeaders: string[] | undefined
  readonly #context: HostContext
  readonly #req: IncomingMessage
  readonly #res: ServerResponse
  /** gateway.signal's controller, made when the signal is first asked for (serve-environ.ts). */
  #controller: AbortController | undefined
  /** Why the request ended early (the client left, a timeout), once it did. */
  #abortReason: Error | undefined
  #input: RequestInput | undefined
  #onFirstRead: (() => void) | undefined
  readonly #start = new ResponseStart()
  /** The raw arguments of the last successful startResponse call, for a replay. */
  #status: unknown
  #headers: unknown
  /** Set once the response went to ServeNodeHost. */
  #host: ServeNodeHost | undefined
  #hostStartResponse: StartResponse | undefined
  #hostWrite: Write | undefined
  /** Resolves the body for the host when the application returns after the hand-over. */
  #settle: { resolve(body: Body): void; reject(error: unknown): void } | undefined
  #returned = false
  #writeFunction: Write | undefined
  #requestId = ''

  constructor(context: HostContext, req: IncomingMessage, res: ServerResponse) {
    this.#context = context
    this.#req = req
    this.#res = res
  }

  begin(forwarded: ForwardedInfo): void {
    const req = this.#req
    const res = this.#res
    const context = this.#context
    const expect = rawHeaderValue(req.rawHeaders, 'expect')
    if (expect !== undefined && req.httpVersion === '1.1' && /^\s*100-continue\s*$/i.test(expect)) {
      // Answered when the application first reads wsgi.input (docs/gateway.md), not before.
      this.#onFirstRead = () => {
        if (!res.headersSent && !res.destroyed) res.writeContinue()
      }
    }
    const environ = serveEnviron(req, context.environ, this)
    this.environ = environ
    // Most requests carry no forwarding header: resolveForwarded then returns an empty object.
    for (const _ in forwarded) {
      Object.assign(environ, forwardedEnviron(forwarded, environ))
      break
    }
    if (context.requestIdHeader) {
      this.#requestId = requestIdFor(rawHeaderValue(req.rawHeaders, context.requestIdHeader))
      environ[REQUEST_ID_ENVIRON_KEY] = this.#requestId
    }
    res.sendDate = false
    // No 'error' listener on req: node emits an aborted request's error only to listeners, and
    // wsgi.input (RequestInput) adds its own when the application reads the body.
    try {
      context.hook(environ, req)
    } catch (error) {
      context.errors.write(
        `[serve] the environ hook failed: ${error instanceof Error ? error.stack : String(error)}\n`,
      )
      if (!res.headersSent) {
        writeServerHead(res, 500, { 'Content-Type': 'text/plain; charset=utf-8' })
      }
      res.end('500 Internal Server Error\n')
      return
    }
    this.#call(environ)
  }

  /** gateway.signal, made on first use; already aborted if the request ended early before. */
  signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController()
      if (this.#abortReason) this.#controller.abort(this.#abortReason)
    }
    return this.#controller.signal
  }

  /** wsgi.input: made with the environ; it asks for the signal when its first read begins. */
  input(): GatewayInput {
    return (this.#input ??= requestInput(this.#req, () => this.signal(), this.#onFirstRead))
  }

  /** The response closed: before it finished means the client went away (gateway.signal tells). */
  closed(): void {
    if (!this.#res.writableFinished) this.#ended(new ResponseError('GW-H14', 'The client went away'))
  }

  /** The request ended early: remember why, and abort the signal if anyone holds it. */
  #ended(reason: Error): void {
    if (this.#abortReason) return
    this.#abortReason = reason
    this.#controller?.abort(reason)
  }

  abort(reason: Error): void {
    this.#ended(reason)
    const res = this.#res
    // The application may still write after this answer (through the generic path).
    guardLateWrites(res)
    if (res.writableEnded || res.destroyed) return
    if (!res.headersSent && !(this.#host?.headSent ?? false)) {
      res.shouldKeepAlive = false
      const head = { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' }
      writeServerHead(res, 503, head)
      res.end('503 Service Unavailable\n')
    } else res.destroy()
  }

  /** The request id header for a response head (--request-id-echo), unless the app set one. */
  requestIdHeader(headers: ResponseHeaders): [string, string] | undefined {
    const name = this.#context.requestIdResponseHeader
    if (!name || !this.#requestId || hasHeader(headers, this.#context.requestIdHeader)) {
      return undefined
    }
    return [name, this.#requestId]
  }

  /** The application's startResponse: recorded here until the response goes to the host. */
  #startResponse(status: string, headers: ResponseHeaders, excInfo?: unknown): Write {
    if (this.#hostStartResponse) return this.#hostStartResponse(status, headers, excInfo)
    this.#start.start(status, headers, excInfo)
    this.#status = status
    this.#headers = headers
    // Why made on first use: most applications never call write().
    return (this.#writeFunction ??= (chunk: Uint8Array) => this.#write(chunk))
  }

  /** The application's write(): the generic path handles it (backpressure, ordering, limits). */
  #write(chunk: Uint8Array): Promise<void> {
    if (!this.#hostWrite) this.#handOver(undefined)
    return this.#hostWrite!(chunk)
  }

  #call(environ: Environ): void {
    let result: Body | Promise<Body>
    try {
      // A function expression, not a named const: tsx's keepNames would define its name per request.
      result = this.#context.app(environ, (status, headers, excInfo) =>
        this.#startResponse(status, headers, excInfo),
      )
    } catch (error) {
      this.#returned = true
      if (this.#settle) this.#settle.reject(error)
      else this.#handOver({ error })
      return
    }
    if (isPromise(result)) {
      result.then(
        (body) => this.#returned || this.#settled(body),
        (error: unknown) => this.#returned || this.#failed(error),
      )
    } else this.#settled(result)
  }

  #failed(error: unknown): void {
    this.#returned = true
    if (this.#settle) this.#settle.reject(error)
    else this.#handOver({ error })
  }

  #settled(body: Body): void {
    this.#returned = true
    if (this.#settle) {
      this.#settle.resolve(body)
      return
    }
    if (this.#abortReason) {
      // Nobody to answer (the client left, or the server gave up): close the body, once.
      this.#closeBody(body)
      return
    }
    if (!this.#fastFinish(body)) this.#handOver({ body })
  }

  /**
   * The common case, answered at once: a started response with an array of at most one
   * Uint8Array and no write(). The head mirrors BaseHost's for that case: Content-Length computed
   * (unless 1xx/204, or an empty body for HEAD/304) or the declared one when it matches, Date added, no body for HEAD/1xx/204/304.
   * False when the case does not apply (the generic path then handles it, errors included).
   */
  #fastFinish(body: Body): boolean {
    if (!Array.isArray(body) || body.length > 1 || !this.#start.called) return false
    const chunk = body[0] as unknown
    if (chunk !== undefined && !(chunk instanceof Uint8Array)) return false
    const length = chunk === undefined ? 0 : (chunk as Uint8Array).length
    const status = this.#start.status!
    const code = status.code
    const method = this.environ!.REQUEST_METHOD
    const noBody = method === 'HEAD' || code < 200 || code === 204 || code === 304
    const headers = this.#start.headers!
    const flat: string[] = []
    let declared = false
    let hasDate = false
    for (const [name, value] of headers) {
      if (isHeaderName(name, 'content-length')) {
        // A declared length that is not exactly this body's: the generic path's errors apply.
        if (declared || value.trim() !== String(length)) return false
        declared = true
      } else if (isHeaderName(name, 'date')) hasDate = true
      flat.push(name, value)
    }
    // As BaseHost: no computed length for 1xx/204, nor from an empty body for HEAD or 304.
    const emptyHeadOr304 = chunk === undefined && (method === 'HEAD' || code === 304)
    if (!declared && !(code < 200 || code === 204) && !emptyHeadOr304)
      flat.push('Content-Length', String(length))
    const id = this.requestIdHeader(headers)
    if (id) flat.push(id[0], id[1])
    this.#start.markHeadSent()
    this.responseHeaders = flat
    const res = this.#res
    // node:http adds its own cached Date when the application set none (as BaseHost would).
    res.sendDate = !hasDate
    writeHead(res, code, status.reason, flat)
    if (noBody || length === 0) res.end()
    else res.end(chunk as Uint8Array)
    if (typeof (body as Body).close === 'function') this.#closeBody(body)
    this.#drainInput()
    this.answered = true
    return true
  }

  /** Reads what the application left of the body, so the connection can carry the next request. */
  #drainInput(): void {
    const input = this.#input
    const res = this.#res
    if (input && input.started && !input.ended && !res.destroyed) {
      const req = this.#req
      res.once('finish', () => {
        void input.discard(drainLimit).then((ok) => {
          if (!ok) req.socket?.destroy()
        })
      })
    }
  }

  /**
   * Hands the response to ServeNodeHost, replaying the startResponse call: with the body when
   * the application returned, its error when it threw, or (write() before returning) a promise
   * that settles when it returns.
   */
  #handOver(outcome: { body: Body } | { error: unknown } | undefined): void {
    if (this.#host) return
    const host = new ServeNodeHost(this.#res, this)
    this.#host = host
    const replay: Application = (_environ, startResponse) => {
      this.#hostStartResponse = startResponse
      if (this.#start.called) {
        this.#hostWrite = startResponse(this.#status as string, this.#headers as ResponseHeaders)
      }
      if (outcome === undefined) {
        return new Promise<Body>((resolve, reject) => (this.#settle = { resolve, reject }))
      }
      if ('error' in outcome) throw outcome.error
      return outcome.body
    }
    void host.run(replay, this.environ!).then(() => {
      if (!this.#res.destroyed) this.#drainInput()
    })
  }

  #closeBody(body: Body): void {
    if (typeof body?.close !== 'function') return
    try {
      const closing = body.close()
      if (isPromise(closing)) closing.catch((error: unknown) => this.#log(error))
    } catch (error) {
      this.#log(error)
    }
  }

  #log(error: unknown): void {
    const environ = this.environ!
    const detail = error instanceof Error ? (error.stack ?? String(error)) : String(error)
    try {
      this.#context.errors.write(
        `[gateway] ${environ.REQUEST_METHOD} ${environ.SCRIPT_NAME}${environ.PATH_INFO}: ${detail}\n`,
      )
    } catch {
      // An errors stream that throws must not turn a logged error into a crash.
    }
  }
}

/** BaseHost over a node ServerResponse (the generic path), adding the request id header. */
class ServeNodeHost extends BaseHost {
  protected readonly canChunk = true
  readonly #res: ServerResponse
  readonly #exchange: ServeExchange

  constructor(res: ServerResponse, exchange: ServeExchange) {
    super()
    this.#res = res
    this.#exchange = exchange
    // Writes here may come after the server gave up and answered (--request-timeout).
    guardLateWrites(res)
  }

  protected sendHead(head: ResponseHead): void {
    const res = this.#res
    if (res.destroyed) throw new ResponseError('GW-H14', 'The client went away')
    const flat: string[] = []
    for (const [name, value] of head.headers) flat.push(name, value)
    const id = this.#exchange.requestIdHeader(head.headers)
    if (id) flat.push(id[0], id[1])
    this.#exchange.responseHeaders = flat
    writeHead(res, head.status, head.reason, flat)
    if (head.framing === 'close') res.shouldKeepAlive = false
  }

  protected write(chunk: Uint8Array): Promise<void> {
    return writeWithBackpressure(this.#res, chunk)
  }

  protected end(): void {
    this.#res.end()
  }

  protected abort(): void {
    cutResponse(this.#res)
  }
}

/**
 * Keeps a write after the response ended from crashing the worker: node emits
 * ERR_STREAM_WRITE_AFTER_END as an 'error' event, fatal without a listener. Added only where such
 * a write can happen (the generic path, a response the server answered itself); the common
 * case writes its head and body once, synchronously, and never needs it.
 */
export function guardLateWrites(res: ServerResponse): void {
  if (res.listenerCount('error') === 0) res.on('error', ignoreError)
}

function ignoreError(): void {}

/**
 * `res.writeHead`, leaving out a reason phrase that is node's own for the code: node checks a
 * reason it is given with a regular expression, and takes its own unchecked.
 */
function writeHead(res: ServerResponse, code: number, reason: string, flat: string[]): void {
  if (reason === STATUS_CODES[code]) res.writeHead(code, flat)
  else res.writeHead(code, reason, flat)
}

function hasHeader(headers: ResponseHeaders, lowerName: string): boolean {
  for (const [name] of headers) if (isHeaderName(name, lowerName)) return true
  return false
}

function isPromise<T>(value: unknown): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function'
}
