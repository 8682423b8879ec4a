/**
 * @module A worker process's server: one node:http (or https) server fed with the connections
 * the primary hands over, the heartbeat, `--request-timeout`, `--max-requests` recycling and the
 * graceful stop.
 *
 * Why one server for every bind: connections arrive as sockets over IPC, already accepted; the
 * server never listens itself, so TCP, IPv6 and unix-socket connections can share it.
 *
 * The graceful stop is what makes reloads lose nothing: a request already read is answered (with
 * `Connection: close`); a keep-alive connection is closed only after it has been idle for a
 * moment, because closing a connection the instant its response ends races with the client's
 * next request, which the client then sees fail.
 */
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import { readFileSync } from 'node:fs'
import type { Socket } from 'node:net'
import type { Environ } from '../gateway/index.ts'
import {
  guardLateWrites,
  type Exchange,
  type HostFactory,
  type RequestListener,
} from './serve-host.ts'
import type { ServeHooks } from './config.ts'
import type { ErrorLog } from './error-log.ts'
import {
  applyServerLimits,
  guardRequest,
  handleClientError,
  nodeServerOptions,
} from './http-limits.ts'
import type { HttpLimits } from './http-limits.ts'
import type { WorkerMessage } from './ipc-messages.ts'
import type { ServeSettings } from './settings.ts'
import { writeServerHead } from './server-response-head.ts'

/** Options of a Worker; everything with a process-wide effect is injected. */
export interface WorkerOptions {
  id: number
  settings: ServeSettings
  hooks?: ServeHooks
  log: ErrorLog
  host: HostFactory
  /** The HTTP limits (from the HTTP-edge module); defaults come from http-limits.ts. */
  limits: HttpLimits
  /** Sends a message to the primary. */
  send: (message: WorkerMessage) => void
  /** Ends the process. */
  exit: (code: number) => void
  /** Memory reading for heartbeats (default process.memoryUsage.rss). */
  rss?: () => number
  /** Called as each request starts (the metrics' in-flight gauge). */
  onStarted?: () => void
  /** Called for each finished request (access log, metrics). */
  onFinished?: (info: FinishedRequest) => void
  /** Wraps each connection before HTTP sees it (PROXY protocol); default: none. */
  acceptConnection?: (socket: Socket, server: Server) => void
}

/** What onFinished receives. */
export interface FinishedRequest {
  req: IncomingMessage
  res: ServerResponse
  environ: Environ | undefined
  startedAt: bigint
  durationNs: bigint
  timedOut: boolean
  /** Response body bytes written (without headers and chunk framing), for `%(b)s`. */
  bodyBytes: number
  /** The header fields the host sent (name, value, ...); undefined when it sent none itself. */
  responseHeaders: readonly string[] | undefined
}

const byteLength = (chunk: unknown): number =>
  typeof chunk === 'string'
    ? Buffer.byteLength(chunk)
    : chunk instanceof Uint8Array
      ? chunk.byteLength
      : 0

/** Counts the body bytes passing through res.write/res.end (the access log's `%(b)s`). */
function countBody(res: ServerResponse): () => number {
  let bytes = 0
  const write = res.write
  const end = res.end
  res.write = function (this: ServerResponse, chunk: unknown, ...rest: unknown[]) {
    bytes += byteLength(chunk)
    return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest)
  } as typeof res.write
  res.end = function (this: ServerResponse, chunk?: unknown, ...rest: unknown[]) {
    if (typeof chunk !== 'function') bytes += byteLength(chunk)
    return (end as (...args: unknown[]) => ServerResponse).call(this, chunk, ...rest)
  } as typeof res.end
  return () => bytes
}

/**
 * The worker's server. `start()` begins the heartbeat, `handleConnection()` takes a socket from
 * the primary, `stop()` drains.
 *
 * @example
 * ```ts
 * const worker = new Worker({ id, settings, log, host, limits, send, exit })
 * worker.start()
 * process.on('message', (m, socket) => worker.handleConnection(socket))
 * ```
 */
