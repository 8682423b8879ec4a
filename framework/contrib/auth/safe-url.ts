/**
 * @module urlHasAllowedHostAndScheme() (Django's url_has_allowed_host_and_scheme): whether a
 * `next` URL from the request is safe to redirect to. Refuses other hosts, other schemes,
 * scheme-relative `//evil.com`, backslash tricks (`/\evil.com`, which browsers read as
 * `//evil.com`), control characters and userinfo tricks.
 */

/**
 * True when `url` stays on one of `allowedHosts` (or is a path), with a safe scheme.
 *
 * @example
 * ```ts
 * urlHasAllowedHostAndScheme('/polls/', { allowedHosts: ['example.com'] })              // true
 * urlHasAllowedHostAndScheme('https://evil.com/', { allowedHosts: ['example.com'] })    // false
 * urlHasAllowedHostAndScheme('//evil.com/', { allowedHosts: ['example.com'] })           // false
 * urlHasAllowedHostAndScheme('http://example.com/', { allowedHosts: ['example.com'], requireHttps: true }) // false
 * ```
 */
export function urlHasAllowedHostAndScheme(
  url: string | null | undefined,
  options: { allowedHosts: readonly string[]; requireHttps?: boolean },
): boolean {
  if (!url) return false
  const trimmed = url.trim()
  if (!trimmed) return false
  // Browsers ignore these characters inside URLs, and treat '\' like '/'.
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(trimmed)) return false
  const normalised = trimmed.replace(/\\/g, '/')
  return check(trimmed, options) && check(normalised, options)
}

function check(
  url: string,
  options: { allowedHosts: readonly string[]; requireHttps?: boolean },
): boolean {
  if (url.startsWith('///')) return false
  let parsed: URL
  try {
    // A base that cannot match any real host, so a relative URL keeps an empty-looking host.
    parsed = new URL(url, 'http://relative.invalid')
  } catch {
    return false
  }
  const isRelative = !/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(url) && !url.startsWith('//')
  if (isRelative) {
    return parsed.host === 'relative.invalid'
  }
  // Any URL with a scheme or a '//' authority must name an allowed host over http(s).
  const scheme = parsed.protocol.replace(/:$/, '').toLowerCase()
  if (url.startsWith('//')) {
    if (options.requireHttps) return false
  } else if (scheme !== 'http' && scheme !== 'https') {
    return false
  } else if (options.requireHttps && scheme !== 'https') {
    return false
  }
  if (parsed.username || parsed.password) return false
  const host = parsed.host.toLowerCase()
  return host !== '' && options.allowedHosts.map((h) => h.toLowerCase()).includes(host)
}
