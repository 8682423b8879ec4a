/**
 * @module SessionMiddleware (Django's): gives every request `request.session`, and after the
 * view saves it and sets (or deletes) the cookie.
 *
 * Loading is eager: before the view, and only when the request carries a session cookie (one
 * primary-key query for the db backend; none for signed cookies or cookie-less requests). That is
 * what keeps `request.session.get()` synchronous.
 */
import { trustedMiddleware, whenReady, type Middleware } from '../../core/index.ts'
import type { HttpRequest, HttpResponseBase } from '../../http/index.ts'
import type { Settings } from '../../conf/index.ts'
import { SessionBase } from './session-base.ts'
import { sessionBackend } from './session-engine.ts'
import './request-session.ts'

/**
 * The session middleware. List it in MIDDLEWARE before anything that reads `request.session`
 * (CsrfViewMiddleware with CSRF_USE_SESSIONS, auth, messages).
 *
 * @example
 * ```ts
 * // project/settings.ts
 * import { SessionMiddleware } from 'framework/contrib/sessions'
 * import { CsrfViewMiddleware } from 'framework/contrib/csrf'
 *
 * export const settings = defineSettings({
 *   INSTALLED_APPS: ['framework/contrib/sessions', 'project/polls'],
 *   MIDDLEWARE: ['SecurityMiddleware', SessionMiddleware, 'CommonMiddleware', CsrfViewMiddleware],
 * })
 * ```
 */
export const SessionMiddleware: Middleware = trustedMiddleware(function SessionMiddleware(getResponse, { settings }) {
  const backend = sessionBackend(settings)
  const options = {
    cookieAge: settings.SESSION_COOKIE_AGE,
    expireAtBrowserClose: settings.SESSION_EXPIRE_AT_BROWSER_CLOSE,
  }
  const respond = (request: HttpRequest, session: SessionBase, hadCookie: boolean) => {
    request.session = session
    return whenReady(getResponse(request), (response) =>
      finishSession(request, response, settings, hadCookie)
        ? saveSession(request, response, settings).then(() => response)
        : response,
    )
  }
  return (request) => {
    const cookie = request.COOKIES[settings.SESSION_COOKIE_NAME]
    const session = new SessionBase(backend, cookie || undefined, options)
    const hadCookie = cookie !== undefined
    // Loaded first only when there is a key to look up: most requests (wrk's, first visits) have
    // none, and then nothing here waits.
    if (!session.loaded) return session.load().then(() => respond(request, session, hadCookie))
    return respond(request, session, hadCookie)
  }
})

/**
 * Django's process_response up to the save: Vary, or delete the cookie of an emptied session.
 * True when the session must be saved and its cookie set (saveSession).
 */
function finishSession(
  request: HttpRequest,
  response: HttpResponseBase,
  settings: Settings,
  hadCookie: boolean,
): boolean {
  const session = request.session
  if (session.accessed) addVary(response, 'Cookie')
  if (hadCookie && session.isEmpty) {
    response.deleteCookie(settings.SESSION_COOKIE_NAME, {
      path: settings.SESSION_COOKIE_PATH,
      ...(settings.SESSION_COOKIE_DOMAIN ? { domain: settings.SESSION_COOKIE_DOMAIN } : {}),
      ...(settings.SESSION_COOKIE_SAMESITE ? { sameSite: settings.SESSION_COOKIE_SAMESITE } : {}),
    })
    return false
  }
  const wanted = session.modified || settings.SESSION_SAVE_EVERY_REQUEST
  // A 5xx means the view failed half-way: keep the stored session as it was (Django's rule).
  return wanted && !session.isEmpty && response.status < 500
}

/** Saves the session and sets its cookie. */
async function saveSession(
  request: HttpRequest,
  response: HttpResponseBase,
  settings: Settings,
): Promise<void> {
  const session = request.session
  const key = await session.save()
  const atBrowserClose = session.getExpireAtBrowserClose()
  response.setCookie(settings.SESSION_COOKIE_NAME, key, {
    ...(atBrowserClose ? {} : { maxAge: session.getExpiryAge() }),
    path: settings.SESSION_COOKIE_PATH,
    ...(settings.SESSION_COOKIE_DOMAIN ? { domain: settings.SESSION_COOKIE_DOMAIN } : {}),
    secure: settings.SESSION_COOKIE_SECURE,
    httpOnly: settings.SESSION_COOKIE_HTTPONLY,
    ...(settings.SESSION_COOKIE_SAMESITE ? { sameSite: settings.SESSION_COOKIE_SAMESITE } : {}),
  })
}

/** Adds `field` to the Vary header unless it is there. */
export function addVary(response: HttpResponseBase, field: string): void {
  const current = response.headers.get('Vary')
  const fields = current ? current.split(',').map((f) => f.trim().toLowerCase()) : []
  if (fields.includes(field.toLowerCase()) || fields.includes('*')) return
  response.headers.set('Vary', current ? `${current}, ${field}` : field)
}
