/**
 * @module The response to a failed CSRF check: CSRF_FAILURE_VIEW, or a 403 page that gives the
 * reason and its code in DEBUG (and only a generic sentence otherwise). The reason always goes
 * to wsgi.errors, as Django logs it.
 */
import type { Settings } from '../../conf/index.ts'
import { HttpResponseBase, HttpResponseForbidden, type HttpRequest } from '../../http/index.ts'
import { escapeHtml } from '../../templates/index.ts'
import type { CsrfFailure } from './csrf-reasons.ts'

/** What CSRF_FAILURE_VIEW receives besides the request. */
export type CsrfFailureView = (
  request: HttpRequest,
  reason: string,
  code: CsrfFailure['code'],
) => HttpResponseBase | Promise<HttpResponseBase>

const HELP: Partial<Record<CsrfFailure['code'], string>> = {
  'csrf.no_cookie':
    'The browser sent no CSRF cookie. If cookies are disabled, enable them for this site; a view that renders a form must call getToken() (a template using csrfInput or csrfToken does), or be wrapped in ensureCsrfCookie().',
  'csrf.token_missing':
    'Forms need <%~ it.csrfInput %> inside the <form>; JavaScript sends the token in the X-CSRFToken header.',
  'csrf.token_incorrect':
    'The token belongs to another secret: the page was rendered before a login, in another browser, or the cookie was replaced. Reload the form and submit again.',
  'csrf.bad_origin':
    'Add the origin to CSRF_TRUSTED_ORIGINS if it is yours (e.g. a front end on another host).',
  'csrf.no_referer':
    'HTTPS requests without Origin must send a Referer; a Referrer-Policy of no-referrer (or a privacy extension) removes it. Use same-origin.',
  'csrf.insecure_referer':
    'The form was posted from a plain-http page to an https one: serve every page over HTTPS.',
}

/** The built-in failure page. */
function failurePage(
  request: HttpRequest,
  failure: CsrfFailure,
  settings: Settings,
): HttpResponseBase {
  const detail = settings.DEBUG
    ? `<p>Reason given for failure: <code>${escapeHtml(failure.reason)}</code> [${escapeHtml(failure.code)}]</p>
<p>${escapeHtml(HELP[failure.code] ?? 'See docs/csrf.md.')}</p>
<p>You are seeing this because DEBUG is on; visitors only see the first sentence.</p>`
    : ''
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="robots" content="NONE,NOARCHIVE"><title>403 Forbidden</title></head>
<body><h1>Forbidden <span>(403)</span></h1><p>CSRF verification failed. Request aborted.</p>
${detail}</body></html>`
  return new HttpResponseForbidden(html)
}

/**
 * The 403 for `failure`: logged, then CSRF_FAILURE_VIEW's response or the built-in page.
 *
 * @example
 * ```ts
 * const failure = await checkCsrf(request)
 * if (failure) return rejectCsrf(request, failure, settings)
 * ```
 */
export async function rejectCsrf(
  request: HttpRequest,
  failure: CsrfFailure,
  settings: Settings,
): Promise<HttpResponseBase> {
  try {
    request.META['wsgi.errors'].write(
      `Forbidden (${failure.reason}) [${failure.code}]: ${request.META.REQUEST_METHOD} ${request.META.PATH_INFO}\n`,
    )
  } catch {
    // A failed log line must not turn a 403 into a 500.
  }
  const view = settings.CSRF_FAILURE_VIEW as CsrfFailureView | undefined
  if (view) return view(request, failure.reason, failure.code)
  return failurePage(request, failure, settings)
}
