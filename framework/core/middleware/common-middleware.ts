/**
 * @module CommonMiddleware: rejects hosts outside ALLOWED_HOSTS and adds the slash (APPEND_SLASH).
 */
import {
  HttpResponsePermanentRedirect,
  type HttpRequest,
  type HttpResponseBase,
} from '../../http/index.ts'
import { whenReady } from '../maybe-promise.ts'
import type { Middleware } from '../middleware-types.ts'

/**
 * Checks the Host header (DisallowedHost → 400) and, when a GET/HEAD without a trailing slash
 * finds no route but the slashed path does, redirects there (301).
 *
 * @example
 * ```ts
 * defineSettings({ MIDDLEWARE: ['CommonMiddleware'], APPEND_SLASH: true })
 * ```
 */
export const CommonMiddleware: Middleware = (getResponse, { settings, isValidPath }) => {
  // Why the second function: only a 404 that may want a slash needs to await the resolver.
  const appendSlash = async (request: HttpRequest, response: HttpResponseBase) => {
    if (
      !(await isValidPath(request.pathInfo)) &&
      (await isValidPath(`${request.pathInfo}/`))
    ) {
      const qs = request.META.QUERY_STRING
      // Why encodeURI: the decoded path may hold non-ASCII text, a header needs ASCII.
      return new HttpResponsePermanentRedirect(
        `${encodeURI(`${request.path}/`)}${qs ? `?${qs}` : ''}`,
      )
    }
    return response
  }
  return (request) => {
    request.getHost()
    return whenReady(getResponse(request), (response) =>
      response.status === 404 &&
      settings.APPEND_SLASH &&
      (request.method === 'GET' || request.method === 'HEAD') &&
      !request.pathInfo.endsWith('/')
        ? appendSlash(request, response)
        : response,
    )
  }
}
