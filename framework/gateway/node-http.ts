/**
 * @module The node:http host: `toNodeListener(app)` is a `(req, res)` listener for node:http and
 * node:https servers (and Express/Fastify's raw objects). `environFromNodeRequest` builds the
 * environ from an IncomingMessage; `serve` reuses it. `attachNodeListener` mounts the listener
 * for both 'request' and 'checkContinue', so `Expect: 100-continue` is answered only when the
 * application first reads wsgi.input.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { TLSSocket } from 'node:tls'
import type { Application, Environ, GatewayErrors, GatewayInput } from './contract.ts'
import { ErrorsStream } from './errors-stream.ts'
import { fileWrapper } from './file-wrapper.ts'
import { BaseHost, ResponseError } from './handler.ts'
import type { BaseHostOptions, ResponseHead } from './handler.ts'
import { RequestInput } from './input.ts'
import { percentDecodeLatin1, toLatin1 } from './latin1.ts'

/** How `environFromNodeRequest` builds an environ. */
export interface NodeEnvironOptions {
  /** `wsgi.url_scheme`; default 'https' on a TLS socket, else 'http'. */
  urlScheme?: 'http' | 'https'
  /** The mount point: a path prefix moved from PATH_INFO to SCRIPT_NAME (e.g. '/app'). */
  scriptName?: string
  /** `wsgi.multiprocess` (default false). */
  multiprocess?: boolean
  /** `wsgi.errors` (default: an ErrorsStream on process.stderr). */
  errors?: GatewayErrors
  /** `gateway.signal` (default: a signal that never fires; hosts pass their own). */
  signal?: AbortSignal
  /** Called once when the application first reads wsgi.input (the host sends 100 Continue). */
  onFirstRead?: () => void
  /** Replaces the wsgi.input built over `req`. */
  input?: GatewayInput
}

/** Options of `toNodeListener`. */
export interface NodeListenerOptions extends BaseHostOptions {
  /** `wsgi.url_scheme`; default 'https' on a TLS socket, else 'http'. */
  urlScheme?: 'http' | 'https'
  /** The mount point moved from PATH_INFO to SCRIPT_NAME (e.g. '/app'). */
  scriptName?: string
  /** `wsgi.multiprocess` (default false). */
  multiprocess?: boolean
  /** `wsgi.errors` (default: an ErrorsStream on process.stderr). */
  errors?: GatewayErrors
  /**
   * Called with each environ before the application runs, to add keys (`serve.*`, proxy-derived
   * `gateway.client_addr`, ...). It may replace `gateway.signal` with one that also fires when
   * the server gives up (a request timeout): the host then answers 503 if nothing was sent yet.
   */
  environ?: (environ: Environ, req: IncomingMessage) => void
  /** Unread request body bytes drained after the response for keep-alive (default 1 MiB). */
  drainLimit?: number
}

/**
 * The environ's header keys for a node `rawHeaders` list: one `HTTP_*` key per header (repeats
 * joined with ', ', Cookie with '; '), CONTENT_TYPE/CONTENT_LENGTH without an HTTP_ twin, and
 * names holding '_' dropped so `Foo_Bar` cannot pose as `Foo-Bar`.
 *
 * @example
 * ```ts
 * import { headerEnviron } from 'framework/gateway'
 *
 * headerEnviron(['Accept', 'text/html', 'X-Id', '1', 'x-id', '2'])
 * // { HTTP_ACCEPT: 'text/html', HTTP_X_ID: '1, 2' }
 * ```
 */
export function headerEnviron(rawHeaders: readonly string[]): Record<string, string> {
  return addHeaderEnviron({}, rawHeaders)
}

/**
 * Adds the header keys of `rawHeaders` to `target` (as headerEnviron builds them) and returns it:
 * a host writes them straight into the environ instead of copying them from a second object.
 * `target` must not hold HTTP_* or CONTENT_* keys already (they would be merged as repeats).
 * `valuesAreLatin1` skips the latin-1 check of each value: true for node's `rawHeaders`, whose
 * parser makes every header a latin-1 string (one code unit per byte).
 *
 * @example
 * ```ts
 * const environ = addHeaderEnviron({ REQUEST_METHOD: 'GET' }, req.rawHeaders, true)
 * ```
 */
