/**
 * @module AuthenticationMiddleware (Django's): sets `request.user` from the session before the
 * view. No query when the session names no user; one primary-key query when it does.
 */
import type { Middleware } from '../../core/index.ts'
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
  return async (request) => {
    const user = await getUser(request, settings)
    setRequestUser(request, user)
    request.auser = async () => request.user
    return getResponse(request)
  }
}
