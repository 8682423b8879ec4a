/**
 * @module login(), logout() and the user of a session (Django's auth.login/logout/get_user).
 *
 * The session holds the user's id and an HMAC of their password hash. A password change
 * (anywhere: another browser, `changepassword`, a reset) changes that HMAC, so every other
 * session of the user stops being logged in on its next request.
 */
import type { Settings } from '../../conf/index.ts'
import type { HttpRequest } from '../../http/index.ts'
import { requestSettings } from '../../views/index.ts'
import { rotateToken } from '../csrf/index.ts'
import '../sessions/index.ts'
import { AnonymousUser } from './anonymous-user.ts'
import { constantTimeEquals } from './hashers/password-hasher.ts'
import { saltedHmac } from './salted-hmac.ts'
import { getUserModel, pkFromText, type AuthUser } from './user-model.ts'

/** Session keys, Django's names (a session written by one can be read by the other's logic). */
export const SESSION_KEY = '_auth_user_id'
export const BACKEND_SESSION_KEY = '_auth_user_backend'
export const HASH_SESSION_KEY = '_auth_user_hash'
const BACKEND = 'framework.contrib.auth.ModelBackend'

/** The settings login and logout read. */
export type SessionAuthSettings = Pick<
  Settings,
  'AUTH_USER_MODEL' | 'PASSWORD_HASHERS' | 'SECRET_KEY'
>

/**
 * The HMAC of the user's password hash stored in the session (Django's
 * get_session_auth_hash): changes whenever the password does.
 */
export function sessionAuthHash(user: Pick<AuthUser, 'password'>, secret: string): string {
  return saltedHmac(
    'django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash',
    user.password,
    secret,
  )
}

function sessionOf(request: HttpRequest) {
  const session = (request as { session?: HttpRequest['session'] }).session
  if (!session) {
    throw Object.assign(
      new Error(
        'Auth needs request.session: add SessionMiddleware (framework/contrib/sessions) to MIDDLEWARE before AuthenticationMiddleware.',
      ),
      { code: 'auth.E006' },
    )
  }
  return session
}

function settingsOf(request: HttpRequest, settings?: SessionAuthSettings): SessionAuthSettings {
  return settings ?? requestSettings(request)
}

/**
 * Logs `user` in: a new session key (against session fixation: a key planted before login is
 * worthless after), the user's id and password HMAC in the session, a new CSRF secret,
 * `lastLogin` updated, `request.user` set.
 *
 * @example
 * ```ts
 * const user = await authenticate({ username, password }, settings)
 * if (user) { await login(request, user); return redirect('/') }
 * ```
 */
export async function login(
  request: HttpRequest,
  user: AuthUser,
  settings?: SessionAuthSettings,
): Promise<void> {
  const conf = settingsOf(request, settings)
  const session = sessionOf(request)
  const hash = sessionAuthHash(user, conf.SECRET_KEY)
  const current = session.get<string>(SESSION_KEY)
  const currentHash = session.get<string>(HASH_SESSION_KEY) ?? ''
  if (
    current !== undefined &&
    (current !== String(user.pk) || !constantTimeEquals(currentHash, hash))
  ) {
    // Another user's session (or a stale one): start from nothing rather than inherit its data.
    await session.flush()
  } else {
    await session.cycleKey()
  }
  session.set(SESSION_KEY, String(user.pk))
  session.set(BACKEND_SESSION_KEY, BACKEND)
  session.set(HASH_SESSION_KEY, hash)
  // A CSRF token seen before login (by a page an attacker could read) is useless after it.
  rotateToken(request)
  user.lastLogin = new Date()
  await user.save({ updateFields: ['lastLogin'] })
  setRequestUser(request, user)
}

/**
 * Logs the request's user out: the session is flushed (data gone, new key), `request.user`
 * becomes AnonymousUser.
 *
 * @example
 * ```ts
 * await logout(request)
 * ```
 */
export async function logout(request: HttpRequest): Promise<void> {
  await sessionOf(request).flush()
  setRequestUser(request, new AnonymousUser())
}

/**
 * The user of the request's session, or AnonymousUser: none stored, the user gone or inactive,
 * or a password changed since login (then the session is flushed). Makes one primary-key query
 * when the session names a user, none otherwise.
 *
 * @example
 * ```ts
 * const user = await getUser(request, settings)
 * ```
 */
export async function getUser(
  request: HttpRequest,
  settings?: SessionAuthSettings,
): Promise<AuthUser | AnonymousUser> {
  const session = sessionOf(request)
  const id = session.get<string>(SESSION_KEY)
  if (id === undefined) return new AnonymousUser()
  const conf = settingsOf(request, settings)
  const model = getUserModel(conf)
  const pk = pkFromText(model, id)
  if (pk === undefined) return new AnonymousUser()
  const user = (await model.objects.filter({ pk } as never).first()) as AuthUser | undefined
  if (!user || !user.isActive) return new AnonymousUser()
  const stored = session.get<string>(HASH_SESSION_KEY) ?? ''
  if (!constantTimeEquals(stored, sessionAuthHash(user, conf.SECRET_KEY))) {
    await session.flush()
    return new AnonymousUser()
  }
  return user
}

/**
 * After the user changed their own password: store the new HMAC so *this* session stays logged
 * in while every other session of theirs is logged out (Django's update_session_auth_hash).
 *
 * @example
 * ```ts
 * await setPassword(user, newPassword, settings); await user.save()
 * await updateSessionAuthHash(request, user)
 * ```
 */
export async function updateSessionAuthHash(
  request: HttpRequest,
  user: AuthUser,
  settings?: SessionAuthSettings,
): Promise<void> {
  const conf = settingsOf(request, settings)
  const session = sessionOf(request)
  await session.cycleKey()
  if (session.get<string>(SESSION_KEY) === String(user.pk)) {
    session.set(HASH_SESSION_KEY, sessionAuthHash(user, conf.SECRET_KEY))
  }
}

/** Sets `request.user` (and `request.state.user`, which the `user` context processor reads). */
export function setRequestUser(request: HttpRequest, user: AuthUser | AnonymousUser): void {
  ;(request as { user?: unknown }).user = user
  request.state['user'] = user
}
