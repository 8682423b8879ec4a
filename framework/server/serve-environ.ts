/**
 * @module The environ of one request in a worker: the same keys and values as the gateway's
 * `environFromNodeRequest` (test/server/serve-environ.test.ts compares them), except that
 * `gateway.signal` and `wsgi.input` are made on first use.
 *
 * Why lazily: in Node 20 the first read of an AbortController's `signal` costs about 5 µs and
 * the abort listener wsgi.input puts on it more, a large share of a hello-world request's CPU in a
 * worker, and most requests (a GET whose view never watches for a disconnect) use neither. The two
 * keys are accessor properties of a plain object, with one getter/setter pair shared by every
 * environ (the request is found through a symbol-keyed property): reading one makes it (already
 * aborted if the client left before) and turns the key into a plain value, assigning one replaces
 * it (a middleware may install its own signal), and `{...environ}` copies their values. Everything
 * else is a plain data property.
 */
import type { IncomingMessage } from 'node:http'
import type { TLSSocket } from 'node:tls'
import {
  RequestInput,
  fileWrapper,
  addHeaderEnviron,
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

/** Where an environ's lazy keys find their request: a symbol, so no string key is taken. */
const lazySource = Symbol('serve.lazySource')

type LazyHolder = Record<string | symbol, unknown> & { [lazySource]: LazyEnvironSource }

/**
 * Turns a lazy key into a plain value: once made (read once, it stays the same object) or
 * replaced (a middleware installing its own signal or input).
 */
function assign(holder: object, key: string, value: unknown): void {
  Object.defineProperty(holder, key, { value, writable: true, enumerable: true, configurable: true })
}

/**
 * The accessor pair of lazy key `key`, made once and shared by every environ: `function`s, not
 * arrows, since they read the environ as `this`; a spread (`{...environ}`) calls the getter and
 * copies the value.
 */
function lazyAccessor(key: string, make: (source: LazyEnvironSource) => unknown): PropertyDescriptor {
  return {
    get(this: LazyHolder): unknown {
      const value = make(this[lazySource])
      assign(this, key, value)
      return value
    },
    set(this: LazyHolder, value: unknown) {
      assign(this, key, value)
    },
    enumerable: true,
    configurable: true,
  }
}

const inputAccessor = lazyAccessor('wsgi.input', (source) => source.input())
const signalAccessor = lazyAccessor('gateway.signal', (source) => source.signal())

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
  const target = splitTarget(req.url ?? '/')
  // Data properties only in the literal: V8 builds an object literal holding accessors on a slow
  // path (about 3 µs against 0.05 µs, with four new closures per request). The two lazy keys are
  // added below with accessors shared by every environ, which keeps one hidden-class chain.
  const environ: Record<string | symbol, unknown> = {
    REQUEST_METHOD: req.method ?? 'GET',
    SCRIPT_NAME: target.SCRIPT_NAME,
    PATH_INFO: target.PATH_INFO,
    QUERY_STRING: target.QUERY_STRING,
    SERVER_NAME: '',
    SERVER_PORT: '',
    SERVER_PROTOCOL: protocolName(req.httpVersion),
    'wsgi.version': [1, 0] as const,
    'wsgi.url_scheme': scheme,
    'wsgi.errors': options.errors,
    'wsgi.multithread': false,
    'wsgi.multiprocess': true,
    'wsgi.run_once': false,
    'wsgi.input_terminated': true,
    'wsgi.file_wrapper': fileWrapper,
  }
  environ[lazySource] = source
  Object.defineProperty(environ, 'wsgi.input', inputAccessor)
  Object.defineProperty(environ, 'gateway.signal', signalAccessor)
  addHeaderEnviron(environ as Record<string, unknown>, req.rawHeaders)
  const hostHeader = environ.HTTP_HOST as string | undefined
  const host = hostHeader ? splitHost(hostHeader) : undefined
  environ.SERVER_NAME = host?.name || toLatin1(socket?.localAddress ?? '127.0.0.1')
  environ.SERVER_PORT =
    host?.port ?? (host ? (scheme === 'https' ? '443' : '80') : String(socket?.localPort ?? 80))
  const peer = socket ? peerOf(socket) : undefined
  // A socket already torn down has no peer address; the key is then absent, not 'undefined'.
  if (peer?.address) environ.REMOTE_ADDR = peer.address
  if (peer?.port !== undefined) environ.REMOTE_PORT = peer.port
  return environ as unknown as Environ
}

/** `SERVER_PROTOCOL` for node's `httpVersion`: the two common ones without building a string. */
function protocolName(version: string): string {
  return version === '1.1' ? 'HTTP/1.1' : version === '1.0' ? 'HTTP/1.0' : `HTTP/${version}`
}

/** REMOTE_ADDR and REMOTE_PORT of a connection, as environ strings. */
interface Peer {
  address: string | undefined
  port: string | undefined
}

const peerKey = Symbol('serve.peer')
type PeerHolder = Partial<TLSSocket> & { [peerKey]?: Peer }

/**
 * The peer of `socket`, worked out once per connection: a keep-alive connection carries many
 * requests from the same peer. Not remembered while the address is unknown (a socket torn down).
 */
function peerOf(socket: PeerHolder): Peer {
  const known = socket[peerKey]
  if (known) return known
  const address = socket.remoteAddress
  const port = socket.remotePort
  const peer: Peer = {
    address: address ? toLatin1(address) : undefined,
    port: port !== undefined ? String(port) : undefined,
  }
  if (address) socket[peerKey] = peer
  return peer
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
