/**
 * @module The environ of one request in a worker: the same keys and values as the gateway's
 * `environFromNodeRequest` (test/server/serve-environ.test.ts compares them), except that
 * `gateway.signal` is made on first use.
 *
 * Why lazily: in Node 20 the first read of an AbortController's `signal` costs about 2 to 5 µs, a
 * large share of a hello-world request's CPU in a worker, and most requests (a GET whose view
 * never watches for a disconnect) never use it. The key is an accessor property of a plain
 * object, with one getter/setter pair shared by every environ (the request is found through a
 * symbol-keyed property): reading it makes the signal (already aborted if the client left
 * before) and turns the key into a plain value, assigning it replaces it (a middleware may install
 * its own signal), and `{...environ}` copies its value. Everything else is a plain data property.
 *
 * Why wsgi.input is not lazy too: defining an accessor costs about 2,000 instructions (callgrind:
 * `Object.defineProperty` reads the descriptor generically and migrates the object's map), more
 * than making the input, which asks for the signal only when its first read begins.
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
import { rawHeaderValue } from './raw-headers.ts'

/** What the environ's signal and input come from; one per request (the host's exchange). */
export interface LazyEnvironSource {
  /** The request's signal, made on first call (aborted if the request already ended badly). */
  signal(): AbortSignal
  /** wsgi.input, asked for once, as the environ is built. */
  input(): GatewayInput
}

/** What every environ of one worker shares. */
export interface EnvironOptions {
  urlScheme: 'http' | 'https'
  errors: GatewayErrors
}

/** Where an environ's signal accessor finds its request: a symbol, so no string key is taken. */
const lazySource = Symbol('serve.lazySource')

type LazyHolder = Record<string | symbol, unknown> & { [lazySource]: LazyEnvironSource }

/**
 * Turns `gateway.signal` into a plain value: once made (read once, it stays the same object) or
 * replaced (a middleware installing its own signal).
 */
function settleSignal(holder: object, value: unknown): void {
  Object.defineProperty(holder, 'gateway.signal', {
    value,
    writable: true,
    enumerable: true,
    configurable: true,
  })
}

/**
 * The accessor pair of `gateway.signal`, shared by every environ: `function`s, not arrows, since
 * they read the environ as `this`; a spread (`{...environ}`) calls the getter and copies the value.
 */
const signalAccessor: PropertyDescriptor = {
  get(this: LazyHolder): unknown {
    const signal = this[lazySource].signal()
    settleSignal(this, signal)
    return signal
  },
  set(this: LazyHolder, value: unknown) {
    settleSignal(this, value)
  },
  enumerable: true,
  configurable: true,
}

/**
 * Builds the environ for `req`, its input and lazy signal from `source`.
 *
 * @example
 * ```ts
 * const environ = serveEnviron(req, { urlScheme: 'http', errors }, exchange) // calls input()
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
  const target = splitTarget(req.url ?? '/', '', true)
  // Data properties only in the literal: V8 builds an object literal holding accessors on a slow
  // path (about 3 µs against 0.05 µs, with new closures per request). The lazy signal is added
  // below with the accessors shared by every environ, which keeps one hidden-class chain.
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
    'wsgi.input': source.input(),
    'wsgi.errors': options.errors,
    'wsgi.multithread': false,
    'wsgi.multiprocess': true,
    'wsgi.run_once': false,
    'wsgi.input_terminated': true,
    'wsgi.file_wrapper': fileWrapper,
  }
  environ[lazySource] = source
  Object.defineProperty(environ, 'gateway.signal', signalAccessor)
  // As environFromNodeRequest: node's header values are latin-1 strings already.
  addHeaderEnviron(environ as Record<string, unknown>, req.rawHeaders, true)
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
 * body, else 0 (as environFromNodeRequest decides). Read from the raw headers: `req.headers` is
 * built on first use, a cost every request would pay now that the input is made eagerly.
 *
 * @example
 * ```ts
 * new RequestInput(req, { length: bodyLength(req), signal })
 * ```
 */
export function bodyLength(req: IncomingMessage): number | undefined {
  const raw = req.rawHeaders
  const contentLength = rawHeaderValue(raw, 'content-length')
  // node refuses differing repeats; like req.headers, the first one counts.
  if (contentLength !== undefined) return Number(contentLength.split(',', 1)[0])
  const encoding = rawHeaderValue(raw, 'transfer-encoding')
  return encoding !== undefined && /\bchunked\b/i.test(encoding) ? undefined : 0
}

/**
 * wsgi.input over a node request, as environFromNodeRequest makes it. `signal` may be a function:
 * it is then called when the first read begins (RequestInputOptions.signal).
 *
 * @example
 * ```ts
 * const input = requestInput(req, () => exchange.signal(), () => res.writeContinue())
 * ```
 */
export function requestInput(
  req: IncomingMessage,
  signal: AbortSignal | (() => AbortSignal),
  onFirstRead: (() => void) | undefined,
): RequestInput {
  const options: RequestInputOptions = { length: bodyLength(req), signal, onFirstRead }
  // Assigned, not written in the literal: tsx's keepNames would name an arrow in a literal
  // ('complete') with Object.defineProperty, per request, turning its map into a dictionary.
  options.complete = () => req.complete
  return new RequestInput(req, options)
}