export class Worker {
  readonly #o: WorkerOptions
  readonly #server: Server
  readonly #sockets = new Map<Socket, Connection>()
  /**
   * The requests in flight, newest first, linked through their records: adding and removing one
   * is two field writes, where a Set of responses rehashed its table as it went from 0 to 1
   * element and back on every request of a keep-alive connection (callgrind: ~400 instructions).
   */
  #newest: RequestRecord | undefined
  #inFlight = 0
  #requests = 0
  #maxRequests: number
  #retireSent = false
  #draining = false
  #beat?: NodeJS.Timeout
  #drainTimer?: NodeJS.Timeout
  #deadline?: NodeJS.Timeout
  #exited = false
  /** Whether %(b)s needs counting: only with an access log (wrapping res.write is not free). */
  readonly #countBody: boolean
  /** The responses' 'close' listener: one function for every request of this worker. */
  readonly #onClose: (this: RecordHolder) => void

  constructor(options: WorkerOptions) {
    this.#o = options
    const worker = this
    this.#onClose = function onClose(this: RecordHolder): void {
      const request = this[recordKey]
      if (!request) return
      worker.#finished(request, false)
      request.exchange?.closed()
    }
    const s = options.settings
    const serverOptions = nodeServerOptions(options.limits)
    this.#server =
      s.certfile && s.keyfile
        ? createHttpsServer({
            ...serverOptions,
            cert: readFileSync(s.certfile),
            key: readFileSync(s.keyfile),
          })
        : createHttpServer(serverOptions)
    applyServerLimits(this.#server, options.limits)
    const workerId = options.id
    const preRequest = options.hooks?.preRequest
    const listener = options.host((environ) => {
      environ['serve.worker_id'] = workerId
      preRequest?.(environ)
    })
    this.#countBody = options.settings.accesslog !== undefined
    const onRequest = (req: IncomingMessage, res: ServerResponse): void =>
      this.#onRequest(req, res, listener)
    this.#server.on('request', onRequest)
    // Why checkContinue goes to the same listener: the host answers 100 when the app first reads
    // wsgi.input (docs/gateway.md), not node:http before the app ran.
    this.#server.on('checkContinue', onRequest)
    this.#server.on('connection', (socket: Socket) => this.#track(socket))
    // Why the edge's handler and not a bare 400: bytes after a `Connection: close` request raise
    // HPE_CLOSED_CONNECTION while that request's response is still being written; answering
    // them and destroying the socket threw the in-flight response away (fixtures valid/019, 021).
    this.#server.on('clientError', handleClientError)
    const jitter =
      s.maxRequestsJitter > 0 ? Math.floor(Math.random() * (s.maxRequestsJitter + 1)) : 0
    this.#maxRequests = s.maxRequests > 0 ? s.maxRequests + jitter : 0
  }

  /** The node:http server (for tests and hooks). */
  get server(): Server {
    return this.#server
  }

  /** Requests being answered now. */
  get inFlight(): number {
    return this.#inFlight
  }

  /** Requests started so far. */
  get requests(): number {
    return this.#requests
  }

  /** Starts the heartbeat: one message every timeout/4 (at most 1 s apart) proves the event loop still turns. */
  start(): void {
    const timeout = this.#o.settings.timeout
    const every = timeout > 0 ? Math.max(50, Math.min(1000, (timeout * 1000) / 4)) : 1000
    this.#sendBeat()
    this.#beat = setInterval(() => this.#sendBeat(), every)
  }

