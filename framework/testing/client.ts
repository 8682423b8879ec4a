/**
 * @module The test Client: requests to an Application in process (no socket), with Django's
 * conveniences: cookies kept between requests, `follow` for redirects, and the response's
 * template name and context for assertions.
 */
import type { Application, Environ, GatewayInput } from '../gateway/index.ts'
import { validator } from '../gateway/index.ts'
import type { HttpResponseBase } from '../http/index.ts'

/** A file to upload with `client.post(path, { field: file })`. */
export interface ClientFile {
  filename: string
  content: string | Uint8Array
  contentType?: string
}

/** Form data: strings, numbers, files, or lists of them. */
export type ClientData = Record<string, string | number | boolean | ClientFile | (string | number | ClientFile)[]>

/** Options of one request. */
export interface RequestOptions {
  /** Extra request headers, e.g. `{ 'Accept-Language': 'fr' }`. */
  headers?: Record<string, string>
  /** Follow redirects (up to 20) and record them in `redirectChain`. */
  follow?: boolean
  /** The Content-Type of a string or bytes body (default for objects: multipart/form-data). */
  contentType?: string
  /** Use HTTPS (`wsgi.url_scheme`). */
  secure?: boolean
}

/** What the Client returns. */
export interface ClientResponse {
  status: number
  statusText: string
  headers: { get(name: string): string | undefined; getAll(name: string): string[]; list: [string, string][] }
  content: Uint8Array
  text: string
  json(): unknown
  /** The template a view rendered (render(), TemplateView), if any. */
  templateName: string | undefined
  /** The context the template got. */
  context: Record<string, unknown> | undefined
  /** The framework response object, for anything else. */
  response: HttpResponseBase | undefined
  /** Each redirect followed: [url, status]. */
  redirectChain: [string, number][]
  /** The path (with query) of the last request. */
  url: string
  /** What the application wrote to wsgi.errors. */
  errors: string
}

/** Options of the Client. */
export interface ClientOptions {
  /** The Host header (default `testserver`). */
  host?: string
  /** Wrap the application in the gateway validator (default true). */
  validate?: boolean
  /** Headers sent with every request. */
  headers?: Record<string, string>
}

const encoder = new TextEncoder()

/**
 * An in-process client for tests.
 *
 * @example
 * ```ts
 * const client = new Client(application)
 * const response = await client.post('/login/', { username: 'ada', password: 'pw' }, { follow: true })
 * expect(response.status).toBe(200)
 * expect(response.templateName).toBe('home.html')
 * ```
 */
export class Client {
  readonly #app: Application
  readonly #host: string
  readonly #headers: Record<string, string>
  /** Cookies kept between requests (name → value). */
  readonly cookies = new Map<string, string>()

  constructor(application: Application, options: ClientOptions = {}) {
    this.#app = options.validate === false ? application : validator(application)
    this.#host = options.host ?? 'testserver'
    this.#headers = options.headers ?? {}
  }

  get(path: string, query?: Record<string, string | number>, options?: RequestOptions): Promise<ClientResponse> {
    return this.request('GET', withQuery(path, query), undefined, options)
  }

  head(path: string, options?: RequestOptions): Promise<ClientResponse> {
    return this.request('HEAD', path, undefined, options)
  }

  post(path: string, data?: ClientData | string | Uint8Array, options?: RequestOptions): Promise<ClientResponse> {
    return this.request('POST', path, data, options)
  }

  put(path: string, data?: ClientData | string | Uint8Array, options?: RequestOptions): Promise<ClientResponse> {
    return this.request('PUT', path, data, options)
  }

  patch(path: string, data?: ClientData | string | Uint8Array, options?: RequestOptions): Promise<ClientResponse> {
    return this.request('PATCH', path, data, options)
  }

  delete(path: string, options?: RequestOptions): Promise<ClientResponse> {
    return this.request('DELETE', path, undefined, options)
  }

  options(path: string, options?: RequestOptions): Promise<ClientResponse> {
    return this.request('OPTIONS', path, undefined, options)
  }

