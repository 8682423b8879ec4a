/**
 * @module SecurityMiddleware: HSTS, nosniff, Referrer-Policy, Cross-Origin-Opener-Policy and the
 * HTTPS redirect, from the SECURE_* settings.
 */
import { HttpResponsePermanentRedirect } from '../../http/index.ts'
import { whenReady } from '../maybe-promise.ts'
import type { Middleware } from '../middleware-types.ts'

/**
 * Adds the security headers the SECURE_* settings ask for, without overriding a view's own.
 *
 * @example
 * ```ts
 * defineSettings({ MIDDLEWARE: ['SecurityMiddleware'], SECURE_HSTS_SECONDS: 31_536_000 })
 * ```
 */
export const SecurityMiddleware: Middleware = (getResponse, { settings }) => {
  const exempt = settings.SECURE_REDIRECT_EXEMPT.map((p) => new RegExp(p))
  return (request) => {
    // Read first even when no redirect is configured: a path that is not UTF-8 is a 400 here,
    // before the security headers, as it always was.
    const pathInfo = request.pathInfo
    if (
      settings.SECURE_SSL_REDIRECT &&
      !request.isSecure() &&
      !isExempt(pathInfo.replace(/^\//, ''), exempt)
    ) {
      const host = settings.SECURE_SSL_HOST ?? request.getHost()
      return new HttpResponsePermanentRedirect(`https://${host}${request.getFullPath()}`)
    }
    return whenReady(getResponse(request), (response) => {
      const h = response.headers
      if (
        settings.SECURE_HSTS_SECONDS > 0 &&
        request.isSecure() &&
        !h.has('Strict-Transport-Security')
      ) {
        let value = `max-age=${settings.SECURE_HSTS_SECONDS}`
        if (settings.SECURE_HSTS_INCLUDE_SUBDOMAINS) value += '; includeSubDomains'
        if (settings.SECURE_HSTS_PRELOAD) value += '; preload'
        h.set('Strict-Transport-Security', value)
      }
      if (settings.SECURE_CONTENT_TYPE_NOSNIFF) h.setDefault('X-Content-Type-Options', 'nosniff')
      if (settings.SECURE_REFERRER_POLICY) {
        h.setDefault('Referrer-Policy', settings.SECURE_REFERRER_POLICY)
      }
      if (settings.SECURE_CROSS_ORIGIN_OPENER_POLICY) {
        h.setDefault('Cross-Origin-Opener-Policy', settings.SECURE_CROSS_ORIGIN_OPENER_POLICY)
      }
      return response
    })
  }
}

function isExempt(path: string, exempt: readonly RegExp[]): boolean {
  return exempt.some((re) => re.test(path))
}
