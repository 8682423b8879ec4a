/**
 * @module The Origin and Referer checks of an unsafe request (Django's _origin_verified and
 * _check_referer): pure functions of the request and the settings.
 */
import type { Settings } from '../../conf/index.ts'
import type { HttpRequest } from '../../http/index.ts'
import { csrfFailure, type CsrfFailure } from './csrf-reasons.ts'

/** Django's is_same_domain: `pattern` `.example.com` matches example.com and its subdomains. */
export function isSameDomain(host: string, pattern: string): boolean {
  const h = host.toLowerCase()
  const p = pattern.toLowerCase()
  if (!p) return false
  return p.startsWith('.') ? h === p.slice(1) || h.endsWith(p) : h === p
}

function goodHost(request: HttpRequest): string | undefined {
  try {
    return request.getHost()
  } catch {
    return undefined
  }
}

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value)
  } catch {
    return undefined
  }
}

/**
 * Whether the Origin header names this site (same scheme and host) or a trusted origin:
 * `https://example.com` exactly, or `https://*.example.com` for its subdomains.
 */
export function originVerified(request: HttpRequest, settings: Settings, origin: string): boolean {
  const host = goodHost(request)
  if (host !== undefined && origin === `${request.isSecure() ? 'https' : 'http'}://${host}`)
    return true
  const trusted = settings.CSRF_TRUSTED_ORIGINS
  if (trusted.some((t) => !t.includes('*') && t === origin)) return true
  const parsed = parseUrl(origin)
  if (!parsed) return false
  return trusted.some((t) => {
    const star = t.indexOf('://*')
    if (star === -1) return false
    return t.slice(0, star + 1) === parsed.protocol && isSameDomain(parsed.host, t.slice(star + 4))
  })
}

/**
 * The Referer check for HTTPS requests without an Origin header: a Referer must be sent, be
 * https://, and name this site (or CSRF_COOKIE_DOMAIN / SESSION_COOKIE_DOMAIN) or a trusted
 * origin's host. Stops a man-in-the-middle on plain http://site from posting to https://site.
 */
export function refererFailure(request: HttpRequest, settings: Settings): CsrfFailure | undefined {
  const header = request.META.HTTP_REFERER
  if (header === undefined)
    return csrfFailure('csrf.no_referer', 'Referer checking failed - no Referer.')
  const referer = parseUrl(header)
  if (!referer || !referer.host)
    return csrfFailure('csrf.malformed_referer', 'Referer checking failed - Referer is malformed.')
  if (referer.protocol !== 'https:') {
    return csrfFailure(
      'csrf.insecure_referer',
      'Referer checking failed - Referer is insecure while host is secure.',
    )
  }
  const trustedHosts = settings.CSRF_TRUSTED_ORIGINS.map((t) => {
    const at = t.indexOf('://')
    return (at === -1 ? t : t.slice(at + 3)).replace(/^\*/, '')
  })
  if (trustedHosts.some((host) => isSameDomain(referer.host, host))) return undefined
  const bad = csrfFailure(
    'csrf.bad_referer',
    `Referer checking failed - ${header} does not match any trusted origins.`,
  )
  let good: string | null | undefined = settings.CSRF_USE_SESSIONS
    ? settings.SESSION_COOKIE_DOMAIN
    : settings.CSRF_COOKIE_DOMAIN
  if (good === null) {
    good = goodHost(request)
    if (good === undefined) return bad
  } else {
    const port = request.META.SERVER_PORT
    if (port && port !== '443' && port !== '80') good = `${good}:${port}`
  }
  return isSameDomain(referer.host, good) ? undefined : bad
}
