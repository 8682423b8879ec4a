/**
 * @module PasswordChangeView and PasswordChangeDoneView (Django's): a logged-in user changes
 * their password; this session stays logged in, every other session of theirs is logged out.
 */
import {
  HttpResponseRedirect,
  type HttpRequest,
  type HttpResponseBase,
} from '../../../http/index.ts'
import { TemplateView, requestSettings } from '../../../views/index.ts'
import { PasswordChangeForm } from '../forms.ts'
import { LoginRequiredMixin } from '../mixins.ts'
import { updateSessionAuthHash } from '../session-auth.ts'
import type { AuthUser } from '../user-model.ts'
import { resolveUrl } from './success-url.ts'

/**
 * `registration/password_change_form.html` with `form`; on success redirects to `successUrl`
 * (default: the route named `password_change_done`).
 *
 * @example
 * ```ts
 * path('accounts/password_change/', PasswordChangeView.asView(), { name: 'password_change' })
 * ```
 */
export class PasswordChangeView extends LoginRequiredMixin(TemplateView) {
  override templateName: string | undefined = 'registration/password_change_form.html'
  successUrl = 'password_change_done'

  override async get(
    request: HttpRequest,
    _params: Record<string, unknown>,
  ): Promise<HttpResponseBase> {
    const form = new PasswordChangeForm(request.user as AuthUser, requestSettings(request))
    return this.renderToResponse(await this.getContextData({ form, title: 'Password change' }))
  }

  async post(request: HttpRequest, _params: Record<string, unknown>): Promise<HttpResponseBase> {
    await request.parseBody()
    const form = new PasswordChangeForm(request.user as AuthUser, requestSettings(request)).bind(
      request.POST,
    )
    if (!(await form.isValid())) {
      return this.renderToResponse(await this.getContextData({ form, title: 'Password change' }))
    }
    const user = await form.save()
    await updateSessionAuthHash(request, user)
    return new HttpResponseRedirect(resolveUrl(this.successUrl))
  }
}

/**
 * `registration/password_change_done.html`, for logged-in users.
 *
 * @example
 * ```ts
 * path('accounts/password_change/done/', PasswordChangeDoneView.asView(), { name: 'password_change_done' })
 * ```
 */
export class PasswordChangeDoneView extends LoginRequiredMixin(TemplateView) {
  override templateName: string | undefined = 'registration/password_change_done.html'
}
