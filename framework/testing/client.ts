/**
 * @module The test Client: requests to an Application in process (no socket; the gateway's
 * `callApplication` host), with Django's
 * conveniences: cookies kept between requests, `follow` for redirects, and the response's
 * template name and context for assertions.
 */
import type { Application } from '../gateway/index.ts'
import { callApplication, validator } from '../gateway/index.ts'
import type { HttpResponseBase } from '../http/index.ts'

/** A file to upload with `client.post(path, { field: file })`. */
export interface ClientFile {
  filename: string
  content: string | Uint8Array
  contentType?: string
}

/** Form data: strings, numbers, files, or lists of them. */
export type ClientData = Record<
  string,
  string | number | boolean | ClientFile | (string | number | ClientFile)[]
>

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
  headers: {
    get(name: string): string | undefined
    getAll(name: string): string[]
    list: [string, string][]
  }
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

  get(
    path: string,
    query?: Record<string, string | number>,
    options?: RequestOptions,
  ): Promise<ClientResponse> {
    return this.request('GET', withQuery(path, query), undefined, options)
  }

  head(path: string, options?: RequestOptions): Promise<ClientResponse> {
    return this.request('HEAD', path, undefined, options)
  }

  post(
    path: string,
    data?: ClientData | string | Uint8Array,
    options?: RequestOptions,
  ): Promise<ClientResponse> {
    return this.request('POST', path, data, options)
  }

  put(
    path: string,
    data?: ClientData | string | Uint8Array,
    options?: RequestOptions,
  ): Promise<ClientResponse> {
    return this.request('PUT', path, data, options)
  }

  patch(
    path: string,
    data?: ClientData | string | Uint8Array,
    options?: RequestOptions,
  ): Promise<ClientResponse> {
    return this.request('PATCH', path, data, options)
  }

  delete(path: string, options?: RequestOptions): Promise<ClientResponse> {
    return this.request('DELETE', path, undefined, options)
  }

  options(path: string, options?: RequestOptions): Promise<ClientResponse> {
    return this.request('OPTIONS', path, undefined, options)
  }

  /** Any method. With `follow`, 301/302/303 become GET; 307/308 repeat the method and body. */
  async request(
    method: string,
    path: string,
    data?: ClientData | string | Uint8Array,
    options: RequestOptions = {},
  ): Promise<ClientResponse> {
    const chain: [string, number][] = []
    let response = await this.#once(method, path, data, options)
    while (
      options.follow &&
      response.status >= 300 &&
      response.status < 400 &&
      response.headers.get('Location')
    ) {
      if (chain.length >= 20)
        throw new Error(
          `Too many redirects (20) starting at ${JSON.stringify(path)}: ${chain.map(([u]) => u).join(' → ')}`,
        )
      const location = response.headers.get('Location') as string
      chain.push([location, response.status])
      const target = new URL(location, `http://${this.#host}${response.url}`)
      const keep = response.status === 307 || response.status === 308
      const secure = target.protocol === 'https:'
      response = await this.#once(
        keep ? method : method === 'HEAD' ? 'HEAD' : 'GET',
        `${target.pathname}${target.search}`,
        keep ? data : undefined,
        {
          ...options,
          secure,
        },
      )
    }
    response.redirectChain = chain
    return response
  }

  async #once(
    method: string,
    path: string,
    data: ClientData | string | Uint8Array | undefined,
    options: RequestOptions,
  ): Promise<ClientResponse> {
    const { body, contentType } = encodeBody(data, options.contentType)
    const headers: [string, string][] = [['Host', this.#host]]
    if (contentType) headers.push(['Content-Type', contentType])
    if (this.cookies.size)
      headers.push(['Cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')])
    for (const [name, value] of Object.entries({ ...this.#headers, ...options.headers }))
      headers.push([name, value])
    let captured: HttpResponseBase | undefined
    const result = await callApplication(this.#app, {
      method,
      // Non-ASCII text is sent percent-encoded, as a browser does.
      path: path.replace(/[^\x21-\x7e]+/g, (s) => encodeURIComponent(s)),
      headers,
      ...(body.byteLength || method === 'POST' || method === 'PUT' || method === 'PATCH'
        ? { body }
        : {}),
      scheme: options.secure ? 'https' : 'http',
      environ: { 'framework.test_capture': (r: HttpResponseBase) => (captured = r) },
    })
    this.#storeCookies(result.headers)
    return {
      status: result.status,
      statusText: result.statusText,
      headers: {
        get: (n) => result.header(n),
        getAll: (n) =>
          result.headers.filter(([k]) => k.toLowerCase() === n.toLowerCase()).map(([, v]) => v),
        list: result.headers,
      },
      content: result.body,
      text: result.text(),
      json: () => result.json(),
      templateName: captured?.templateName,
      context: captured?.context,
      response: captured,
      redirectChain: [],
      url: path,
      errors: result.errors,
    }
  }

  #storeCookies(headers: [string, string][]): void {
    for (const [name, value] of headers) {
      if (name.toLowerCase() !== 'set-cookie') continue
      const [pair = '', ...attrs] = value.split(';')
      const eq = pair.indexOf('=')
      const key = pair.slice(0, eq).trim()
      // Max-Age wins over Expires (RFC 6265 §5.3); either in the past deletes the cookie.
      const maxAge = attrs
        .map((a) => /^\s*max-age=(-?\d+)\s*$/i.exec(a)?.[1])
        .find((v) => v !== undefined)
      const expires = attrs
        .map((a) => /^\s*expires=(.*)$/i.exec(a)?.[1])
        .find((v) => v !== undefined)
      const expired =
        maxAge !== undefined
          ? Number(maxAge) <= 0
          : expires !== undefined && Date.parse(expires) <= Date.now()
      if (expired) this.cookies.delete(key)
      else this.cookies.set(key, pair.slice(eq + 1).trim())
    }
  }
}

function withQuery(path: string, query?: Record<string, string | number>): string {
  if (!query || !Object.keys(query).length) return path
  const qs = new URLSearchParams(
    Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]),
  ).toString()
  return `${path}${path.includes('?') ? '&' : '?'}${qs}`
}

