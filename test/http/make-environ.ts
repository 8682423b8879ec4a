/**
 * Test helper: a real environ (with a real GatewayInput over bytes) and a caller that collects a
 * response, for the http/ and core/ tests. The in-process host replaces it for the test Client.
 */
import type { Application, Environ, GatewayInput } from '../../framework/gateway/index.ts'

export interface EnvironInit {
  method?: string
  /** PATH_INFO as latin-1 "bytes" (already percent-decoded, as a server gives it). */
  pathInfo?: string
  query?: string
  headers?: Record<string, string>
  body?: Uint8Array | string
  /** Declared CONTENT_LENGTH (default: the body's length; null: none, as for a chunked body). */
  contentLength?: string | null
  scheme?: 'http' | 'https'
  errors?: string[]
  extra?: Record<string, unknown>
}

export function bytesInput(data: Uint8Array, chunkSize = 1 << 16): GatewayInput {
  let offset = 0
  const take = (n: number): Uint8Array => {
    const out = data.subarray(offset, offset + n)
    offset += out.byteLength
    return out
  }
  return {
    async read(size?: number) {
      return take(size === undefined || size < 0 ? data.byteLength : Math.min(size, chunkSize))
    },
    async readline(size?: number) {
      const nl = data.indexOf(10, offset)
      const end = nl === -1 ? data.byteLength : nl + 1
      return take(Math.min(end - offset, size ?? Infinity))
    },
    async readlines() {
      const lines: Uint8Array[] = []
      for (;;) {
        const line = await this.readline()
        if (!line.byteLength) return lines
        lines.push(line)
      }
    },
    async *[Symbol.asyncIterator]() {
      for (;;) {
        const c = take(chunkSize)
        if (!c.byteLength) return
        yield c
      }
    },
  }
}

export function makeEnviron(init: EnvironInit = {}): Environ {
  const body =
    typeof init.body === 'string'
      ? new TextEncoder().encode(init.body)
      : (init.body ?? new Uint8Array())
  const errors = init.errors ?? []
  const environ: Environ = {
    REQUEST_METHOD: init.method ?? 'GET',
    SCRIPT_NAME: '',
    PATH_INFO: init.pathInfo ?? '/',
    QUERY_STRING: init.query ?? '',
    SERVER_NAME: 'testserver',
    SERVER_PORT: '80',
    SERVER_PROTOCOL: 'HTTP/1.1',
    REMOTE_ADDR: '127.0.0.1',
    'wsgi.version': [1, 0],
    'wsgi.url_scheme': init.scheme ?? 'http',
    'wsgi.input': bytesInput(body),
    'wsgi.errors': {
      write: (t) => void errors.push(t),
      writelines: (ts) => void errors.push(...ts),
      flush: () => {},
    },
    'wsgi.multithread': false,
    'wsgi.multiprocess': false,
    'wsgi.run_once': false,
    'wsgi.input_terminated': true,
    'gateway.signal': new AbortController().signal,
    HTTP_HOST: 'testserver',
    ...init.extra,
  }
  if (init.contentLength !== null && (body.byteLength || init.contentLength)) {
    environ.CONTENT_LENGTH = init.contentLength ?? String(body.byteLength)
  }
  for (const [name, value] of Object.entries(init.headers ?? {})) {
    const key = name.toUpperCase().replace(/-/g, '_')
    if (key === 'CONTENT_TYPE') environ.CONTENT_TYPE = value
    else environ[`HTTP_${key}`] = value
  }
  return environ
}

export interface Collected {
  status: number
  statusLine: string
  headers: [string, string][]
  header(name: string): string | undefined
  body: Uint8Array
  text: string
  closed: boolean
  errors: string[]
}

export async function callApp(app: Application, init: EnvironInit = {}): Promise<Collected> {
  const errors: string[] = []
  const environ = makeEnviron({ ...init, errors })
  let statusLine = ''
  let headers: [string, string][] = []
  const body = await app(environ, (status, h) => {
    statusLine = status
    headers = h
    return async () => {}
  })
  const chunks: Uint8Array[] = []
  let closed = false
  try {
    for await (const chunk of body as AsyncIterable<Uint8Array>) chunks.push(chunk)
  } finally {
    await body.close?.()
    closed = true
  }
  const bytes = new Uint8Array(Buffer.concat(chunks))
  return {
    status: Number(statusLine.slice(0, 3)),
    statusLine,
    headers,
    header: (name) => headers.find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1],
    body: bytes,
    text: new TextDecoder().decode(bytes),
    closed,
    errors,
  }
}
