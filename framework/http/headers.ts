/**
 * @module Header maps: the request's (read from environ) and the response's (case-insensitive,
 * with repeats, in order).
 */
import type { Environ } from '../gateway/index.ts'

/**
 * The request headers as a case-insensitive read-only map, built from the environ's `HTTP_*`
 * keys plus CONTENT_TYPE and CONTENT_LENGTH.
 *
 * @example
 * ```ts
 * request.headers.get('user-agent')
 * ```
 */
export class RequestHeaders implements Iterable<[string, string]> {
  readonly #map = new Map<string, string>()

  constructor(environ: Environ) {
    for (const [key, value] of Object.entries(environ)) {
      if (typeof value !== 'string') continue
      if (key.startsWith('HTTP_'))
        this.#map.set(key.slice(5).replace(/_/g, '-').toLowerCase(), value)
      else if (key === 'CONTENT_TYPE' || key === 'CONTENT_LENGTH') {
        if (value !== '') this.#map.set(key.replace('_', '-').toLowerCase(), value)
      }
    }
  }

  get(name: string): string | undefined {
    return this.#map.get(name.toLowerCase())
  }

  has(name: string): boolean {
    return this.#map.has(name.toLowerCase())
  }

  [Symbol.iterator](): Iterator<[string, string]> {
    return this.#map[Symbol.iterator]()
  }
}

/**
 * Response headers: case-insensitive lookup, `set` replaces, `append` adds a repeat, order kept.
 *
 * @example
 * ```ts
 * response.headers.set('Cache-Control', 'no-store')
 * response.headers.append('Vary', 'Cookie')
 * ```
 */
export class ResponseHeaderMap implements Iterable<[string, string]> {
  #list: [string, string][] = []

  constructor(init: Iterable<[string, string]> = []) {
    for (const [k, v] of init) this.append(k, v)
  }

  /** Replaces every header named `name` with one. */
  set(name: string, value: string): this {
    checkHeader(name, value)
    const lower = name.toLowerCase()
    const at = this.#list.findIndex(([k]) => k.toLowerCase() === lower)
    if (at === -1) {
      this.#list.push([name, value])
    } else {
      this.#list[at] = [name, value]
      this.#list = this.#list.filter(([k], i) => i === at || k.toLowerCase() !== lower)
    }
    return this
  }

  /** Adds a header, keeping existing ones with the same name (Set-Cookie, Vary, Link...). */
  append(name: string, value: string): this {
    checkHeader(name, value)
    this.#list.push([name, value])
    return this
  }

  /** The first value of `name`. */
  get(name: string): string | undefined {
    const lower = name.toLowerCase()
    return this.#list.find(([k]) => k.toLowerCase() === lower)?.[1]
  }

  getAll(name: string): string[] {
    const lower = name.toLowerCase()
    return this.#list.filter(([k]) => k.toLowerCase() === lower).map(([, v]) => v)
  }

  has(name: string): boolean {
    return this.get(name) !== undefined
  }

  delete(name: string): this {
    const lower = name.toLowerCase()
    this.#list = this.#list.filter(([k]) => k.toLowerCase() !== lower)
    return this
  }

  /** A copy as the gateway's `[name, value][]`. */
  toList(): [string, string][] {
    return this.#list.map(([k, v]) => [k, v])
  }

  [Symbol.iterator](): Iterator<[string, string]> {
    return this.toList()[Symbol.iterator]()
  }
}

const token = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

function checkHeader(name: string, value: string): void {
  // Why here and not only in startResponse: the error then points at the line that set it.
  if (!token.test(name)) {
    throw Object.assign(
      new TypeError(`Invalid header name ${JSON.stringify(name)}: use an RFC 9110 token.`),
      {
        code: 'http.invalid_header',
      },
    )
  }
  if (/[\0-\x08\x0a-\x1f\x7f]/.test(value) || /[^\0-\xff]/.test(value)) {
    throw Object.assign(
      new TypeError(
        `Invalid value for header ${name}: ${JSON.stringify(value)} holds a control or non-latin-1 character; encode it first.`,
      ),
      { code: 'http.invalid_header' },
    )
  }
}
