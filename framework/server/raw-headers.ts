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
  const length = lowerName.length
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!
    if (name.length !== length || name.toLowerCase() !== lowerName) continue
    const next = rawHeaders[i + 1]!
    value = value === undefined ? next : `${value}, ${next}`
  }
  return value
}