function isFile(value: unknown): value is ClientFile {
  return typeof value === 'object' && value !== null && 'filename' in value && 'content' in value
}

function encodeBody(
  data: ClientData | string | Uint8Array | undefined,
  contentType?: string,
): { body: Uint8Array; contentType?: string } {
  if (data === undefined) return { body: new Uint8Array() }
  if (typeof data === 'string')
    return { body: encoder.encode(data), contentType: contentType ?? 'text/plain; charset=utf-8' }
  if (data instanceof Uint8Array)
    return { body: data, contentType: contentType ?? 'application/octet-stream' }
  if (contentType === 'application/x-www-form-urlencoded') {
    const params = new URLSearchParams()
    for (const [k, v] of Object.entries(data))
      for (const item of Array.isArray(v) ? v : [v])
        params.append(k, isFile(item) ? item.filename : String(item))
    return { body: encoder.encode(params.toString()), contentType }
  }
  const boundary = `BoUnDaRy${Math.random().toString(36).slice(2)}`
  const parts: Uint8Array[] = []
  for (const [k, v] of Object.entries(data)) {
    for (const item of Array.isArray(v) ? v : [v]) {
      const name = k.replace(/"/g, '%22')
      if (isFile(item)) {
        parts.push(
          encoder.encode(
            `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${item.filename.replace(/"/g, '%22')}"\r\nContent-Type: ${item.contentType ?? 'application/octet-stream'}\r\n\r\n`,
          ),
        )
        parts.push(typeof item.content === 'string' ? encoder.encode(item.content) : item.content)
      } else {
        parts.push(
          encoder.encode(
            `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${String(item)}`,
          ),
        )
      }
      parts.push(encoder.encode('\r\n'))
    }
  }
  parts.push(encoder.encode(`--${boundary}--\r\n`))
  return {
    body: new Uint8Array(Buffer.concat(parts)),
    contentType: `multipart/form-data; boundary=${boundary}`,
  }
}
