/**
 * @module View decorators: csrfExempt (no check), csrfProtect (the check for one view, without
 * the middleware), ensureCsrfCookie (send the cookie even if the page renders no token).
 */
import type { Settings } from '../../conf/index.ts'
import type { HttpRequest, ViewFunction } from '../../http/index.ts'
import { checkCsrf } from './csrf-check.ts'
import { csrfState, finishCsrfResponse, getToken } from './csrf-state.ts'
import { rejectCsrf } from './failure-view.ts'

const EXEMPT = Symbol.for('framework.csrf.exempt')

function named<P>(view: ViewFunction<P>, wrapper: ViewFunction<P>): ViewFunction<P> {
  Object.defineProperty(wrapper, 'name', { value: view.name })
  return wrapper
}

/**
 * Marks a view as not needing a token (webhooks authenticated some other way, APIs using
 * tokens in headers). Everything else stays protected.
 *
 * @example
 * ```ts
 * path('hooks/stripe/', csrfExempt(stripeWebhook))
 * ```
 */
export function csrfExempt<P>(view: ViewFunction<P>): ViewFunction<P> {
  const wrapper = named(view, (request, params) => view(request, params))
  return Object.assign(wrapper, { [EXEMPT]: true })
}

/** Whether `view` was wrapped in csrfExempt. */
export function isCsrfExempt(view: unknown): boolean {
  return typeof view === 'function' && (view as { [EXEMPT]?: unknown })[EXEMPT] === true
}

function settingsOf(request: HttpRequest): Settings {
  return request.state.settings as Settings
}

/**
 * The middleware's check for one view, for projects that do not list CsrfViewMiddleware.
 *
 * @example
 * ```ts
 * path('transfer/', csrfProtect(transfer))
 * ```
 */
export function csrfProtect<P>(view: ViewFunction<P>): ViewFunction<P> {
  return named(view, async (request, params) => {
    const state = csrfState(request)
    request.csrfToken ??= () => getToken(request)
    if (!state.done) {
      state.done = true
      const failure = await checkCsrf(request)
      if (failure) return rejectCsrf(request, failure, settingsOf(request))
    }
    const response = await view(request, params)
    finishCsrfResponse(request, response)
    return response
  })
}

/**
 * Sends the CSRF cookie with this view's response even if its page renders no token: for pages
 * whose JavaScript reads the cookie and posts with X-CSRFToken.
 *
 * @example
 * ```ts
 * path('app/', ensureCsrfCookie(singlePageApp))
 * ```
 */
export function ensureCsrfCookie<P>(view: ViewFunction<P>): ViewFunction<P> {
  return named(view, async (request, params) => {
    getToken(request)
    const response = await view(request, params)
    finishCsrfResponse(request, response)
    return response
  })
}