export function addHeaderEnviron<T extends Record<string, unknown>>(
  target: T,
  rawHeaders: readonly string[],
  valuesAreLatin1 = false,
): T & Record<string, string> {
  const result = target as Record<string, unknown>
  // Why repeats are found in this list and not by reading result[key]: a key the environ does
  // not hold yet is a slow generic lookup, paid for every header of every request, where the
  // keys come from environKeys and so compare by identity.
  const seen = seenKeys
  let seenCount = 0
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const key = environKey(rawHeaders[i]!)
    if (key === undefined) continue
    const raw = rawHeaders[i + 1]!
    const value = valuesAreLatin1 ? raw : toLatin1(raw)
    let repeat = false
    for (let j = 0; j < seenCount; j++) {
      if (seen[j] === key) {
        repeat = true
        break
      }
    }
    if (!repeat) {
      seen[seenCount++] = key
      result[key] = value
    } else if (key !== 'CONTENT_LENGTH') {
      // node refuses differing Content-Length repeats; like req.headers, the first one counts.
      result[key] = `${result[key] as string}${key === 'HTTP_COOKIE' ? '; ' : ', '}${value}`
    }
  }
  return result as T & Record<string, string>
}

/**
 * addHeaderEnviron's keys added so far, reused by every call (it is synchronous); written over,
 * never emptied, so it keeps its size and nothing is allocated per request.
 */
const seenKeys: string[] = []

/**
 * Environ keys by header name as sent. Why a cache: building `HTTP_${...}` anew for every header
 * of every request made a fresh string the engine had to look up again as a property key; the
 * same few dozen names arrive on every request. Bounded, so a client inventing names cannot grow it.
 */
const environKeys = new Map<string, string | undefined>()
const environKeysLimit = 1024

/** The environ key for a header name, undefined for a name holding '_' (dropped). */
function environKey(name: string): string | undefined {
  const cached = environKeys.get(name)
  if (cached !== undefined || environKeys.has(name)) return cached
  const lower = name.toLowerCase()
  const key = lower.includes('_')
    ? undefined
    : lower === 'content-type'
      ? 'CONTENT_TYPE'
      : lower === 'content-length'
        ? 'CONTENT_LENGTH'
        : `HTTP_${lower.toUpperCase().replaceAll('-', '_')}`
  if (environKeys.size < environKeysLimit) environKeys.set(name, key)
  return key
}

/**
 * Splits a request target into latin-1 SCRIPT_NAME/PATH_INFO (percent-decoded, bytes as code
 * units) and the raw QUERY_STRING. Handles absolute-form targets and a mount point.
 * `targetIsLatin1` skips the latin-1 check: true for node's `req.url`, which its parser makes a
 * latin-1 string.
 *
 * @example
 * ```ts
 * import { splitTarget } from 'framework/gateway'
 *
 * splitTarget('/app/caf%C3%A9?x=1', '/app')
 * // { SCRIPT_NAME: '/app', PATH_INFO: '/caf\u00c3\u00a9', QUERY_STRING: 'x=1' }
 * ```
 */
export function splitTarget(
  target: string,
  scriptName = '',
  targetIsLatin1 = false,
): { SCRIPT_NAME: string; PATH_INFO: string; QUERY_STRING: string } {
  let rest = targetIsLatin1 ? target : toLatin1(target)
  // Origin-form ('/path?query') is almost every request: only other forms need the pattern.
  const absolute = rest.charCodeAt(0) === 0x2f ? null : /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/.exec(rest)
  if (absolute) rest = rest.slice(absolute[0].length) || '/'
  // One pass over the path finds where it ends ('?' or '#') and whether it holds an escape: a
  // string search per character ('#', '?', '%') was a builtin call each, for every request.
  const length = rest.length
  let end = 0
  let escaped = false
  for (; end < length; end++) {
    const code = rest.charCodeAt(end)
    if (code === 0x3f || code === 0x23) break
    if (code === 0x25) escaped = true
  }
  const rawPath = end === length ? rest : rest.slice(0, end)
  let query = ''
  if (end < length && rest.charCodeAt(end) === 0x3f) {
    const hash = rest.indexOf('#', end + 1)
    query = hash < 0 ? rest.slice(end + 1) : rest.slice(end + 1, hash)
  }
  const path = escaped ? percentDecodeLatin1(rawPath) : rawPath
  const mount = scriptName === '' ? '' : scriptName.replace(/\/+$/, '')
  if (mount && (path === mount || path.startsWith(`${mount}/`))) {
    return { SCRIPT_NAME: mount, PATH_INFO: path.slice(mount.length), QUERY_STRING: query }
  }
  return { SCRIPT_NAME: '', PATH_INFO: path, QUERY_STRING: query }
}

/**
 * Splits a Host header value into a lower-cased name and the port, if any (IPv6 literals keep
 * their brackets).
 *
 * @example
 * ```ts
 * import { splitHost } from 'framework/gateway'
 *
 * splitHost('[::1]:8080') // { name: '[::1]', port: '8080' }
 * ```
 */
export function splitHost(host: string): { name: string; port: string | undefined } {
  const known = splitHosts.get(host)
  if (known) return known
  const match = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(host.trim())
  const parts = Object.freeze(
    match
      ? { name: match[1]!.toLowerCase(), port: match[2] || undefined }
      : { name: host.trim(), port: undefined },
  )
  if (splitHosts.size < splitHostsLimit) splitHosts.set(host, parts)
  return parts
}

