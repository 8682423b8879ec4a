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
  /** The names lower-cased, index for index with #list: lookups compare without lower-casing. */
  #lower: string[] = []

  constructor(init: Iterable<[string, string]> = []) {
    for (const [k, v] of init) this.append(k, v)
  }

  /** Replaces every header named `name` with one. */
  set(name: string, value: string): this {
    const lower = checkHeader(name, value)
    const at = this.#lower.indexOf(lower)
    if (at === -1) {
      this.#list.push([name, value])
      this.#lower.push(lower)
    } else {
      this.#list[at] = [name, value]
      this.#lower[at] = lower
      if (this.#lower.indexOf(lower, at + 1) !== -1) this.#keep((k, i) => i === at || k !== lower)
    }
    return this
  }

  /**
   * Sets `name` unless the response already has it (Django's `headers.setdefault`), in one lookup
   * where `has()` then `set()` took two: what the middleware adding default headers call on
   * every response. Returns the value the response ends up with.
   *
   * @example
   * ```ts
   * response.headers.setDefault('X-Frame-Options', 'DENY')
   * ```
   */
  setDefault(name: string, value: string): string {
    const lower = checkHeader(name, value)
    const at = this.#lower.indexOf(lower)
    if (at !== -1) return this.#list[at]![1]
    this.#list.push([name, value])
    this.#lower.push(lower)
    return value
  }

  /** Adds a header, keeping existing ones with the same name (Set-Cookie, Vary, Link...). */
  append(name: string, value: string): this {
    const lower = checkHeader(name, value)
    this.#list.push([name, value])
    this.#lower.push(lower)
    return this
  }

  /** The first value of `name`. */
  get(name: string): string | undefined {
    const at = this.#lower.indexOf(lowerName(name))
    return at === -1 ? undefined : this.#list[at]?.[1]
  }

  getAll(name: string): string[] {
    const lower = lowerName(name)
    return this.#list.filter((_, i) => this.#lower[i] === lower).map(([, v]) => v)
  }

  has(name: string): boolean {
    return this.#lower.includes(lowerName(name))
  }

  delete(name: string): this {
    const lower = lowerName(name)
    if (this.#lower.includes(lower)) this.#keep((k) => k !== lower)
    return this
  }

  /** A copy as the gateway's `[name, value][]`. */
  toList(): [string, string][] {
    return this.#list.map(([k, v]) => [k, v])
  }

  [Symbol.iterator](): Iterator<[string, string]> {
    return this.toList()[Symbol.iterator]()
  }

  /** Keeps the headers whose lower-cased name (and index) pass `test`. */
  #keep(test: (lower: string, index: number) => boolean): void {
    const list: [string, string][] = []
    const lowers: string[] = []
    this.#lower.forEach((lower, i) => {
      if (!test(lower, i)) return
      list.push(this.#list[i] as [string, string])
      lowers.push(lower)
    })
    this.#list = list
    this.#lower = lowers
  }
}

const token = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
/** Anything but tab, visible ASCII and latin-1's upper half: controls, DEL, non-latin-1. */
const badValue = /[^\t\x20-\x7e\x80-\xff]/
/** A name that passed the token check: its lower-cased form and the last value found good. */
interface CheckedName {
  readonly lower: string
  value: string | undefined
}

/**
 * Names that passed the token check. Responses set and look up the same few names again and
 * again, mostly with the same values (the security headers' constants): the regexes and
 * toLowerCase showed in W1's profile, where a comparison with the last good value is a pointer
 * comparison. The cap keeps names built from user input from growing it.
 */
const checkedNames = new Map<string, CheckedName>()
const CHECKED_NAMES_CAP = 512

/** `name` lower-cased, without making a new string for a name already checked. */
function lowerName(name: string): string {
  return checkedNames.get(name)?.lower ?? name.toLowerCase()
}

/** Throws unless `name` is a token and `value` a valid field value; gives the name lower-cased. */
function checkHeader(name: string, value: string): string {
  // Why here and not only in startResponse: the error then points at the line that set it.
  let checked = checkedNames.get(name)
  if (checked === undefined) {
    if (!token.test(name)) {
      throw Object.assign(
        new TypeError(`Invalid header name ${JSON.stringify(name)}: use an RFC 9110 token.`),
        {
          code: 'http.invalid_header',
        },
      )
    }
    checked = { lower: name.toLowerCase(), value: undefined }
    if (checkedNames.size >= CHECKED_NAMES_CAP) checkedNames.clear()
    checkedNames.set(name, checked)
  }
  if (value === checked.value) return checked.lower
  if (badValue.test(value)) {
    throw Object.assign(
      new TypeError(
        `Invalid value for header ${name}: ${JSON.stringify(value)} holds a control or non-latin-1 character; encode it first.`,
      ),
      { code: 'http.invalid_header' },
    )
  }
  checked.value = value
  return checked.lower
}
