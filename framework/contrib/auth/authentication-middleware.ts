/**
 * @module AuthenticationMiddleware (Django's): sets `request.user` from the session before the
 * view. No query when the session names no user; one primary-key query when it does.
 */
import type { Middleware } from '../../core/index.ts'
import { SessionMiddleware } from '../sessions/index.ts'
import { getHashers } from './hashers/passwords.ts'
import { getPasswordValidators } from './password-validation/validate-password.ts'
import './request-user.ts'
import { getUser, setRequestUser } from './session-auth.ts'

/**
 * The auth middleware. List it after SessionMiddleware.
 *
 * @example
 * ```ts
 * import { SessionMiddleware } from 'framework/contrib/sessions'
 * import { AuthenticationMiddleware } from 'framework/contrib/auth'
 *
 * defineSettings({ MIDDLEWARE: ['SecurityMiddleware', SessionMiddleware, 'CommonMiddleware', CsrfViewMiddleware, AuthenticationMiddleware] })
 * ```
 */
export const AuthenticationMiddleware: Middleware = function AuthenticationMiddleware(
  getResponse,
  { settings },
) {
  // Configuration errors surface when the application is built, not on the first request.
  // By identity, or by name for a string entry (a future built-in name, a wrapped factory).
  const named = (entry: unknown, name: string, factory: unknown) =>
    entry === factory || (typeof entry === 'string' && entry.split('.').pop() === name)
  const session = settings.MIDDLEWARE.findIndex((e) =>
    named(e, 'SessionMiddleware', SessionMiddleware),
  )
  const auth = settings.MIDDLEWARE.findIndex((e) =>
    named(e, 'AuthenticationMiddleware', AuthenticationMiddleware),
  )
  if (session < 0 || (auth >= 0 && session > auth)) {
    throw Object.assign(
      new Error(
        'AuthenticationMiddleware needs request.session: list SessionMiddleware (framework/contrib/sessions) before it in MIDDLEWARE.',
      ),
      { code: 'auth.E006' },
    )
  }
  getHashers(settings)
  getPasswordValidators(settings)
  return async (request) => {
    const user = await getUser(request, settings)
    setRequestUser(request, user)
    request.auser = async () => request.user
    return getResponse(request)
  }
}
