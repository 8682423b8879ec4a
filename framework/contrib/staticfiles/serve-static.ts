/**
 * @module The development static view and its URL patterns (Django's
 * `staticfiles_urlpatterns()`): served only when DEBUG; production serves STATIC_ROOT from the
 * web server (Nginx) or the CDN.
 */
import type { Settings } from '../../conf/index.ts'
import { FileResponse, Http404, type HttpRequest, type HttpResponseBase } from '../../http/index.ts'
import { path, type URLPattern } from '../../urls/index.ts'
import { findStatic, staticRoots } from './finders.ts'

/**
 * A view that serves static files from the finder's roots; 404 for anything else (unsafe paths
 * included), and 404 when DEBUG is off.
 *
 * @example
 * ```ts
 * path('static/<path:path>', staticServeView(settings))
 * ```
 */
export function staticServeView(settings: Settings, cwd = process.cwd()) {
  const roots = staticRoots(settings, cwd)
  return function serveStatic(request: HttpRequest, params: { path: string }): HttpResponseBase {
    // The settings the handler runs with win over the ones the patterns were built with: a
    // production app must not serve files because its urls module was imported with DEBUG on.
    const active = (request.state['settings'] as Settings | undefined) ?? settings
    if (!active.DEBUG || !settings.DEBUG)
      throw new Http404(
        'Static files are served by the application only when DEBUG is on; run collectstatic and serve STATIC_ROOT.',
      )
    // Recomputed per request: in development an app may gain a static/ folder while running.
    const file = findStatic(settings, params.path, cwd, staticRoots(settings, cwd))
    if (!file)
      throw new Http404(
        `Static file ${JSON.stringify(params.path)} not found in ${roots.length} static roots.`,
      )
    return new FileResponse(file)
  }
}

/**
 * The URL patterns serving STATIC_URL when DEBUG; an empty list otherwise (and when STATIC_URL
 * is a full URL on another host).
 *
 * @example
 * ```ts
 * export const urlpatterns = [path('', home), ...staticfilesUrlpatterns(settings)]
 * ```
 */
export function staticfilesUrlpatterns(settings: Settings, cwd = process.cwd()): URLPattern<{}>[] {
  if (!settings.DEBUG || /^[a-z]+:\/\//i.test(settings.STATIC_URL)) return []
  const prefix = settings.STATIC_URL.replace(/^\/+/, '').replace(/\/?$/, '/')
  return [path(`${prefix}<path:path>`, staticServeView(settings, cwd))]
}
