/**
 * @module Access control for function views (Django's login_required, permission_required,
 * user_passes_test) and its helper redirectToLogin(). Anonymous users are sent to LOGIN_URL
 * with `?next=<this path>`; a logged-in user who fails the test gets 403 (when asked with
 * `raiseException`, as permissionRequired does by default for logged-in users).
 */
import type { Settings } from '../../conf/index.ts'
import {
  HttpResponseRedirect,
  PermissionDenied,
  type HttpRequest,
  type HttpResponseBase,
} from '../../http/index.ts'
import { requestSettings } from '../../views/index.ts'
import type { AnonymousUser } from './anonymous-user.ts'
import { hasPerms } from './backend.ts'
import './request-user.ts'
import type { AuthUser } from './user-model.ts'

type AnyView<P> = (request: HttpRequest, params: P) => HttpResponseBase | Promise<HttpResponseBase>

/** A test on the request's user; may be async. */
export type UserTest = (
  user: AuthUser | AnonymousUser,
  request: HttpRequest,
) => boolean | Promise<boolean>

/** Options of the access decorators. */
export interface AccessOptions {
  /** Where to log in (default LOGIN_URL). */
  loginUrl?: string
  /** The query parameter that carries the way back (default `next`). */
  redirectFieldName?: string
  /** Answer 403 instead of redirecting, even for anonymous users. */
  raiseException?: boolean
}

function userOf(request: HttpRequest): AuthUser | AnonymousUser {
  const user = (request as { user?: AuthUser | AnonymousUser }).user
  if (!user) {
    throw Object.assign(
      new Error(
        'request.user is not set: add AuthenticationMiddleware (framework/contrib/auth) to MIDDLEWARE after SessionMiddleware.',
      ),
      { code: 'auth.E008' },
    )
  }
  return user
}

/**
 * The redirect to the login page, carrying the current path as `next`. When the login page is
 * on another host, `next` is the absolute URL (Django's redirect_to_login).
 *
 * @example
 * ```ts
 * if (!request.user.isAuthenticated) return redirectToLogin(request)
 * ```
 */
export function redirectToLogin(
  request: HttpRequest,
  options: {
    loginUrl?: string
    redirectFieldName?: string
    settings?: Pick<Settings, 'LOGIN_URL'>
  } = {},
): HttpResponseRedirect {
  const loginUrl = options.loginUrl ?? (options.settings ?? requestSettings(request)).LOGIN_URL
  const field = options.redirectFieldName ?? 'next'
  let next = request.getFullPath()
  const target = new URL(loginUrl, 'http://placeholder.invalid')
  const sameSite = target.host === 'placeholder.invalid' || target.host === request.getHost()
  if (!sameSite) next = request.buildAbsoluteUri()
  target.searchParams.set(field, next)
  const location =
    target.host === 'placeholder.invalid'
      ? `${target.pathname}${target.search}${target.hash}`
      : target.toString()
  return new HttpResponseRedirect(location)
}

/**
 * Runs the view only when `test(user)` passes; otherwise anonymous users go to the login page
 * and logged-in ones get 403 when `raiseException`, else the login page too (Django's rule).
 *
 * @example
 * ```ts
 * export const staffOnly = userPassesTest((user) => user.isAuthenticated && !!user.isStaff)(dashboard)
 * ```
 */
export function userPassesTest(test: UserTest, options: AccessOptions = {}) {
  return <P>(view: AnyView<P>): AnyView<P> => {
    const wrapped = async (request: HttpRequest, params: P) => {
      const user = userOf(request)
      if (await test(user, request)) return view(request, params)
      if (options.raiseException) throw new PermissionDenied()
      return redirectToLogin(request, {
        ...(options.loginUrl !== undefined ? { loginUrl: options.loginUrl } : {}),
        ...(options.redirectFieldName !== undefined
          ? { redirectFieldName: options.redirectFieldName }
          : {}),
      })
    }
    Object.defineProperty(wrapped, 'name', { value: view.name })
    return wrapped
  }
}

/**
 * Only logged-in users; others are redirected to LOGIN_URL with `next`.
 *
 * @example
 * ```ts
 * export const profile = loginRequired(async (request) => render(request, 'profile.html'))
 * export const urlpatterns = [path('profile/', profile)]
 * ```
 */
export function loginRequired<P>(view: AnyView<P>, options: AccessOptions = {}): AnyView<P> {
  return userPassesTest((user) => user.isAuthenticated, options)(view)
}

/**
 * Only users with every permission in `perms` (`'polls.change_question'`). Anonymous users are
 * sent to log in; logged-in users without the permission get 403 (pass `raiseException: false`
 * to send them to the login page instead, Django's default).
 *
 * @example
 * ```ts
 * export const edit = permissionRequired('polls.change_question')(editView)
 * ```
 */
export function permissionRequired(perms: string | readonly string[], options: AccessOptions = {}) {
  const list = typeof perms === 'string' ? [perms] : [...perms]
  return <P>(view: AnyView<P>): AnyView<P> => {
    const wrapped = async (request: HttpRequest, params: P) => {
      const user = userOf(request)
      if (!user.isAuthenticated && !options.raiseException) {
        return redirectToLogin(request, {
          ...(options.loginUrl !== undefined ? { loginUrl: options.loginUrl } : {}),
          ...(options.redirectFieldName !== undefined
            ? { redirectFieldName: options.redirectFieldName }
            : {}),
        })
      }
      if (await hasPerms(user, list, requestSettings(request))) return view(request, params)
      if (options.raiseException === false) return redirectToLogin(request, options)
      throw new PermissionDenied()
    }
    Object.defineProperty(wrapped, 'name', { value: view.name })
    return wrapped
  }
}
