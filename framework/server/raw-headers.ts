/**
 * @module Reading one header from a request's `rawHeaders`, without `req.headers`.
 *
 * Why: node:http builds `req.headers` lazily, on first access, going through every header of the
 * request; the worker needs two or three of them per request, and the application reads the
 * environ, so building that object was work nobody used.
 */

/**
 * The value of header `lowerName` (lower-case) in `rawHeaders`, repeats joined with ', ' as
 * `req.headers` joins them; undefined when absent.
 *
 * @example
 * ```ts
 * rawHeaderValue(['Host', 'a', 'Expect', '100-continue'], 'expect') // '100-continue'
 * ```
 */
export function rawHeaderValue(rawHeaders: readonly string[], lowerName: string): string | undefined {
  let value: string | undefined
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (!isHeaderName(rawHeaders[i]!, lowerName)) continue
    const next = rawHeaders[i + 1]!
    value = value === undefined ? next : `${value}, ${next}`
  }
  return value
}

/**
 * True when `name` is `lowerName` (lower-case, starting with a letter) in any case. The length
 * and the first letter are compared before lower-casing, so most other names cost no new string
 * (Content-Type beside X-Request-Id, both 12 long).
 *
 * @example
 * ```ts
 * isHeaderName('Content-Length', 'content-length') // true
 * isHeaderName('Content-Type', 'x-request-id') // false, without lower-casing
 * ```
 */
export function isHeaderName(name: string, lowerName: string): boolean {
  return (
    name.length === lowerName.length &&
    (name.charCodeAt(0) | 0x20) === lowerName.charCodeAt(0) &&
    (name === lowerName || name.toLowerCase() === lowerName)
  )
}