  /** Any method. With `follow`, 301/302/303 become GET; 307/308 repeat the method and body. */
  async request(method: string, path: string, data?: ClientData | string | Uint8Array, options: RequestOptions = {}): Promise<ClientResponse> {
    const chain: [string, number][] = []
    let response = await this.#once(method, path, data, options)
    while (options.follow && response.status >= 300 && response.status < 400 && response.headers.get('Location')) {
      if (chain.length >= 20) throw new Error(`Too many redirects (20) starting at ${JSON.stringify(path)}: ${chain.map(([u]) => u).join(' → ')}`)
      const location = response.headers.get('Location') as string
      chain.push([location, response.status])
      const target = new URL(location, `http://${this.#host}${response.url}`)
      const keep = response.status === 307 || response.status === 308
      const secure = target.protocol === 'https:'
      response = await this.#once(keep ? method : method === 'HEAD' ? 'HEAD' : 'GET', `${target.pathname}${target.search}`, keep ? data : undefined, {
        ...options,
        secure,
      })
    }
    response.redirectChain = chain
    return response
  }

  async #once(method: string, path: string, data: ClientData | string | Uint8Array | undefined, options: RequestOptions): Promise<ClientResponse> {
    const [rawPath = '/', query = ''] = path.split(/\?(.*)/s)
    const { body, contentType } = encodeBody(data, options.contentType)
    const errors: string[] = []
    const environ: Environ = {
      REQUEST_METHOD: method,
      SCRIPT_NAME: '',
      PATH_INFO: percentDecodeToLatin1(rawPath),
      QUERY_STRING: query,
      SERVER_NAME: this.#host.replace(/:\d+$/, ''),
      SERVER_PORT: options.secure ? '443' : '80',
      SERVER_PROTOCOL: 'HTTP/1.1',
      REMOTE_ADDR: '127.0.0.1',
      'wsgi.version': [1, 0],
      'wsgi.url_scheme': options.secure ? 'https' : 'http',
      'wsgi.input': bytesInput(body),
      'wsgi.errors': { write: (t) => void errors.push(String(t)), writelines: (ts) => void errors.push(...ts), flush: () => {} },
      'wsgi.multithread': false,
      'wsgi.multiprocess': false,
      'wsgi.run_once': false,
      'wsgi.input_terminated': true,
      'gateway.signal': new AbortController().signal,
      HTTP_HOST: this.#host,
    }
    if (body.byteLength) environ.CONTENT_LENGTH = String(body.byteLength)
    if (contentType) environ.CONTENT_TYPE = contentType
    if (this.cookies.size) environ.HTTP_COOKIE = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
    for (const [name, value] of Object.entries({ ...this.#headers, ...options.headers })) {
      const key = name.toUpperCase().replace(/-/g, '_')
      if (key === 'CONTENT_TYPE' || key === 'CONTENT_LENGTH') environ[key] = value
      else environ[`HTTP_${key}`] = value
    }
    let captured: HttpResponseBase | undefined
    environ['framework.test_capture'] = (r: HttpResponseBase) => (captured = r)
    let statusLine = ''
    let headers: [string, string][] = []
    const chunks: Uint8Array[] = []
    const result = await this.#app(environ, (status, h) => {
      statusLine = status
      headers = h
      return async (chunk) => void chunks.push(chunk)
    })
    try {
      for await (const chunk of result as AsyncIterable<Uint8Array>) chunks.push(chunk)
    } finally {
      await result.close?.()
    }
    this.#storeCookies(headers)
    const content = new Uint8Array(Buffer.concat(chunks))
    const text = new TextDecoder().decode(content)
    const find = (name: string) => headers.filter(([k]) => k.toLowerCase() === name.toLowerCase()).map(([, v]) => v)
    return {
      status: Number(statusLine.slice(0, 3)),
      statusText: statusLine.slice(4),
      headers: { get: (n) => find(n)[0], getAll: find, list: headers },
      content,
      text,
      json: () => JSON.parse(text),
      templateName: captured?.templateName,
      context: captured?.context,
      response: captured,
      redirectChain: [],
      url: path,
      errors: errors.join(''),
    }
  }

  #storeCookies(headers: [string, string][]): void {
    for (const [name, value] of headers) {
      if (name.toLowerCase() !== 'set-cookie') continue
      const [pair = '', ...attrs] = value.split(';')
      const eq = pair.indexOf('=')
      const key = pair.slice(0, eq).trim()
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a))
      if (expired) this.cookies.delete(key)
      else this.cookies.set(key, pair.slice(eq + 1).trim())
    }
  }
}

