/**
 * @module CsrfViewMiddleware (Django's): checks every unsafe request before its view runs and
 * sends the CSRF cookie when a page used a token.
 */
import { trustedMiddleware, whenReady, type Middleware } from '../../core/index.ts'
import type { HttpRequest, ViewFunction } from '../../http/index.ts'
import { checkCsrf, SAFE_METHODS } from './csrf-check.ts'
import { csrfState, finishCsrfResponse, getToken } from './csrf-state.ts'
import { isCsrfExempt } from './decorators.ts'
import { rejectCsrf } from './failure-view.ts'
import './request-csrf.ts'

/**
 * The CSRF middleware. POST, PUT, PATCH and DELETE need the token (form field
 * `csrfmiddlewaretoken` or header X-CSRFToken) unless the view is wrapped in `csrfExempt`; a
 * failure is a 403 and the view never runs. Put it after SessionMiddleware.
 *
 * @example
 * ```ts
 * import { CsrfViewMiddleware } from 'framework/contrib/csrf'
 *
 * defineSettings({ MIDDLEWARE: ['SecurityMiddleware', SessionMiddleware, CsrfViewMiddleware] })
 * ```
 */
export const CsrfViewMiddleware: Middleware = trustedMiddleware(function CsrfViewMiddleware(
  getResponse,
  { settings },
) {
  const handler = (request: HttpRequest) => {
    csrfState(request, settings)
    request.csrfToken = () => getToken(request)
    return whenReady(getResponse(request), (response) => {
      finishCsrfResponse(request, response)
      return response
    })
  }
  handler.processView = (request: HttpRequest, view: ViewFunction) => {
    const state = csrfState(request, settings)
    if (state.done || isCsrfExempt(view)) return undefined
    state.done = true
    // checkCsrf's first rule, answered here without its promise: safe methods always pass.
    if (SAFE_METHODS.has(request.method)) return undefined
    return checkCsrf(request).then((failure) =>
      failure ? rejectCsrf(request, failure, settings) : undefined,
    )
  }
  return handler
})
