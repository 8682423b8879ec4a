/**
 * @module RedirectView: redirects to a URL or a named route, for every method.
 */
import {
  HttpResponseGone,
  HttpResponsePermanentRedirect,
  HttpResponseRedirect,
  type HttpRequest,
  type HttpResponseBase,
} from '../http/index.ts'
import { getRootResolver } from '../urls/index.ts'
import { View } from './view.ts'

/**
 * Redirects to `url` (with `{name}` placeholders filled from the URL params) or to the route
 * `patternName` (reversed with the same params). 410 Gone when neither gives a URL.
 *
 * @example
 * ```ts
 * path('old/<int:id>/', RedirectView.asView({ patternName: 'polls:detail', permanent: true }))
 * ```
 */
export class RedirectView extends View {
  url: string | undefined = undefined
  patternName: string | undefined = undefined
  permanent = false
  /** Keep the request's query string. */
  queryString = false

  /** The target URL, or undefined for 410. */
  getRedirectUrl(params: Record<string, unknown>): string | undefined {
    let url: string | undefined
    if (this.url !== undefined) {
      url = this.url.replace(/\{(\w+)\}/g, (whole, key: string) =>
        key in params ? encodeURIComponent(String(params[key])) : whole,
      )
    } else if (this.patternName !== undefined) {
      const resolver = getRootResolver()
      url = resolver
        ? (resolver.reverse as (n: string, p?: Record<string, unknown>) => string)(
            this.patternName,
            params,
          )
        : undefined
    }
    if (url === undefined) return undefined
    const qs = this.request.META.QUERY_STRING
    return this.queryString && qs ? `${url}?${qs}` : url
  }

  #go(request: HttpRequest, params: Record<string, unknown>): HttpResponseBase {
    void request
    const url = this.getRedirectUrl(params)
    if (url === undefined) return new HttpResponseGone()
    return this.permanent ? new HttpResponsePermanentRedirect(url) : new HttpResponseRedirect(url)
  }

  get(request: HttpRequest, params: Record<string, unknown>): HttpResponseBase {
    return this.#go(request, params)
  }
  post(request: HttpRequest, params: Record<string, unknown>): HttpResponseBase {
    return this.#go(request, params)
  }
  put(request: HttpRequest, params: Record<string, unknown>): HttpResponseBase {
    return this.#go(request, params)
  }
  patch(request: HttpRequest, params: Record<string, unknown>): HttpResponseBase {
    return this.#go(request, params)
  }
  delete(request: HttpRequest, params: Record<string, unknown>): HttpResponseBase {
    return this.#go(request, params)
  }
}
