/**
 * @module The CSRF check of one request (Django's CsrfViewMiddleware.process_view, minus the
 * hooks): safe methods pass; unsafe ones need a trusted Origin (or, over HTTPS without Origin,
 * a trusted Referer) and a token matching the secret.
 */
import type { HttpRequest } from '../../http/index.ts'
import { csrfFailure, type CsrfFailure } from './csrf-reasons.ts'
import { csrfState } from './csrf-state.ts'
import { tokenFormatProblem, tokenMatches } from './csrf-token.ts'
import { originVerified, refererFailure } from './origin-checks.ts'

/** Methods RFC 9110 calls safe: never checked, so they must not change anything. */
export const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE'])

/** The form field carrying the token (Django's name, so existing templates and JS keep working). */
export const CSRF_FIELD_NAME = 'csrfmiddlewaretoken'

/** `HTTP_X_CSRFTOKEN` → `X-CSRFToken`, for messages. */
function headerLabel(environKey: string): string {
  const name = environKey.replace(/^HTTP_/, '').replace(/_/g, '-')
  return name === 'X-CSRFTOKEN' ? 'X-CSRFToken' : name
}

/**
 * Runs the check; undefined when the request may proceed, else why not.
 *
 * @example
 * ```ts
 * const failure = await checkCsrf(request)
 * if (failure) return new HttpResponseForbidden(failure.reason)
 * ```
 */
export async function checkCsrf(request: HttpRequest): Promise<CsrfFailure | undefined> {
  const state = csrfState(request)
  const settings = state.settings
  if (SAFE_METHODS.has(request.method)) return undefined
  const origin = request.META.HTTP_ORIGIN
  if (origin !== undefined) {
    if (!originVerified(request, settings, origin)) {
      return csrfFailure(
        'csrf.bad_origin',
        `Origin checking failed - ${origin} does not match any trusted origins.`,
      )
    }
  } else if (request.isSecure()) {
    const failure = refererFailure(request, settings)
    if (failure) return failure
  }
  if (state.cookieProblem)
    return csrfFailure('csrf.bad_cookie', `CSRF cookie ${state.cookieProblem}.`)
  // The secret the client holds: one made during this request does not count.
  const secret = state.clientSecret
  if (secret === undefined) return csrfFailure('csrf.no_cookie', 'CSRF cookie not set.')
  let token = ''
  let source = 'POST'
  if (request.method === 'POST') {
    // The handler parses form bodies after the view hooks run; the check needs the field now.
    if (
      request.contentType === 'application/x-www-form-urlencoded' ||
      request.contentType === 'multipart/form-data'
    ) {
      await request.parseBody()
    }
    token = request.POST.get(CSRF_FIELD_NAME) ?? ''
  }
  if (token === '') {
    const header = request.META[settings.CSRF_HEADER_NAME]
    if (typeof header !== 'string') return csrfFailure('csrf.token_missing', 'CSRF token missing.')
    token = header
    source = headerLabel(settings.CSRF_HEADER_NAME)
  }
  const problem = tokenFormatProblem(token)
  if (problem) return csrfFailure('csrf.bad_token', `CSRF token from ${source} ${problem}.`)
  if (!tokenMatches(token, secret))
    return csrfFailure('csrf.token_incorrect', `CSRF token from ${source} incorrect.`)
  return undefined
}
