/**
 * @module View decorators: method restrictions and cache headers, as django.views.decorators.
 */
import { HttpResponseNotAllowed, type HttpRequest, type HttpResponseBase } from '../http/index.ts'

type AnyView<P> = (request: HttpRequest, params: P) => HttpResponseBase | Promise<HttpResponseBase>

/**
 * Lets through only the listed methods; others get 405 with Allow.
 *
 * @example
 * ```ts
 * export const vote = requireHttpMethods(['POST'])(async (request, { id }: { id: number }) => ...)
 * ```
 */
export function requireHttpMethods(methods: readonly string[]) {
  const allowed = methods.map((m) => m.toUpperCase())
  return <P>(view: AnyView<P>): AnyView<P> => {
    const wrapped = async (request: HttpRequest, params: P) => {
      if (!allowed.includes(request.method)) {
        return new HttpResponseNotAllowed(
          allowed,
          `Method not allowed; use ${allowed.join(', ')}.`,
          { contentType: 'text/plain; charset=utf-8' },
        )
      }
      return view(request, params)
    }
    Object.defineProperty(wrapped, 'name', { value: view.name })
    return wrapped
  }
}

/** Only GET (and HEAD, which the server answers without a body). @example `requireGet(view)` */
export const requireGet = <P>(view: AnyView<P>): AnyView<P> =>
  requireHttpMethods(['GET', 'HEAD'])(view)
/** Only POST. @example `requirePost(vote)` */
export const requirePost = <P>(view: AnyView<P>): AnyView<P> => requireHttpMethods(['POST'])(view)
/** Only GET and HEAD (Django's require_safe). @example `requireSafe(view)` */
export const requireSafe = requireGet

/** Cache-Control directives; `true` writes the bare directive, numbers are seconds. */
export interface CacheControlOptions {
  public?: boolean
  private?: boolean
  noCache?: boolean
  noStore?: boolean
  mustRevalidate?: boolean
  proxyRevalidate?: boolean
  noTransform?: boolean
  immutable?: boolean
  maxAge?: number
  sMaxage?: number
  staleWhileRevalidate?: number
}

const directiveNames: Record<keyof CacheControlOptions, string> = {
  public: 'public',
  private: 'private',
  noCache: 'no-cache',
  noStore: 'no-store',
  mustRevalidate: 'must-revalidate',
  proxyRevalidate: 'proxy-revalidate',
  noTransform: 'no-transform',
  immutable: 'immutable',
  maxAge: 'max-age',
  sMaxage: 's-maxage',
  staleWhileRevalidate: 'stale-while-revalidate',
}

/** The Cache-Control header value for `options`. */
export function cacheControlHeader(options: CacheControlOptions): string {
  if (options.public && options.private) {
    throw Object.assign(
      new TypeError('cacheControl(): public and private exclude each other; choose one.'),
      { code: 'views.cache_public_private' },
    )
  }
  const parts: string[] = []
  for (const [key, value] of Object.entries(options) as [keyof CacheControlOptions, unknown][]) {
    const name = directiveNames[key]
    if (!name)
      throw Object.assign(
        new TypeError(`cacheControl(): unknown directive ${JSON.stringify(key)}.`),
        { code: 'views.cache_unknown' },
      )
    if (value === true) parts.push(name)
    else if (typeof value === 'number') {
      if (!Number.isInteger(value) || value < 0)
        throw Object.assign(
          new TypeError(`cacheControl(): ${key} must be a non-negative integer.`),
          { code: 'views.cache_bad_value' },
        )
      parts.push(`${name}=${value}`)
    }
  }
  return parts.join(', ')
}

/**
 * Sets Cache-Control on the view's responses (checked once, when decorating).
 *
 * @example
 * ```ts
 * export const home = cacheControl({ public: true, maxAge: 300 })(homeView)
 * ```
 */
export function cacheControl(options: CacheControlOptions) {
  const value = cacheControlHeader(options)
  return <P>(view: AnyView<P>): AnyView<P> => {
    const wrapped = async (request: HttpRequest, params: P) => {
      const response = await view(request, params)
      response.headers.set('Cache-Control', value)
      return response
    }
    Object.defineProperty(wrapped, 'name', { value: view.name })
    return wrapped
  }
}

/**
 * Makes the response uncacheable (Cache-Control: max-age=0, no-cache, no-store,
 * must-revalidate, private; and an Expires in the past).
 *
 * @example
 * ```ts
 * export const account = neverCache(accountView)
 * ```
 */
export function neverCache<P>(view: AnyView<P>): AnyView<P> {
  const wrapped = async (request: HttpRequest, params: P) => {
    const response = await view(request, params)
    response.headers.set('Cache-Control', 'max-age=0, no-cache, no-store, must-revalidate, private')
    response.headers.set('Expires', new Date(0).toUTCString())
    return response
  }
  Object.defineProperty(wrapped, 'name', { value: view.name })
  return wrapped
}
