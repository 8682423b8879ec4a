/**
 * @module Access control for class-based views (Django's LoginRequiredMixin,
 * PermissionRequiredMixin, UserPassesTestMixin), as TypeScript mixins: functions from a View
 * class to a subclass whose dispatch() checks first.
 */
import { PermissionDenied, type HttpRequest, type HttpResponseBase } from '../../http/index.ts'
import { requestSettings, type View } from '../../views/index.ts'
import type { AnonymousUser } from './anonymous-user.ts'
import { hasPerms } from './backend.ts'
import { redirectToLogin } from './decorators.ts'
import './request-user.ts'
import type { AuthUser } from './user-model.ts'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ViewClass = abstract new (...args: any[]) => View

/**
 * Adds the shared options and handleNoPermission(): anonymous → login page with `next`;
 * logged in (or `raiseException`) → 403.
 */
function AccessMixin<T extends ViewClass>(Base: T) {
  abstract class Access extends Base {
    /** Where to log in (default LOGIN_URL). */
    loginUrl: string | undefined = undefined
    /** The query parameter carrying the way back. */
    redirectFieldName = 'next'
    /** 403 even for anonymous users. */
    raiseException = false

    /** The request's user (AuthenticationMiddleware). */
    get user(): AuthUser | AnonymousUser {
      return (this.request as HttpRequest & { user: AuthUser | AnonymousUser }).user
    }

    /** What a refused request gets. */
    handleNoPermission(): HttpResponseBase {
      if (this.raiseException || this.user.isAuthenticated) throw new PermissionDenied()
      return redirectToLogin(this.request, {
        redirectFieldName: this.redirectFieldName,
        ...(this.loginUrl !== undefined ? { loginUrl: this.loginUrl } : {}),
      })
    }
  }
  return Access
}

/**
 * Only logged-in users; anonymous ones are redirected to LOGIN_URL with `next`.
 *
 * @example
 * ```ts
 * class Dashboard extends LoginRequiredMixin(TemplateView) {
 *   override templateName = 'dashboard.html'
 * }
 * ```
 */
export function LoginRequiredMixin<T extends ViewClass>(Base: T) {
  abstract class LoginRequired extends AccessMixin(Base) {
    override async dispatch(
      request: HttpRequest,
      params: Record<string, unknown>,
    ): Promise<HttpResponseBase> {
      if (!this.user.isAuthenticated) return this.handleNoPermission()
      return super.dispatch(request, params)
    }
  }
  return LoginRequired
}

/**
 * Only users with every permission in `permissionRequired`; anonymous users are sent to log
 * in, logged-in users without it get 403.
 *
 * @example
 * ```ts
 * class EditQuestion extends PermissionRequiredMixin(TemplateView) {
 *   override permissionRequired = ['polls.change_question']
 * }
 * ```
 */
export function PermissionRequiredMixin<T extends ViewClass>(Base: T) {
  abstract class PermissionRequired extends AccessMixin(Base) {
    /** The permissions needed (`'app.codename'`). */
    permissionRequired: string | readonly string[] = []

    /** Whether the user has them; override for object-level rules. */
    async hasPermission(): Promise<boolean> {
      const perms =
        typeof this.permissionRequired === 'string'
          ? [this.permissionRequired]
          : this.permissionRequired
      if (perms.length === 0) {
        throw Object.assign(
          new Error(
            `${this.constructor.name} is missing permissionRequired: set it or override hasPermission().`,
          ),
          {
            code: 'auth.E009',
          },
        )
      }
      return hasPerms(this.user, perms, requestSettings(this.request))
    }

    override async dispatch(
      request: HttpRequest,
      params: Record<string, unknown>,
    ): Promise<HttpResponseBase> {
      if (!(await this.hasPermission())) return this.handleNoPermission()
      return super.dispatch(request, params)
    }
  }
  return PermissionRequired
}

/**
 * Only requests for which `testFunc()` is true.
 *
 * @example
 * ```ts
 * class StaffPage extends UserPassesTestMixin(TemplateView) {
 *   override testFunc() { return this.user.isAuthenticated && !!this.user.isStaff }
 * }
 * ```
 */
export function UserPassesTestMixin<T extends ViewClass>(Base: T) {
  abstract class UserPassesTest extends AccessMixin(Base) {
    /** The test; override it. */
    testFunc(): boolean | Promise<boolean> {
      throw Object.assign(new Error(`${this.constructor.name} must override testFunc().`), {
        code: 'auth.E009',
      })
    }

    override async dispatch(
      request: HttpRequest,
      params: Record<string, unknown>,
    ): Promise<HttpResponseBase> {
      if (!(await this.testFunc())) return this.handleNoPermission()
      return super.dispatch(request, params)
    }
  }
  return UserPassesTest
}
