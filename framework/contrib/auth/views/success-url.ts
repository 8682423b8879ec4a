/**
 * @module Where an auth view goes next: a `next` parameter when it is safe (same host, and https
 * when the request is), else the configured URL, reversed when it is a route name.
 */
import type { HttpRequest } from '../../../http/index.ts'
import { getRootResolver } from '../../../urls/index.ts'
import { urlHasAllowedHostAndScheme } from '../safe-url.ts'

/**
 * A URL from a URL or a route name (Django's resolve_url): a string with '/' or '.' is a URL.
 *
 * @example
 * ```ts
 * resolveUrl('password_change_done') // '/accounts/password_change/done/'
 * ```
 */
export function resolveUrl(to: string): string {
  if (to.includes('/') || to.includes('.')) return to
  const resolver = getRootResolver()
  if (!resolver) return to
  return (resolver.reverse as (n: string, p?: Record<string, unknown>) => string)(to)
}

/**
 * The `next` URL the request carries (POST first, then GET) when it is safe to redirect to,
 * else ''.
 *
 * @example
 * ```ts
 * safeNext(request) // '/polls/3/' — or '' for 'https://evil.example/'
 * ```
 */
export function safeNext(
  request: HttpRequest,
  options: { fieldName?: string; allowedHosts?: readonly string[] } = {},
): string {
  const name = options.fieldName ?? 'next'
  const candidate = request.POST.get(name) ?? request.GET.get(name) ?? ''
  const safe = urlHasAllowedHostAndScheme(candidate, {
    allowedHosts: [request.getHost(), ...(options.allowedHosts ?? [])],
    requireHttps: request.isSecure(),
  })
  return safe ? candidate : ''
}