  #sendBeat(): void {
    this.#o.send({
      t: 'beat',
      rss: (this.#o.rss ?? process.memoryUsage.rss)(),
      requests: this.#requests,
      inFlight: this.#inFlight,
    })
  }

  /** Takes a connection handed over by the primary. */
  handleConnection(socket: Socket): void {
    // What node:http does for the connections it accepts itself (noDelay defaults to true):
    // without it, small responses wait on Nagle's algorithm and the client's delayed ACK.
    socket.setNoDelay?.(true)
    if (this.#draining) {
      // The primary stopped sending before telling us to drain; one may still cross over.
      this.#track(socket)
      socket.setTimeout(1000, () => socket.destroy())
    }
    if (this.#o.acceptConnection) this.#o.acceptConnection(socket, this.#server)
    else this.#server.emit('connection', socket)
    socket.resume()
  }

  #track(socket: Socket): void {
    if (this.#sockets.has(socket)) return
    const connection: Connection = { active: 0, idleSince: Date.now() }
    this.#sockets.set(socket, connection)
    ;(socket as TrackedSocket)[connectionKey] = connection
    socket.once('close', () => {
      this.#sockets.delete(socket)
      this.#maybeExit()
    })
  }

  #onRequest(req: IncomingMessage, res: ServerResponse, listener: RequestListener): void {
    this.#requests++
    const tracked = (req.socket as TrackedSocket | null)?.[connectionKey]
    if (tracked) tracked.active++
    this.#o.onStarted?.()
    if (this.#draining) res.shouldKeepAlive = false
    const request = new RequestRecord(req, res, this.#countBody ? countBody(res) : undefined)
    this.#link(request)
    const timeoutSec = this.#o.settings.requestTimeout
    if (timeoutSec > 0) request.armTimeout(timeoutSec, this.#o.log)
    try {
      if (guardRequest(req, res, this.#o.limits)) request.exchange = listener(req, res)
    } catch (error) {
      this.#o.log.error(`Request handler failed: ${(error as Error).stack ?? String(error)}`)
      if (!res.headersSent) {
        writeServerHead(res, 500, { 'Content-Type': 'text/plain' })
        res.end('Internal Server Error\n')
      } else res.destroy()
    }
    // Most requests are answered during the call (Exchange.answered): their bookkeeping ends
    // now. The others end at the response's 'close', which node emits on a later tick, so a
    // listener added after the call misses nothing; a shared listener finds the record on the
    // response (no closure per request) and also tells the host's exchange (Exchange.closed).
    if (request.exchange?.answered) {
      this.#finished(request, true)
      return
    }
    ;(res as RecordHolder)[recordKey] = request
    res.on('close', this.#onClose)
  }

  /**
   * The request's bookkeeping ends: `answered` when the host ended the response during its call,
   * else at the response's 'close' (before it finished: the client went away or it was cut).
   */
  #finished(request: RequestRecord, answered: boolean): void {
    const { req, res } = request
    clearTimeout(request.timer)
    this.#unlink(request)
    const t = (req.socket as TrackedSocket | null)?.[connectionKey]
    if (t) {
      t.active = Math.max(0, t.active - 1)
      // Only a stopping worker reads idleSince (stop() stamps every connection as it begins).
      if (this.#draining) t.idleSince = Date.now()
    }
    const environ = request.exchange?.environ
    try {
      if (environ) this.#o.hooks?.postRequest?.(environ, res.statusCode)
      if (this.#o.onFinished) {
        this.#o.onFinished({
          req,
          res,
          environ,
          startedAt: request.startedAt,
          durationNs: hrtime.bigint() - request.startedAt,
          timedOut: request.timedOut,
          bodyBytes: request.bodyBytes ? request.bodyBytes() : 0,
          responseHeaders: request.exchange?.responseHeaders,
        })
      }
    } catch (error) {
      this.#o.log.error(`post_request failed: ${(error as Error).message}`)
    }
    if (this.#draining && !answered && !res.writableFinished) req.socket.destroy()
    this.#checkRecycle()
    this.#maybeExit()
  }

  #link(request: RequestRecord): void {
    const newest = this.#newest
    request.older = newest
    if (newest) newest.newer = request
    this.#newest = request
    this.#inFlight++
  }

  /** Takes a request out of the in-flight list; a second call (or one never linked) is a no-op. */
  #unlink(request: RequestRecord): void {
    if (!request.linked) return
    request.linked = false
    const { newer, older } = request
    if (newer) newer.older = older
    else this.#newest = older
    if (older) older.newer = newer
    request.newer = request.older = undefined
    this.#inFlight--
  }

  #checkRecycle(): void {
    if (this.#maxRequests > 0 && this.#requests >= this.#maxRequests && !this.#retireSent) {
      this.#retireSent = true
      this.#o.send({ t: 'retire', reason: `--max-requests ${this.#maxRequests} reached` })
    }
  }

  /**
   * Graceful stop: finish in-flight requests (each answered with Connection: close), close
   * keep-alive connections once idle, exit 0; at --graceful-timeout, cut what is left.
   */
  stop(): void {
    if (this.#draining) return
    this.#draining = true
    for (let r = this.#newest; r; r = r.older) if (!r.res.headersSent) r.res.shouldKeepAlive = false
    // Requests do not stamp their connection's idle time until now (a clock read per request).
    const now = Date.now()
    for (const connection of this.#sockets.values()) connection.idleSince = now
    // Why 250 ms of idleness: the client may be sending its next request on a kept-alive
    // connection right now; waiting a little turns that race into a Connection: close answer.
    this.#drainTimer = setInterval(() => this.#closeIdle(250), 50)
    this.#deadline = setTimeout(() => {
      this.#o.log.warning(
        `Graceful timeout: cutting ${this.#inFlight} request(s) still running`,
      )
      for (const socket of this.#sockets.keys()) socket.destroy()
      this.#exit(0)
    }, this.#o.settings.gracefulTimeout * 1000)
    this.#maybeExit()
  }

  /** Fast stop: close everything now. */
  stopNow(): void {
    for (const socket of this.#sockets.keys()) socket.destroy()
    this.#exit(0)
  }

  #closeIdle(idleMs: number): void {
    const now = Date.now()
    for (const [socket, t] of this.#sockets) {
      if (t.active === 0 && now - t.idleSince >= idleMs) socket.destroy()
    }
    this.#maybeExit()
  }

  #maybeExit(): void {
    if (this.#draining && this.#inFlight === 0 && this.#sockets.size === 0) this.#exit(0)
  }

  #exit(code: number): void {
    if (this.#exited) return
    this.#exited = true
    clearInterval(this.#beat)
    clearInterval(this.#drainTimer)
    clearTimeout(this.#deadline)
    this.#o.exit(code)
  }
}

/** What the worker keeps of a connection: its requests in flight and since when it is idle. */
interface Connection {
  active: number
  /** When it last became idle: stamped while the worker stops (stop() and each request then). */
  idleSince: number
}

/**
 * Where a request finds its connection's record: a property of the socket, not a Map lookup
 * (twice per request); the Map stays for iterating at a stop.
 */
const connectionKey = Symbol('serve.connection')
type TrackedSocket = Socket & { [connectionKey]?: Connection }

/** process.hrtime, read once: a global lookup per request showed in the worker's profile. */
const hrtime = process.hrtime

/** Where a response's 'close' listener finds its request's record. */
const recordKey = Symbol('serve.request')
type RecordHolder = ServerResponse & { [recordKey]?: RequestRecord }

/** The worker's record of one request, from its head to the response's close. */
class RequestRecord {
  readonly startedAt = hrtime.bigint()
  readonly req: IncomingMessage
  readonly res: ServerResponse
  readonly bodyBytes: (() => number) | undefined
  exchange: Exchange | undefined
  timer: NodeJS.Timeout | undefined
  timedOut = false
  /** Neighbours in the worker's in-flight list (Worker.#link); `linked` until taken out. */
  newer: RequestRecord | undefined = undefined
  older: RequestRecord | undefined = undefined
  linked = true

  constructor(req: IncomingMessage, res: ServerResponse, bodyBytes: (() => number) | undefined) {
    this.req = req
    this.res = res
    this.bodyBytes = bodyBytes
  }

  /** --request-timeout: aborts gateway.signal; the host answers 503 or cuts the connection. */
  armTimeout(seconds: number, log: ErrorLog): void {
    this.timer = setTimeout(() => {
      const { req, res } = this
      this.timedOut = true
      log.warning(`Request timeout: ${req.method} ${req.url} ran over ${seconds} s`)
      const reason = new Error(`--request-timeout of ${seconds} s reached`)
      if (this.exchange) {
        this.exchange.abort(reason)
        return
      }
      // Not (yet) in the host's hands (a body still being guarded): answer here.
      guardLateWrites(res)
      if (res.writableEnded || res.destroyed) return
      if (!res.headersSent) {
        res.shouldKeepAlive = false
        const head = { 'Content-Type': 'text/plain; charset=utf-8', 'Retry-After': '1' }
        writeServerHead(res, 503, head)
        res.end(`Service Unavailable: the request ran over --request-timeout (${seconds} s).\n`)
      } else res.destroy()
    }, seconds * 1000)
  }
}

