/**
 * @module LoginView and LogoutView (Django's): log in with AuthenticationForm, then go to a safe
 * `next` or LOGIN_REDIRECT_URL; log out on POST only (a GET link or an <img> must not log
 * anyone out), then go to `next`, LOGOUT_REDIRECT_URL, or the logged-out page.
 */
import {
  HttpResponseRedirect,
  type HttpRequest,
  type HttpResponseBase,
} from '../../../http/index.ts'
import { TemplateView, View, render, requestSettings } from '../../../views/index.ts'
import { AuthenticationForm } from '../forms.ts'
import '../request-user.ts'
import { login, logout } from '../session-auth.ts'
import { resolveUrl, safeNext } from './success-url.ts'

/**
 * The login page: `registration/login.html` with `form`, `next` and `redirectFieldName`.
 *
 * @example
 * ```ts
 * path('accounts/login/', LoginView.asView(), { name: 'login' })
 * path('login/', LoginView.asView({ templateName: 'myapp/login.html', redirectAuthenticatedUser: true }))
 * ```
 */
export class LoginView extends TemplateView {
  override templateName: string | undefined = 'registration/login.html'
  redirectFieldName = 'next'
  /** A logged-in user who opens the page is sent on at once. */
  redirectAuthenticatedUser = false
  /** Hosts besides the request's that `next` may point to. */
  successUrlAllowedHosts: readonly string[] = []
  /** Where to go without `next` (default LOGIN_REDIRECT_URL). */
  nextPage: string | undefined = undefined

  /** The URL after login. */
  getSuccessUrl(): string {
    const next = safeNext(this.request, {
      fieldName: this.redirectFieldName,
      allowedHosts: this.successUrlAllowedHosts,
    })
    return next || resolveUrl(this.nextPage ?? requestSettings(this.request).LOGIN_REDIRECT_URL)
  }

  override async getContextData(
    extra: Record<string, unknown> = {},
  ): Promise<Record<string, unknown>> {
    return super.getContextData({
      next: safeNext(this.request, {
        fieldName: this.redirectFieldName,
        allowedHosts: this.successUrlAllowedHosts,
      }),
      redirectFieldName: this.redirectFieldName,
      ...extra,
    })
  }

  override async get(
    request: HttpRequest,
    _params: Record<string, unknown>,
  ): Promise<HttpResponseBase> {
    if (this.redirectAuthenticatedUser && request.user.isAuthenticated) {
      return new HttpResponseRedirect(this.getSuccessUrl())
    }
    return this.renderToResponse(
      await this.getContextData({ form: new AuthenticationForm(requestSettings(request)) }),
    )
  }

  async post(request: HttpRequest, _params: Record<string, unknown>): Promise<HttpResponseBase> {
    await request.parseBody()
    const form = new AuthenticationForm(requestSettings(request)).bind(request.POST)
    if (!(await form.isValid())) return this.renderToResponse(await this.getContextData({ form }))
    await login(request, form.getUser())
    return new HttpResponseRedirect(this.getSuccessUrl())
  }
}

/**
 * Logs out on POST, then redirects to a safe `next`, LOGOUT_REDIRECT_URL or `nextPage`, or
 * renders `registration/logged_out.html`. GET is 405.
 *
 * @example
 * ```ts
 * path('accounts/logout/', LogoutView.asView({ nextPage: '/' }), { name: 'logout' })
 * // <form method="post" action="/accounts/logout/"> + CSRF input + <button>Log out</button></form>
 * ```
 */
export class LogoutView extends View {
  templateName = 'registration/logged_out.html'
  redirectFieldName = 'next'
  nextPage: string | undefined = undefined

  async post(request: HttpRequest, _params: Record<string, unknown>): Promise<HttpResponseBase> {
    await request.parseBody()
    await logout(request)
    const next = safeNext(request, { fieldName: this.redirectFieldName })
    const target = next || this.nextPage || requestSettings(request).LOGOUT_REDIRECT_URL
    if (target) return new HttpResponseRedirect(resolveUrl(target))
    return render(request, this.templateName, { view: this })
  }
}
