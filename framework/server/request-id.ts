/**
 * @module Request ids: an incoming `X-Request-Id` is kept when it is sane (a proxy or the caller
 * already named the request, and logs across services should agree), otherwise one is made.
 *
 * Why "sane" is strict: the id is copied into logs and a response header, so it must not carry
 * spaces, quotes, control bytes or unbounded length that would forge log fields or headers.
 */
import { randomBytes } from 'node:crypto'

/**
 * The header name, lower-case as node:http reports it.
 *
 * @example
 * ```ts
 * const id = requestIdFor(req.headers[REQUEST_ID_HEADER])
 * ```
 */
export const REQUEST_ID_HEADER = 'x-request-id'

/**
 * The environ key the worker stores the id under (the bundled server's `serve.` prefix).
 *
 * @example
 * ```ts
 * const id = environ[REQUEST_ID_ENVIRON_KEY] as string
 * ```
 */
export const REQUEST_ID_ENVIRON_KEY = 'serve.request_id'

const sane = /^[A-Za-z0-9._:@+=/-]{1,128}$/

/**
 * True when an incoming id may be kept: 1-128 characters among letters, digits and `._:@+=/-`.
 *
 * @example
 * ```ts
 * isSaneRequestId('3f2a-77') // true
 * isSaneRequestId('a b\r\nX-Evil: 1') // false
 * ```
 */
export function isSaneRequestId(value: string): boolean {
  return sane.test(value)
}

/**
 * A new request id: 32 lower-case hex digits (the shape of Nginx's `$request_id`), a random
 * 96-bit prefix drawn once per process followed by a counter, so ids are unique across the
 * workers and restarts of a deployment without drawing random bytes for every request (a UUID per
 * request was a visible share of a small request's cost). The counter runs from 0x10000000 to
 * 0xffffffff, always eight hex digits without padding (padStart cost more than the counting),
 * then a new prefix is drawn.
 *
 * @example
 * ```ts
 * makeRequestId() // '5f0c9e2a41b7d3e8c6a90f12' + '10000000'
 * ```
 */
export function makeRequestId(): string {
  if (idCounter >= 0xffffffff) {
    idPrefix = randomBytes(12).toString('hex')
    idCounter = 0x0fffffff
  }
  idCounter++
  // The counter's first seven digits change once in sixteen ids: made then, kept with the prefix.
  const last = idCounter & 15
  if (last === 0) idHead = idPrefix + (idCounter >>> 4).toString(16)
  return idHead + hexDigits[last]!
}

let idPrefix = ''
/** At the top of its range, so the first id draws the prefix. */
let idCounter = 0xffffffff
/** The prefix and the counter's first seven hex digits. */
let idHead = ''
const hexDigits = '0123456789abcdef'.split('')

/**
 * The id for a request: the incoming header when sane, else a new one from makeRequestId (or
 * what `generate` makes, for tests).
 *
 * @example
 * ```ts
 * const id = requestIdFor(req.headers['x-request-id'])
 * res.setHeader('X-Request-Id', id)
 * ```
 */
export function requestIdFor(
  incoming: string | string[] | undefined,
  generate: () => string = makeRequestId,
): string {
  const value = Array.isArray(incoming) ? incoming[0] : incoming
  if (value !== undefined) {
    const trimmed = value.trim()
    if (isSaneRequestId(trimmed)) return trimmed
  }
  return generate()
}
