/**
 * @module Cookies: the pure parser for the Cookie header and the serializer for Set-Cookie.
 */

/** Every Set-Cookie attribute. */
export interface CookieOptions {
  maxAge?: number
  expires?: Date
  path?: string
  domain?: string
  secure?: boolean
  httpOnly?: boolean
  sameSite?: 'Lax' | 'Strict' | 'None'
  partitioned?: boolean
}

/**
 * Parses a Cookie header into a map (the first occurrence of a name wins, as browsers send the
 * most specific first). Values in double quotes are unquoted; `%XX` is decoded when valid.
 *
 * @example
 * ```ts
 * parseCookies('a=1; b="two"') // { a: '1', b: 'two' }
 * ```
 */
export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = Object.create(null)
  if (!header) return out
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    const name = (eq === -1 ? '' : part.slice(0, eq)).trim()
    if (!name || name in out) continue
    let value = part.slice(eq + 1).trim()
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"'))
      value = value.slice(1, -1)
    try {
      value = decodeURIComponent(value)
    } catch {
      // A malformed escape stays as sent: a bad cookie must not turn into a 500.
    }
    out[name] = value
  }
  return out
}

const cookieName = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

/**
 * Builds one Set-Cookie value. The value is percent-encoded where it must be.
 *
 * @example
 * ```ts
 * serializeCookie('theme', 'dark', { maxAge: 3600, httpOnly: true, sameSite: 'Lax' })
 * ```
 */
export function serializeCookie(name: string, value: string, options: CookieOptions = {}): string {
  if (!cookieName.test(name)) {
    throw Object.assign(
      new TypeError(
        `Invalid cookie name ${JSON.stringify(name)}: use letters, digits and !#$%&'*+-.^_\`|~.`,
      ),
      {
        code: 'http.invalid_cookie',
      },
    )
  }
  const parts = [`${name}=${encodeURIComponent(value)}`]
  if (options.maxAge !== undefined) {
    parts.push(`Max-Age=${Math.floor(options.maxAge)}`)
    // Why Expires too: old clients ignore Max-Age.
    if (!options.expires)
      parts.push(`Expires=${new Date(Date.now() + options.maxAge * 1000).toUTCString()}`)
  }
  if (options.expires) parts.push(`Expires=${options.expires.toUTCString()}`)
  if (options.domain) parts.push(`Domain=${options.domain}`)
  parts.push(`Path=${options.path ?? '/'}`)
  if (options.secure || options.sameSite === 'None' || options.partitioned) parts.push('Secure')
  if (options.httpOnly) parts.push('HttpOnly')
  if (options.sameSite) parts.push(`SameSite=${options.sameSite}`)
  if (options.partitioned) parts.push('Partitioned')
  return parts.join('; ')
}
