/**
 * @module The in-process host: runs an application on a request described as plain data, with
 * no socket, through the same base algorithm as every other host. The framework's test Client
 * is built on `callApplication`.
 */
import type { Application, Environ, ResponseHeaders } from './contract.ts'
import { ErrorsStream } from './errors-stream.ts'
import { BaseHost } from './handler.ts'
import type { BaseHostOptions, ResponseHead } from './handler.ts'
import { RequestInput } from './input.ts'
import { headerEnviron, splitHost, splitTarget } from './node-http.ts'
import { setupTestingDefaults } from './testing-defaults.ts'

/** A request for `callApplication`. Every field is optional. */
export interface InProcessRequest {
  /** The method (default 'GET'). */
  method?: string
  /** The target: path, optionally `?query` (percent-encoded as on the wire). Default '/'. */
  path?: string
  /** Request headers, as a record or as ordered pairs (repeats allowed). */
  headers?: Record<string, string> | [string, string][]
  /** The body: bytes, or text sent as UTF-8. Sets CONTENT_LENGTH unless a header does. */
  body?: Uint8Array | string
  /** `wsgi.url_scheme` (default 'http'). */
  scheme?: 'http' | 'https'
  /** REMOTE_ADDR (default '127.0.0.1'). */
  remoteAddr?: string
  /** SERVER_NAME when no Host header is given (default 'testserver'). */
  serverName?: string
  /** SERVER_PORT (default from the Host header, else 80/443). */
  serverPort?: string | number
  /** The mount point, moved from PATH_INFO to SCRIPT_NAME. */
  scriptName?: string
  /** SERVER_PROTOCOL (default 'HTTP/1.1'). */
  protocol?: string
  /** Extra environ keys, applied last (they win). */
  environ?: Record<string, unknown>
  /** Fires `gateway.signal`, as a client going away would. */
  signal?: AbortSignal
}

/** What `callApplication` returns. */
export interface InProcessResponse {
  /** The status code, e.g. 200. */
  status: number
  /** The reason phrase, e.g. 'OK'. */
  statusText: string
  /** The response headers, in order, as sent (Date and computed Content-Length included). */
  headers: ResponseHeaders
  /** The body bytes (for HEAD, 204, 304 and 1xx: empty). */
  body: Uint8Array
  /** True when a real host would have cut the connection (error after the head, wrong length). */
  aborted: boolean
  /** What the application and host wrote to wsgi.errors. */
  errors: string
  /** The environ the application was called with. */
  environ: Environ
  /** The first header value for `name` (case-insensitive), or undefined. */
  header(name: string): string | undefined
  /** The body decoded as UTF-8. */
  text(): string
  /** The body parsed as JSON. */
  json<T = unknown>(): T
}

/**
 * Runs `app` on `request` without sockets and returns the whole response.
 *
 * @example
 * ```ts
 * import { callApplication } from 'framework/gateway'
 *
 * const response = await callApplication(application, {
 *   method: 'POST',
 *   path: '/items?draft=1',
 *   headers: { 'Content-Type': 'application/json' },
 *   body: JSON.stringify({ name: 'x' }),
 * })
 * response.status // 201
 * response.json() // { id: 1 }
 * ```
 */
export async function callApplication(
  app: Application,
  request: InProcessRequest = {},
  options: BaseHostOptions = {},
): Promise<InProcessResponse> {
  const environ = environForRequest(request)
  const host = new InProcessHost(options)
  await host.run(app, environ)
  const body = concat(host.chunks)
  const errors = environ['wsgi.errors']
  const head = host.head
  const headers = head?.headers ?? []
  return {
    status: head?.status ?? 0,
    statusText: head?.reason ?? '',
    headers,
    body,
    aborted: host.aborted,
    errors: errors instanceof ErrorsStream ? errors.text : '',
    environ,
    header: (name) => headers.find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1],
    text: () => new TextDecoder().decode(body),
    json: <T>() => JSON.parse(new TextDecoder().decode(body)) as T,
  }
}

function environForRequest(request: InProcessRequest): Environ {
  const pairs = Array.isArray(request.headers)
    ? request.headers
    : Object.entries(request.headers ?? {})
  const rawHeaders = pairs.flat()
  const bodyBytes =
    typeof request.body === 'string' ? new TextEncoder().encode(request.body) : request.body
  const headerKeys = headerEnviron(rawHeaders)
  if (bodyBytes !== undefined && headerKeys.CONTENT_LENGTH === undefined) {
    headerKeys.CONTENT_LENGTH = String(bodyBytes.length)
  }
  const scheme = request.scheme ?? 'http'
  const host = headerKeys.HTTP_HOST ? splitHost(headerKeys.HTTP_HOST) : undefined
  const serverName = host?.name || request.serverName || 'testserver'
  const serverPort = String(request.serverPort ?? host?.port ?? (scheme === 'https' ? '443' : '80'))
  const declared = headerKeys.CONTENT_LENGTH
  const chunks = bodyBytes && bodyBytes.length > 0 ? [bodyBytes] : []
  const signal = request.signal ?? new AbortController().signal
  const environ: Record<string, unknown> = {
    REQUEST_METHOD: request.method ?? 'GET',
    ...splitTarget(request.path ?? '/', request.scriptName),
    SERVER_NAME: serverName,
    SERVER_PORT: serverPort,
    SERVER_PROTOCOL: request.protocol ?? 'HTTP/1.1',
    REMOTE_ADDR: request.remoteAddr ?? '127.0.0.1',
    REMOTE_PORT: '50000',
    HTTP_HOST: request.serverPort !== undefined ? `${serverName}:${serverPort}` : serverName,
    ...headerKeys,
    'wsgi.url_scheme': scheme,
    'wsgi.input': new RequestInput(fromArray(chunks), {
      ...(declared !== undefined ? { length: Number(declared) } : {}),
      signal,
    }),
    'gateway.signal': signal,
    ...request.environ,
  }
  return setupTestingDefaults(environ)
}

async function* fromArray(chunks: Uint8Array[]): AsyncGenerator<Uint8Array> {
  yield* chunks
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0)
  const result = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    result.set(chunk, offset)
    offset += chunk.length
  }
  return result
}

/** BaseHost into memory. */
class InProcessHost extends BaseHost {
  protected readonly canChunk = true
  head: ResponseHead | undefined
  chunks: Uint8Array[] = []
  aborted = false

  protected sendHead(head: ResponseHead): void {
    this.head = head
  }

  protected async write(chunk: Uint8Array): Promise<void> {
    // A copy: the application may reuse its buffer once write() resolved.
    this.chunks.push(chunk.slice())
  }

  protected end(): void {}

  protected abort(): void {
    this.aborted = true
  }
}
