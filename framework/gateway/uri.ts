/**
 * @module URI helpers over an environ, as wsgiref.util: rebuild the request's URL, move a path
 * segment from PATH_INFO to SCRIPT_NAME, and decode the latin-1 PATH_INFO as UTF-8 text.
 */
import { posix } from 'node:path'
import type { Environ } from './contract.ts'
import { latin1ToBytes } from './latin1.ts'

/**
 * `utf8PathInfo` throws this when PATH_INFO's bytes are not valid UTF-8. `code` is `GW-H08`; a
 * framework answers 400 Bad Request.
 *
 * @example
 * ```ts
 * import { PathInfoError, utf8PathInfo } from 'framework/gateway'
 *
 * try {
 *   utf8PathInfo(environ)
 * } catch (error) {
 *   if (error instanceof PathInfoError) return badRequest(error.message)
 * }
 * ```
 */
export class PathInfoError extends Error {
  override name = 'PathInfoError'
  readonly code = 'GW-H08'
}

// Python's urllib.parse.quote(path, safe='/;=,', encoding='latin1'), as wsgiref uses it.
function quotePath(text: string): string {
  let out = ''
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!
    if (/[A-Za-z0-9_.\-~/;=,]/.test(char)) out += char
    else {
      const unit = text.charCodeAt(i)
      // Non-latin-1 text (a foreign environ) is quoted as its UTF-8 bytes rather than refused.
      const bytes = unit <= 0xff ? [unit] : [...new TextEncoder().encode(char)]
      for (const byte of bytes) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
    }
  }
  return out
}

/**
 * The application's base URL: scheme, host (HTTP_HOST, else SERVER_NAME with a non-default
 * SERVER_PORT) and the quoted SCRIPT_NAME (or '/'), as wsgiref's `application_uri`.
 *
 * @example
 * ```ts
 * import { applicationUri } from 'framework/gateway'
 *
 * applicationUri(environ) // 'http://example.com/app'
 * ```
 */
export function applicationUri(environ: Environ): string {
  return `${origin(environ)}${quotePath(environ.SCRIPT_NAME || '/')}`
}

/**
 * The full request URL: origin, quoted SCRIPT_NAME and PATH_INFO, and, when `includeQuery`,
 * `?QUERY_STRING` if it is not empty. As wsgiref's `request_uri`.
 *
 * @example
 * ```ts
 * import { requestUri } from 'framework/gateway'
 *
 * requestUri(environ) // 'http://example.com/app/caf%C3%A9?x=1'
 * requestUri(environ, false) // 'http://example.com/app/caf%C3%A9'
 * ```
 */
export function requestUri(environ: Environ, includeQuery = true): string {
  let url = `${origin(environ)}${quotePath(environ.SCRIPT_NAME ?? '')}`
  const pathInfo = environ.PATH_INFO ?? ''
  url += environ.SCRIPT_NAME ? quotePath(pathInfo) : pathInfo === '' ? '/' : quotePath(pathInfo)
  if (includeQuery && environ.QUERY_STRING) url += `?${environ.QUERY_STRING}`
  return url
}

function origin(environ: Environ): string {
  const scheme = environ['wsgi.url_scheme'] ?? 'http'
  const host = environ.HTTP_HOST
  if (host) return `${scheme}://${host}`
  const port = environ.SERVER_PORT
  const defaultPort = scheme === 'https' ? '443' : '80'
  return `${scheme}://${environ.SERVER_NAME}${port && port !== defaultPort ? `:${port}` : ''}`
}

/**
 * Moves the first segment of PATH_INFO to the end of SCRIPT_NAME and returns it, as wsgiref's
 * `shift_path_info`: `'/a/b'` under `''` becomes `'/b'` under `'/a'`, returning `'a'`. Empty and
 * `.` segments in the middle are dropped; `..` is resolved in SCRIPT_NAME. Returns undefined
 * (and changes nothing) when PATH_INFO is empty; returns '' for a trailing slash, moving it.
 *
 * @example
 * ```ts
 * import { shiftPathInfo } from 'framework/gateway'
 *
 * const environ = { ...base, SCRIPT_NAME: '', PATH_INFO: '/blog/2024' }
 * shiftPathInfo(environ) // 'blog'; SCRIPT_NAME '/blog', PATH_INFO '/2024'
 * ```
 */
export function shiftPathInfo(environ: Environ): string | undefined {
  const pathInfo = environ.PATH_INFO ?? ''
  if (!pathInfo) return undefined
  const parts = pathInfo.split('/')
  const middle = parts.slice(1, -1).filter((part) => part !== '' && part !== '.')
  const rest = [parts[0]!, ...middle, ...(parts.length > 1 ? [parts[parts.length - 1]!] : [])]
  const name = rest[1] ?? ''
  rest.splice(1, 1)
  let scriptName = posix.normalize(`${environ.SCRIPT_NAME ?? ''}/${name}`)
  if (scriptName.endsWith('/')) scriptName = scriptName.slice(0, -1)
  if (!name && !scriptName.endsWith('/')) scriptName += '/'
  environ.SCRIPT_NAME = scriptName
  environ.PATH_INFO = rest.join('/')
  return name === '.' ? undefined : name
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/**
 * PATH_INFO as text: its latin-1 code units are the request's bytes, decoded here as UTF-8.
 * Invalid UTF-8 throws `PathInfoError` (`GW-H08`) rather than silently inserting U+FFFD.
 *
 * @example
 * ```ts
 * import { utf8PathInfo } from 'framework/gateway'
 *
 * utf8PathInfo({ ...environ, PATH_INFO: '/caf\u00c3\u00a9' }) // '/café'
 * ```
 */
export function utf8PathInfo(environ: Environ): string {
  const pathInfo = environ.PATH_INFO ?? ''
  try {
    return strictUtf8.decode(latin1ToBytes(pathInfo))
  } catch (error) {
    throw new PathInfoError(
      `PATH_INFO ${JSON.stringify(pathInfo)} is not valid UTF-8 once percent-decoded; the ` +
        'client sent a malformed URL, answer 400 Bad Request',
      { cause: error },
    )
  }
}