function withQuery(path: string, query?: Record<string, string | number>): string {
  if (!query || !Object.keys(query).length) return path
  const qs = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)])).toString()
  return `${path}${path.includes('?') ? '&' : '?'}${qs}`
}

/** `%XX` → the byte, as a latin-1 character (what a server puts in PATH_INFO). */
function percentDecodeToLatin1(path: string): string {
  const bytes = Buffer.from(path, 'utf8').toString('latin1')
  return bytes.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
}

function isFile(value: unknown): value is ClientFile {
  return typeof value === 'object' && value !== null && 'filename' in value && 'content' in value
}

function encodeBody(data: ClientData | string | Uint8Array | undefined, contentType?: string): { body: Uint8Array; contentType?: string } {
  if (data === undefined) return { body: new Uint8Array() }
  if (typeof data === 'string') return { body: encoder.encode(data), contentType: contentType ?? 'text/plain; charset=utf-8' }
  if (data instanceof Uint8Array) return { body: data, contentType: contentType ?? 'application/octet-stream' }
  if (contentType === 'application/x-www-form-urlencoded') {
    const params = new URLSearchParams()
    for (const [k, v] of Object.entries(data)) for (const item of Array.isArray(v) ? v : [v]) params.append(k, isFile(item) ? item.filename : String(item))
    return { body: encoder.encode(params.toString()), contentType }
  }
  const boundary = `BoUnDaRy${Math.random().toString(36).slice(2)}`
  const parts: Uint8Array[] = []
  for (const [k, v] of Object.entries(data)) {
    for (const item of Array.isArray(v) ? v : [v]) {
      const name = k.replace(/"/g, '%22')
      if (isFile(item)) {
        parts.push(encoder.encode(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${item.filename.replace(/"/g, '%22')}"\r\nContent-Type: ${item.contentType ?? 'application/octet-stream'}\r\n\r\n`))
        parts.push(typeof item.content === 'string' ? encoder.encode(item.content) : item.content)
      } else {
        parts.push(encoder.encode(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${String(item)}`))
      }
      parts.push(encoder.encode('\r\n'))
    }
  }
  parts.push(encoder.encode(`--${boundary}--\r\n`))
  return { body: new Uint8Array(Buffer.concat(parts)), contentType: `multipart/form-data; boundary=${boundary}` }
}

function bytesInput(data: Uint8Array): GatewayInput {
  let offset = 0
  const take = (n: number): Uint8Array => {
    const out = data.subarray(offset, offset + Math.max(0, n))
    offset += out.byteLength
    return out
  }
  return {
    async read(size?: number) {
      return take(size === undefined || size < 0 ? data.byteLength - offset : size)
    },
    async readline(size?: number) {
      const nl = data.indexOf(10, offset)
      const end = nl === -1 ? data.byteLength : nl + 1
      return take(Math.min(end - offset, size !== undefined && size >= 0 ? size : Infinity))
    },
    async readlines(hint?: number) {
      const lines: Uint8Array[] = []
      let total = 0
      for (;;) {
        const line = await this.readline()
        if (!line.byteLength) return lines
        lines.push(line)
        total += line.byteLength
        if (hint !== undefined && hint > 0 && total >= hint) return lines
      }
    },
    async *[Symbol.asyncIterator]() {
      for (;;) {
        const c = take(64 * 1024)
        if (!c.byteLength) return
        yield c
      }
    },
  }
}
