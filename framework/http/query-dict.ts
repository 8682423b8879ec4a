/**
 * @module QueryDict: a multi-valued map of form fields, as in Django, plus its pure parser.
 */
import { BadRequest, TooManyFieldsSent } from './http-errors.ts'

/**
 * A multi-valued, read-only dictionary: `get()` returns the last value, `getAll()` every value.
 *
 * @example
 * ```ts
 * const q = QueryDict.parse('a=1&a=2&b=x')
 * q.get('a') // '2'
 * q.getAll('a') // ['1', '2']
 * ```
 */
export class QueryDict implements Iterable<[string, string]> {
  readonly #map = new Map<string, string[]>()

  constructor(entries: Iterable<[string, string]> = []) {
    for (const [k, v] of entries) {
      const list = this.#map.get(k)
      if (list) list.push(v)
      else this.#map.set(k, [v])
    }
  }

  /**
   * Parses `application/x-www-form-urlencoded` text (a query string or a urlencoded body).
   * Malformed percent-escapes are kept literally (as browsers do); invalid UTF-8 is a 400.
   */
  static parse(text: string, options: { maxFields?: number | null } = {}): QueryDict {
    const pairs: [string, string][] = []
    if (text === '') return new QueryDict()
    // '&' only: ';' as a separator enables cache-poisoning tricks (CPython bpo-42967, Django).
    const parts = text.split('&')
    const max = options.maxFields
    let count = 0
    for (const part of parts) {
      if (part === '') continue
      count++
      if (max !== undefined && max !== null && count > max) throw new TooManyFieldsSent(max)
      const eq = part.indexOf('=')
      const rawKey = eq === -1 ? part : part.slice(0, eq)
      const rawValue = eq === -1 ? '' : part.slice(eq + 1)
      pairs.push([decodeFormComponent(rawKey), decodeFormComponent(rawValue)])
    }
    return new QueryDict(pairs)
  }

  /** The last value for `key`, or `fallback`. */
  get(key: string): string | undefined
  get(key: string, fallback: string): string
  get(key: string, fallback?: string): string | undefined {
    const list = this.#map.get(key)
    return list ? list[list.length - 1] : fallback
  }

  /** Every value for `key`, in order (empty when absent). */
  getAll(key: string): string[] {
    return [...(this.#map.get(key) ?? [])]
  }

  has(key: string): boolean {
    return this.#map.has(key)
  }

  keys(): IterableIterator<string> {
    return this.#map.keys()
  }

  get size(): number {
    return this.#map.size
  }

  /** Every `[key, value]` pair, repeats included. */
  *[Symbol.iterator](): Iterator<[string, string]> {
    for (const [k, list] of this.#map) for (const v of list) yield [k, v]
  }

  /** A plain object of last values, handy for zod and forms. */
  toObject(): Record<string, string> {
    const out: Record<string, string> = {}
    for (const [k, list] of this.#map) out[k] = list[list.length - 1] ?? ''
    return out
  }

  /** Serializes back to `a=1&a=2`. */
  urlencode(): string {
    return [...this].map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** Decodes one urlencoded component: `+` is a space, `%XX` a byte, the bytes UTF-8. */
export function decodeFormComponent(raw: string): string {
  const bytes: number[] = []
  const text = raw.replace(/\+/g, ' ')
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i)
    if (ch === 0x25 && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16))
      i += 2
    } else if (ch < 0x80) {
      bytes.push(ch)
    } else {
      // Non-ASCII characters arrive as latin-1 bytes in QUERY_STRING; keep them as bytes.
      if (ch > 0xff) bytes.push(...new TextEncoder().encode(text[i]))
      else bytes.push(ch)
    }
  }
  try {
    return utf8.decode(new Uint8Array(bytes))
  } catch (error) {
    throw new BadRequest(
      `Invalid UTF-8 in form data or query string: ${JSON.stringify(raw.slice(0, 60))}; encode text as UTF-8.`,
      'http.invalid_utf8',
      { cause: error },
    )
  }
}