/**
 * Host headers already split. Why: a server sees the same few Host values on every request;
 * bounded, so a client sending a new one each time cannot grow it.
 */
const splitHosts = new Map<string, { name: string; port: string | undefined }>()
const splitHostsLimit = 256

/**
 * The environ for a node request: CGI keys (SERVER_NAME/PORT from the Host header or the local
 * socket, REMOTE_ADDR/PORT the peer), latin-1 PATH_INFO, raw QUERY_STRING, one HTTP_* key per
 * header, and the wsgi.* and gateway.* keys. wsgi.input reads the (de-chunked) body lazily.
 *
 * @example
 * ```ts
 * import { environFromNodeRequest } from 'framework/gateway'
 *
 * createServer((req, res) => {
 *   const environ = environFromNodeRequest(req, { multiprocess: true })
 *   res.end(environ.PATH_INFO)
 * })
 * ```
 */
export function environFromNodeRequest(
  req: IncomingMessage,
  options: NodeEnvironOptions = {},
): Environ {
  const socket = req.socket as Partial<TLSSocket> | undefined
  const scheme = options.urlScheme ?? (socket?.encrypted ? 'https' : 'http')
  // node's parser makes req.url and every header value latin-1 strings: no check needed.
  const headers = addHeaderEnviron({}, req.rawHeaders, true)
  const hostHeader = headers.HTTP_HOST
  const host = hostHeader ? splitHost(hostHeader) : undefined
  const serverName = host?.name || toLatin1(socket?.localAddress ?? '127.0.0.1')
  const serverPort =
    host?.port ?? (host ? (scheme === 'https' ? '443' : '80') : String(socket?.localPort ?? 80))
  const chunked = /\bchunked\b/i.test(req.headers['transfer-encoding'] ?? '')
  const contentLength = headers.CONTENT_LENGTH
  const length = contentLength !== undefined ? Number(contentLength) : chunked ? undefined : 0
  const signal = options.signal ?? new AbortController().signal
  const input =
    options.input ??
    new RequestInput(req, {
      ...(length !== undefined ? { length } : {}),
      signal,
      complete: () => req.complete,
      ...(options.onFirstRead ? { onFirstRead: options.onFirstRead } : {}),
    })
  const environ: Record<string, unknown> = {
    REQUEST_METHOD: req.method ?? 'GET',
    ...splitTarget(req.url ?? '/', options.scriptName, true),
    SERVER_NAME: serverName,
    SERVER_PORT: serverPort,
    SERVER_PROTOCOL: `HTTP/${req.httpVersion}`,
    ...headers,
    'wsgi.version': [1, 0] as const,
    'wsgi.url_scheme': scheme,
    'wsgi.input': input,
    'wsgi.errors': options.errors ?? new ErrorsStream(process.stderr),
    'wsgi.multithread': false,
    'wsgi.multiprocess': options.multiprocess ?? false,
    'wsgi.run_once': false,
    'wsgi.input_terminated': true,
    'wsgi.file_wrapper': fileWrapper,
    'gateway.signal': signal,
  }
  // A socket already torn down has no peer address; the key is then absent, not 'undefined'.
  if (socket?.remoteAddress) environ.REMOTE_ADDR = toLatin1(socket.remoteAddress)
  if (socket?.remotePort !== undefined) environ.REMOTE_PORT = String(socket.remotePort)
  return environ as Environ
}

/**
 * Mounts a listener on a node:http(s) server for both 'request' and 'checkContinue', so the
 * host, not node, decides when to send `100 Continue` (when the application first reads).
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http'
 * import { attachNodeListener, toNodeListener } from 'framework/gateway'
 *
 * const server = attachNodeListener(createServer(), toNodeListener(application))
 * server.listen(8000)
 * ```
 */
export function attachNodeListener<S extends Server>(
  server: S,
  listener: (req: IncomingMessage, res: ServerResponse) => void,
): S {
  server.on('request', listener)
  server.on('checkContinue', listener)
  return server
}

/**
 * A node:http request listener that runs `app` per request through the base algorithm, with
 * backpressure on `res.write`, `gateway.signal` aborted when the client goes away, and
 * `res.writeContinue()` on the first read of wsgi.input for `Expect: 100-continue` (mount it on
 * 'checkContinue' too: `attachNodeListener`).
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http'
 * import { toNodeListener } from 'framework/gateway'
 *
 * const listener = toNodeListener(application, { multiprocess: false })
 * createServer(listener).on('checkContinue', listener).listen(8000)
 * ```
 */
