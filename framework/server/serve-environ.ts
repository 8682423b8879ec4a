/**
 * @module The environ of one request in a worker: the same keys and values as the gateway's
 * `environFromNodeRequest` (test/server/serve-environ.test.ts compares them), except that
 * `gateway.signal` and `wsgi.input` are made on first use.
 *
 * Why lazily: in Node 20 an AbortController costs about 9 µs and the abort listener wsgi.input
 * puts on its signal about 3 µs more, a quarter of a hello-world request's CPU in a worker, and
 * most requests (a GET whose view never watches for a disconnect) use neither. The two keys are
 * accessor properties of a plain object: reading one makes it (already aborted if the client left
 * before), assigning one replaces it (a middleware may install its own signal), and `{...environ}`
 * copies their values. Everything else is a plain data property.
 */
import type { IncomingMessage } from 'node:http'
import type { TLSSocket } from 'node:tls'
import {
  RequestInput,
  fileWrapper,
  headerEnviron,
  splitHost,
  splitTarget,
  toLatin1,
} from '../gateway/index.ts'
import type {
  Environ,
  GatewayErrors,
  GatewayInput,
  RequestInputOptions,
} from '../gateway/index.ts'

/** What the environ's lazy keys are made from; one per request (the host's exchange). */
export interface LazyEnvironSource {
  /** The request's signal, made on first call (aborted if the request already ended badly). */
  signal(): AbortSignal
  /** wsgi.input, made on first call. */
  input(): GatewayInput
}

/** What every environ of one worker shares. */
export interface EnvironOptions {
  urlScheme: 'http' | 'https'
  errors: GatewayErrors
}

/**
 * Builds the environ for `req`, its lazy keys backed by `source`.
 *
 * @example
 * ```ts
 * const environ = serveEnviron(req, { urlScheme: 'http', errors }, exchange)
 * environ['gateway.signal'] // made now, by exchange.signal()
 * ```
 */
export function serveEnviron(
  req: IncomingMessage,
  options: EnvironOptions,
  source: LazyEnvironSource,
): Environ {
  const socket = req.socket as Partial<TLSSocket> | undefined
  const scheme = options.urlScheme
  const headers = headerEnviron(req.rawHeaders)
  const hostHeader = headers.HTTP_HOST
  const host = hostHeader ? splitHost(hostHeader) : undefined
  const target = splitTarget(req.url ?? '/')
  let signal: AbortSignal | undefined
  let input: GatewayInput | undefined
  // Accessors written as `get`/`set` members, not arrow functions: tsx compiles with esbuild's
  // keepNames, which would define a `name` on every arrow function made per request.
  const environ: Record<string, unknown> = {
    REQUEST_METHOD: req.method ?? 'GET',
    SCRIPT_NAME: target.SCRIPT_NAME,
    PATH_INFO: target.PATH_INFO,
    QUERY_STRING: target.QUERY_STRING,
    SERVER_NAME: host?.name || toLatin1(socket?.localAddress ?? '127.0.0.1'),
    SERVER_PORT:
      host?.port ?? (host ? (scheme === 'https' ? '443' : '80') : String(socket?.localPort ?? 80)),
    SERVER_PROTOCOL: `HTTP/${req.httpVersion}`,
    'wsgi.version': [1, 0] as const,
    'wsgi.url_scheme': scheme,
    get 'wsgi.input'(): GatewayInput {
      return (input ??= source.input())
    },
    set 'wsgi.input'(value: GatewayInput) {
      input = value
    },
    'wsgi.errors': options.errors,
    'wsgi.multithread': false,
    'wsgi.multiprocess': true,
    'wsgi.run_once': false,
    'wsgi.input_terminated': true,
    'wsgi.file_wrapper': fileWrapper,
    get 'gateway.signal'(): AbortSignal {
      return (signal ??= source.signal())
    },
    set 'gateway.signal'(value: AbortSignal) {
      signal = value
    },
  }
  for (const key in headers) environ[key] = headers[key]
  // A socket already torn down has no peer address; the key is then absent, not 'undefined'.
  if (socket?.remoteAddress) environ.REMOTE_ADDR = toLatin1(socket.remoteAddress)
  if (socket?.remotePort !== undefined) environ.REMOTE_PORT = String(socket.remotePort)
  return environ as Environ
}

/**
 * The declared body length of `req` for wsgi.input: CONTENT_LENGTH, else unbounded for a chunked
 * body, else 0 (as environFromNodeRequest decides).
 *
 * @example
 * ```ts
 * new RequestInput(req, { length: bodyLength(req), signal })
 * ```
 */
export function bodyLength(req: IncomingMessage): number | undefined {
  const contentLength = req.headers['content-length']
  if (contentLength !== undefined) return Number(contentLength)
  return /\bchunked\b/i.test(req.headers['transfer-encoding'] ?? '') ? undefined : 0
}

/**
 * wsgi.input over a node request, as environFromNodeRequest makes it.
 *
 * @example
 * ```ts
 * const input = requestInput(req, signal, () => res.writeContinue())
 * ```
 */
export function requestInput(
  req: IncomingMessage,
  signal: AbortSignal,
  onFirstRead: (() => void) | undefined,
): RequestInput {
  const options: RequestInputOptions = { signal }
  const length = bodyLength(req)
  if (length !== undefined) options.length = length
  options.complete = () => req.complete
  if (onFirstRead) options.onFirstRead = onFirstRead
  return new RequestInput(req, options)
}
