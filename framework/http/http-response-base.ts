/**
 * @module HttpResponseBase: what every response shares (status, headers, cookies, close hooks)
 * and how it turns into the gateway's status line, header list and body.
 */
import { STATUS_CODES } from 'node:http'
import type { Body, Environ } from '../gateway/index.ts'
import { serializeCookie, type CookieOptions } from './cookies.ts'
import { ResponseHeaderMap } from './headers.ts'
import { sign } from './signing.ts'

/** Options shared by every response constructor. */
export interface ResponseInit {
  status?: number
  /** Sets Content-Type (default `text/html; charset=utf-8`). */
  contentType?: string
  headers?: Iterable<[string, string]> | Record<string, string>
  /** A reason phrase other than the standard one. */
  reason?: string
}

/** What `toGateway()` produces: the three things `startResponse` and the server need. */
export interface GatewayResponse {
  status: string
  headers: [string, string][]
  body: Body
}

/** Options of `toGateway()`, supplied by the handler from the settings. */
export interface FinalizeOptions {
  /** Signs the cookies set with `setSignedCookie()`. */
  secretKey?: string
}

/** `"200 OK"` and the like, by status code (100..599), made on first use. */
const standardStatusLines: (string | undefined)[] = []

/**
 * The base class of the response family. Subclasses decide how the body is produced.
 *
 * @example
 * ```ts
 * const response = new HttpResponse('hi')
 * response.setCookie('seen', '1', { maxAge: 60, httpOnly: true })
 * ```
 */
export abstract class HttpResponseBase {
  status: number
  readonly headers: ResponseHeaderMap
  #reason: string | undefined
  // Both made on first use: most responses set no cookie, and close with nothing to run.
  #cookies: Map<string, string | { value: string; salt: string; options: CookieOptions }> | undefined
  #closers: (() => void | Promise<void>)[] | undefined
  /** True when the body is produced lazily and must not be buffered (streaming, files). */
  abstract readonly streaming: boolean
  /** Set by render()/TemplateResponse so tests can assert on them. */
  templateName?: string | undefined
  context?: Record<string, unknown> | undefined

  constructor(init: ResponseInit = {}) {
    this.status = init.status ?? 200
    if (!Number.isInteger(this.status) || this.status < 100 || this.status > 599) {
      throw Object.assign(
        new RangeError(
          `Invalid HTTP status ${JSON.stringify(init.status)}: use an integer from 100 to 599.`,
        ),
        {
          code: 'http.invalid_status',
        },
      )
    }
    this.#reason = init.reason
    const entries =
      init.headers === undefined
        ? []
        : Symbol.iterator in init.headers
          ? init.headers
          : Object.entries(init.headers)
    this.headers = new ResponseHeaderMap(entries as Iterable<[string, string]>)
    const contentType = init.contentType
    // A given content type wins over one in `headers`; the default does not.
    if (contentType) this.headers.set('Content-Type', contentType)
    else this.headers.setDefault('Content-Type', contentType ?? 'text/html; charset=utf-8')
  }

  /** The reason phrase: given, standard, or "Unknown Status Code". */
  get reasonPhrase(): string {
    return this.#reason ?? STATUS_CODES[this.status] ?? 'Unknown Status Code'
  }

  /** The status line `startResponse` takes: `"404 Not Found"`. */
  get statusLine(): string {
    if (this.#reason !== undefined) return `${this.status} ${this.#reason}`
    // The standard lines are made once: every response asks for one.
    let line = standardStatusLines[this.status]
    if (line === undefined) {
      line = standardStatusLines[this.status] = `${this.status} ${this.reasonPhrase}`
    }
    return line
  }

  /**
   * Sets a cookie with any of its flags. A second call with the same name replaces it.
   *
   * @example
   * ```ts
   * response.setCookie('lang', 'fr', { maxAge: 31_536_000, sameSite: 'Lax', secure: true })
   * ```
   */
  setCookie(name: string, value: string, options: CookieOptions = {}): this {
    // Serialize now so an invalid name throws at the line that set it.
    this.#cookieMap().set(name, serializeCookie(name, value, options))
    return this
  }

  /**
   * Sets a cookie whose value is signed with SECRET_KEY (when the response is sent), readable
   * with `request.getSignedCookie(name, { salt })`.
   *
   * @example
   * ```ts
   * response.setSignedCookie('uid', '42', { salt: 'uid', httpOnly: true })
   * ```
   */
  setSignedCookie(
    name: string,
    value: string,
    options: CookieOptions & { salt?: string } = {},
  ): this {
    const { salt = '', ...cookie } = options
    serializeCookie(name, value, cookie)
    this.#cookieMap().set(name, { value, salt, options: cookie })
    return this
  }

  /**
   * Expires a cookie in the browser. Pass the same path and domain it was set with.
   *
   * @example
   * ```ts
   * response.deleteCookie('lang')
   * ```
   */
  deleteCookie(
    name: string,
    options: Pick<CookieOptions, 'path' | 'domain' | 'sameSite' | 'secure'> = {},
  ): this {
    const secure = options.secure ?? (name.startsWith('__Secure-') || name.startsWith('__Host-'))
    this.#cookieMap().set(
      name,
      serializeCookie(name, '', { ...options, secure, maxAge: 0, expires: new Date(0) }),
    )
    return this
  }