export function toNodeListener(
  app: Application,
  options: NodeListenerOptions = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  const { environ: hook, drainLimit = 1_048_576, ...rest } = options
  const errors = rest.errors ?? new ErrorsStream(process.stderr)
  return (req, res) => {
    const controller = new AbortController()
    const expectsContinue =
      req.httpVersion === '1.1' && /^\s*100-continue\s*$/i.test(req.headers.expect ?? '')
    const environ = environFromNodeRequest(req, {
      ...rest,
      errors,
      signal: controller.signal,
      onFirstRead: () => {
        // node answered 100 itself when no 'checkContinue' listener was mounted (_sent100).
        const sent100 = (res as unknown as { _sent100?: boolean })._sent100 === true
        if (expectsContinue && !sent100 && !res.headersSent && !res.destroyed) res.writeContinue()
      },
    })
    res.on('close', () => {
      if (!res.writableFinished)
        controller.abort(new ResponseError('GW-H14', 'The client went away'))
    })
    req.on('error', () => {
      // An aborted upload: reported through wsgi.input and the signal, never as a crash.
    })
    const host = new NodeHost(res, rest)
    try {
      hook?.(environ, req)
    } catch (error) {
      errors.write(
        `[gateway] the environ hook failed: ${error instanceof Error ? error.stack : String(error)}\n`,
      )
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' })
      res.end('500 Internal Server Error\n')
      return
    }
    const signal = environ['gateway.signal']
    if (signal !== controller.signal && signal instanceof AbortSignal) {
      // The server gave up (a timeout through the hook's own signal): 503 if nothing went out.
      signal.addEventListener(
        'abort',
        () => {
          if (res.writableEnded || res.destroyed) return
          if (!res.headersSent && !host.headSent) {
            res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' })
            res.end('503 Service Unavailable\n')
          } else res.destroy()
        },
        { once: true },
      )
    }
    void host.run(app, environ).then(() => {
      const input = environ['wsgi.input']
      if (input instanceof RequestInput && input.started && !input.ended && !res.destroyed) {
        // Read what the application left, so the connection can carry the next request.
        res.once('finish', () => {
          void input.discard(drainLimit).then((ok) => {
            if (!ok) req.socket?.destroy()
          })
        })
      }
    })
  }
}

/** BaseHost over a node ServerResponse. */
class NodeHost extends BaseHost {
  protected readonly canChunk = true
  readonly #res: ServerResponse

  constructor(res: ServerResponse, options: BaseHostOptions) {
    super(options)
    this.#res = res
    // The base adds Date itself (once, and only when the application set none).
    res.sendDate = false
  }

  protected sendHead(head: ResponseHead): void {
    const res = this.#res
    if (res.destroyed) throw new ResponseError('GW-H14', 'The client went away')
    const flat: string[] = []
    for (const [name, value] of head.headers) flat.push(name, value)
    res.writeHead(head.status, head.reason, flat)
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
 * Writes one chunk to a ServerResponse and resolves when the socket accepted it: at once when it
 * fit in the buffer, else on 'drain'. Rejects with `GW-H14` when the client went away, so a host
 * pulls the next chunk only after the last one left (bounded memory for slow clients).
 *
 * @example
 * ```ts
 * import { writeWithBackpressure } from 'framework/gateway'
 *
 * for await (const chunk of body) await writeWithBackpressure(res, chunk)
 * ```
 */
export function writeWithBackpressure(res: ServerResponse, chunk: Uint8Array): Promise<void> {
  if (res.destroyed || res.writableEnded) {
    return Promise.reject(new ResponseError('GW-H14', 'The client went away'))
  }
  if (res.write(chunk)) return Promise.resolve()
  return new Promise((resolve, reject) => {
    const onDrain = (): void => {
      res.off('close', onClose)
      resolve()
    }
    const onClose = (): void => {
      res.off('drain', onDrain)
      reject(new ResponseError('GW-H14', 'The client went away'))
    }
    res.once('drain', onDrain)
    res.once('close', onClose)
  })
}

/**
 * Cuts a response's connection after the bytes already accepted reached the socket, so the
 * client sees a truncated response rather than none. node corks a response's writes until the
 * next tick, and destroying at once would drop them; a slow client gets at most 2 s to take them.
 *
 * @example
 * ```ts
 * import { cutResponse } from 'framework/gateway'
 *
 * cutResponse(res) // the client sees an incomplete body, never a complete-looking one
 * ```
 */
export function cutResponse(res: ServerResponse): void {
  if (res.destroyed) return
  const destroy = () => {
    clearTimeout(timer)
    res.destroy()
  }
  const timer = setTimeout(destroy, 2000)
  timer.unref()
  setImmediate(() => {
    const socket = res.socket
    if (!socket || socket.destroyed || socket.writableLength === 0) destroy()
    // An empty write's callback runs once everything queued before it was flushed.
    else socket.write(new Uint8Array(0), destroy)
  })
}
