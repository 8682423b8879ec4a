/**
 * @module The CSRF state of one request (what Django keeps in request.META["CSRF_COOKIE"] and
 * "CSRF_COOKIE_NEEDS_UPDATE"), under a symbol this module keeps to itself, so it is neither
 * global nor forgeable by a header. getToken() and rotateToken() are the public ways in.
 */
import type { Settings } from '../../conf/index.ts'
import type { HttpRequest, HttpResponseBase } from '../../http/index.ts'
import {
  CSRF_TOKEN_LENGTH,
  maskSecret,
  newCsrfSecret,
  tokenFormatProblem,
  unmaskToken,
} from './csrf-token.ts'
import { patchVary } from './vary.ts'

/** The session key holding the secret with CSRF_USE_SESSIONS (Django's name). */
export const CSRF_SESSION_KEY = '_csrftoken'

interface CsrfState {
  readonly settings: Settings
  /** The secret the client sent (cookie or session), when well formed: what tokens are checked against. */
  readonly clientSecret: string | undefined
  /** The secret to send back: the client's, or a new one; undefined when none yet. */
  secret: string | undefined
  /** Why the client's secret was refused (kept for the token check's reason). */
  cookieProblem: string | undefined
  /** The cookie (or session value) must be (re)sent with the response. */
  needsUpdate: boolean
  /** The check already ran (middleware and csrfProtect on the same view). */
  done: boolean
}

/**
 * Where a request keeps its state. A property rather than a WeakMap keyed by request: a WeakMap
 * entry per request showed in W1's profile (and its entries outlive the request until a GC).
 */
const STATE = Symbol('csrf state')

interface WithCsrfState {
  [STATE]?: CsrfState
}

function stateOf(request: HttpRequest): CsrfState | undefined {
  return (request as WithCsrfState)[STATE]
}

function sessionOf(request: HttpRequest): {
  get(key: string): unknown
  set(key: string, value: unknown): void
} {
  const session = (request as { session?: unknown }).session
  if (!session) {
    throw Object.assign(
      new Error(
        'CSRF_USE_SESSIONS is on but request.session is missing: list SessionMiddleware before CsrfViewMiddleware in MIDDLEWARE.',
      ),
      { code: 'csrf.no_session' },
    )
  }
  return session as { get(key: string): unknown; set(key: string, value: unknown): void }
}

/** The secret as the client sent it: the value, or a format problem. */
function readSecret(
  request: HttpRequest,
  settings: Settings,
): { secret?: string; problem?: string } {
  const raw = settings.CSRF_USE_SESSIONS
    ? sessionOf(request).get(CSRF_SESSION_KEY)
    : request.COOKIES[settings.CSRF_COOKIE_NAME]
  if (typeof raw !== 'string' || raw === '') return {}
  const problem = tokenFormatProblem(raw)
  if (problem) return { problem }
  // A masked token in the cookie (older clients) carries the secret.
  return { secret: raw.length === CSRF_TOKEN_LENGTH ? unmaskToken(raw) : raw }
}

/**
 * The request's CSRF state, created on first use from the cookie or session. A malformed
 * secret is replaced by a new one (sent with the response); the check still fails on it.
 */
export function csrfState(request: HttpRequest, settings?: Settings): CsrfState {
  let state = stateOf(request)
  if (state) return state
  const conf = settings ?? (request.state.settings as Settings | undefined)
  if (!conf) {
    throw Object.assign(
      new Error('No settings on the request: CSRF helpers run inside the framework handler.'),
      { code: 'csrf.no_settings' },
    )
  }
  const { secret, problem } = readSecret(request, conf)
  state = {
    settings: conf,
    clientSecret: secret,
    secret,
    cookieProblem: problem,
    needsUpdate: false,
    done: false,
  }
  if (problem) {
    state.secret = newCsrfSecret()
    state.needsUpdate = true
  }
  ;(request as WithCsrfState)[STATE] = state
  return state
}

/**
 * A masked CSRF token for this request (a new one each call), creating the secret if the client
 * has none; the cookie is then (re)sent with the response. Django's get_token().
 *
 * @example
 * ```ts
 * return JsonResponse({ csrfToken: getToken(request) })
 * ```
 */
export function getToken(request: HttpRequest): string {
  const state = csrfState(request)
  state.secret ??= newCsrfSecret()
  state.needsUpdate = true
  return maskSecret(state.secret)
}

/**
 * Replaces the secret (old tokens stop working). Call it at login, as auth's login() does, so
 * a token seen before login is useless after it.
 *
 * @example
 * ```ts
 * rotateToken(request)
 * ```
 */
export function rotateToken(request: HttpRequest): void {
  const state = csrfState(request)
  state.secret = newCsrfSecret()
  state.needsUpdate = true
}

/** Sends the secret (cookie, or session value) when getToken()/rotateToken() asked for it. */
export function finishCsrfResponse(request: HttpRequest, response: HttpResponseBase): void {
  const state = stateOf(request)
  if (!state?.needsUpdate || state.secret === undefined) return
  state.needsUpdate = false
  const s = state.settings
  if (s.CSRF_USE_SESSIONS) {
    const session = sessionOf(request)
    if (session.get(CSRF_SESSION_KEY) !== state.secret) session.set(CSRF_SESSION_KEY, state.secret)
  } else {
    response.setCookie(s.CSRF_COOKIE_NAME, state.secret, {
      ...(s.CSRF_COOKIE_AGE === null ? {} : { maxAge: s.CSRF_COOKIE_AGE }),
      path: s.CSRF_COOKIE_PATH,
      ...(s.CSRF_COOKIE_DOMAIN ? { domain: s.CSRF_COOKIE_DOMAIN } : {}),
      secure: s.CSRF_COOKIE_SECURE,
      httpOnly: s.CSRF_COOKIE_HTTPONLY,
      ...(s.CSRF_COOKIE_SAMESITE ? { sameSite: s.CSRF_COOKIE_SAMESITE } : {}),
    })
  }
  patchVary(response, 'Cookie')
}