  /** The Set-Cookie values (signed ones need `secretKey`). */
  cookieHeaders(options: FinalizeOptions = {}): string[] {
    if (this.#cookies === undefined) return []
    return [...this.#cookies].map(([name, c]) => {
      if (typeof c === 'string') return c
      if (!options.secretKey) {
        throw Object.assign(
          new Error(
            `Cannot sign cookie ${JSON.stringify(name)}: SECRET_KEY is empty; set it in settings.`,
          ),
          {
            code: 'http.no_secret_key',
          },
        )
      }
      return serializeCookie(
        name,
        sign(c.value, options.secretKey, `cookie:${name}${c.salt}`),
        c.options,
      )
    })
  }

  /** Registers a callback run when the server is done with the body (temp files, handles). */
  onClose(callback: () => void | Promise<void>): void {
    this.#closers ??= []
    this.#closers.push(callback)
  }

  /** Runs the close callbacks once each, never throwing (errors go to `report`). */
  protected async runClosers(report?: (error: unknown) => void): Promise<void> {
    const closers = this.#closers?.splice(0) ?? []
    for (const close of closers) {
      try {
        await close()
      } catch (error) {
        report?.(error)
      }
    }
  }

  /** The body as the gateway wants it. Subclasses implement it. */
  protected abstract makeBody(environ: Environ): Body | Promise<Body>

  /**
   * Everything `startResponse` and the server need. HEAD keeps headers and drops the body.
   *
   * @example
   * ```ts
   * const { status, headers, body } = await response.toGateway(environ, { secretKey })
   * ```
   */
  async toGateway(environ: Environ, options: FinalizeOptions = {}): Promise<GatewayResponse> {
    return this.gatewayResponse(environ, options)
  }

  /**
   * toGateway() without the promise when the body is ready at once (in-memory and streaming
   * bodies; a file's body opens the file first): what the framework's application calls, so
   * that a response built synchronously is sent without a turn of the event loop.
   *
   * @example
   * ```ts
   * const out = response.gatewayResponse(environ, { secretKey })
   * const { status, headers, body } = out instanceof Promise ? await out : out
   * ```
   */
  gatewayResponse(
    environ: Environ,
    options: FinalizeOptions = {},
  ): GatewayResponse | Promise<GatewayResponse> {
    const body = this.makeBody(environ)
    // Any thenable, as the `await` this replaced would have waited for.
    return typeof (body as Partial<PromiseLike<Body>>).then === 'function'
      ? Promise.resolve(body).then((ready) => this.#finalize(ready, environ, options))
      : this.#finalize(body as Body, environ, options)
  }

  /** The head and the body's close() around a body that is ready. */
  #finalize(body: Body, environ: Environ, options: FinalizeOptions): GatewayResponse {
    const headers = this.headers.toList()
    if (this.#cookies !== undefined) {
      for (const cookie of this.cookieHeaders(options)) headers.push(['Set-Cookie', cookie])
    }
    // Not Object.assign(body, { close }): tsx (esbuild keepNames) names a function written in an
    // object literal with Object.defineProperty on every response. (The promotions once blamed
    // on a closure stored here were V8's pretenuring: framework/server/pretenuring.ts.)
    body.close = this.#close.bind(this, body, body.close, environ)
    return { status: this.statusLine, headers, body }
  }

  /**
   * The body's close(): the body's own, then the onClose callbacks. Nothing (not a promise) when
   * there is nothing to close, as for most responses: a server then has no promise to watch for a
   * rejection (serve's host attached a catch() to one per request, a promise and a microtask).
   */
  #close(body: Body, innerClose: Body['close'], environ: Environ): void | Promise<void> {
    if (innerClose === undefined && !this.#closers?.length) return undefined
    return this.#closeBody(body, innerClose, environ)
  }

  async #closeBody(
    body: Body,
    innerClose: Body['close'],
    environ: Environ,
  ): Promise<void> {
    try {
      await innerClose?.call(body)
    } finally {
      await this.runClosers((error) => reportCloseError(environ, error))
    }
  }

  #cookieMap(): Map<string, string | { value: string; salt: string; options: CookieOptions }> {
    this.#cookies ??= new Map()
    return this.#cookies
  }
}

function reportCloseError(environ: Environ, error: unknown): void {
  environ['wsgi.errors'].write(`Error closing response: ${String(error)}\n`)
}
