/**
 * @module The password reset flow (Django's four views):
 *
 * 1. PasswordResetView: an email address; every active user with it gets a link
 *    `reset/<uidb64>/<token>/` by email. The answer is the same whether or not the address is
 *    known, so the form cannot be used to find accounts.
 * 2. PasswordResetDoneView: "check your email".
 * 3. PasswordResetConfirmView: the link. The token moves into the session and the browser is
 *    redirected to `reset/<uidb64>/set-password/`, so the token never sits in a page URL that a
 *    Referer header could leak. A valid token shows SetPasswordForm; saving it changes the
 *    password hash, which kills the token (and every other outstanding one).
 * 4. PasswordResetCompleteView: "your password has been set".
 */
import {
  HttpResponseRedirect,
  type HttpRequest,
  type HttpResponseBase,
} from '../../../http/index.ts'
import { sendMail } from '../../../core/index.ts'
import { getRootResolver } from '../../../urls/index.ts'
import { TemplateView, requestSettings, templateEngine } from '../../../views/index.ts'
import { PasswordResetForm, SetPasswordForm } from '../forms.ts'
import { login } from '../session-auth.ts'
import { PasswordResetTokenGenerator, decodeUid, encodeUid } from '../tokens.ts'
import { getUserModel, pkFromText, type AuthUser } from '../user-model.ts'
import { resolveUrl } from './success-url.ts'

/** The session key holding a reset token between the link and the form (Django's name). */
export const INTERNAL_RESET_SESSION_TOKEN = '_password_reset_token'
const RESET_URL_TOKEN = 'set-password'

/**
 * Asks for an email address and sends the reset links.
 *
 * @example
 * ```ts
 * path('accounts/password_reset/', PasswordResetView.asView(), { name: 'password_reset' })
 * ```
 */
export class PasswordResetView extends TemplateView {
  override templateName: string | undefined = 'registration/password_reset_form.html'
  emailTemplateName = 'registration/password_reset_email.html'
  subjectTemplateName = 'registration/password_reset_subject.txt'
  /** The sender (default DEFAULT_FROM_EMAIL). */
  fromEmail: string | undefined = undefined
  successUrl = 'password_reset_done'
  /** The route name of the confirm view, reversed with `{ uidb64, token }` for the link. */
  confirmUrlName = 'password_reset_confirm'

  override async get(
    _request: HttpRequest,
    _params: Record<string, unknown>,
  ): Promise<HttpResponseBase> {
    return this.renderToResponse(
      await this.getContextData({ form: new PasswordResetForm(), title: 'Password reset' }),
    )
  }

  async post(request: HttpRequest, _params: Record<string, unknown>): Promise<HttpResponseBase> {
    await request.parseBody()
    const form = new PasswordResetForm().bind(request.POST)
    if (!(await form.isValid())) {
      return this.renderToResponse(await this.getContextData({ form, title: 'Password reset' }))
    }
    const settings = requestSettings(request)
    const tokens = new PasswordResetTokenGenerator(settings)
    const engine = templateEngine(settings)
    const domain = request.getHost()
    const protocol = request.isSecure() ? 'https' : 'http'
    for (const user of await form.getUsers(settings)) {
      const uidb64 = encodeUid(user.pk as number | string)
      const token = tokens.makeToken(user)
      const path = this.#confirmPath(uidb64, token)
      const context = {
        email: user.email,
        domain,
        siteName: domain,
        protocol,
        uid: uidb64,
        token,
        user,
        resetUrl: `${protocol}://${domain}${path}`,
      }
      // A subject is one line: a template's trailing newline must not become a header break.
      const subject = engine.render(this.subjectTemplateName, context).replace(/\s+/g, ' ').trim()
      const body = engine.render(this.emailTemplateName, context)
      await sendMail(
        {
          subject,
          body,
          to: [user.email ?? ''],
          ...(this.fromEmail ? { from: this.fromEmail } : {}),
        },
        settings,
      )
    }
    return new HttpResponseRedirect(resolveUrl(this.successUrl))
  }

  #confirmPath(uidb64: string, token: string): string {
    const resolver = getRootResolver()
    if (!resolver) {
      throw Object.assign(
        new Error(
          'PasswordResetView needs the URLconf to build the reset link: render it inside a request.',
        ),
        {
          code: 'auth.E010',
        },
      )
    }
    return (resolver.reverse as (n: string, p?: Record<string, unknown>) => string)(
      this.confirmUrlName,
      { uidb64, token },
    )
  }
}

/**
 * "We've emailed you instructions": `registration/password_reset_done.html`.
 *
 * @example
 * ```ts
 * path('accounts/password_reset/done/', PasswordResetDoneView.asView(), { name: 'password_reset_done' })
 * ```
 */
export class PasswordResetDoneView extends TemplateView {
  override templateName: string | undefined = 'registration/password_reset_done.html'
}

/**
 * The link from the email: `registration/password_reset_confirm.html` with `validlink` and
 * `form`.
 *
 * @example
 * ```ts
 * path('accounts/reset/<uidb64>/<token>/', PasswordResetConfirmView.asView(), { name: 'password_reset_confirm' })
 * ```
 */
export class PasswordResetConfirmView extends TemplateView {
  override templateName: string | undefined = 'registration/password_reset_confirm.html'
  successUrl = 'password_reset_complete'
  /** Log the user in after the reset. */
  postResetLogin = false

  async #user(uidb64: unknown): Promise<AuthUser | undefined> {
    const pk = typeof uidb64 === 'string' ? decodeUid(uidb64) : undefined
    if (pk === undefined) return undefined
    const model = getUserModel(requestSettings(this.request))
    const lookup = pkFromText(model, pk)
    if (lookup === undefined) return undefined
    return (await model.objects.filter({ pk: lookup } as never).first()) as AuthUser | undefined
  }

  /** The user when the session's token (or `token`) is live for them. */
  async #checked(params: Record<string, unknown>): Promise<AuthUser | undefined> {
    const user = await this.#user(params['uidb64'])
    if (!user) return undefined
    const tokens = new PasswordResetTokenGenerator(requestSettings(this.request))
    const token =
      params['token'] === RESET_URL_TOKEN
        ? this.request.session.get(INTERNAL_RESET_SESSION_TOKEN)
        : undefined
    return token !== undefined && tokens.checkToken(user, token) ? user : undefined
  }

  #invalid(): Promise<HttpResponseBase> {
    return Promise.resolve(
      this.getContextData({
        validlink: false,
        form: undefined,
        title: 'Password reset unsuccessful',
      }),
    ).then((context) => this.renderToResponse(context))
  }

  override async get(
    request: HttpRequest,
    params: Record<string, unknown>,
  ): Promise<HttpResponseBase> {
    const token = params['token']
    if (token !== RESET_URL_TOKEN) {
      const user = await this.#user(params['uidb64'])
      const tokens = new PasswordResetTokenGenerator(requestSettings(request))
      if (!user || !tokens.checkToken(user, token)) return this.#invalid()
      request.session.set(INTERNAL_RESET_SESSION_TOKEN, token)
      const path = request.path.replace(
        new RegExp(`${escapeRegExp(String(token))}/?$`),
        `${RESET_URL_TOKEN}/`,
      )
      return new HttpResponseRedirect(path)
    }
    const user = await this.#checked(params)
    if (!user) return this.#invalid()
    const form = new SetPasswordForm(user, requestSettings(request))
    return this.renderToResponse(
      await this.getContextData({ validlink: true, form, title: 'Enter new password' }),
    )
  }

  async post(request: HttpRequest, params: Record<string, unknown>): Promise<HttpResponseBase> {
    await request.parseBody()
    const user = await this.#checked(params)
    if (!user) return this.#invalid()
    const form = new SetPasswordForm(user, requestSettings(request)).bind(request.POST)
    if (!(await form.isValid())) {
      return this.renderToResponse(
        await this.getContextData({ validlink: true, form, title: 'Enter new password' }),
      )
    }
    await form.save()
    request.session.delete(INTERNAL_RESET_SESSION_TOKEN)
    if (this.postResetLogin) await login(request, user)
    return new HttpResponseRedirect(resolveUrl(this.successUrl))
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/**
 * "Your password has been set": `registration/password_reset_complete.html`, with `loginUrl`.
 *
 * @example
 * ```ts
 * path('accounts/reset/done/', PasswordResetCompleteView.asView(), { name: 'password_reset_complete' })
 * ```
 */
export class PasswordResetCompleteView extends TemplateView {
  override templateName: string | undefined = 'registration/password_reset_complete.html'

  override async getContextData(
    extra: Record<string, unknown> = {},
  ): Promise<Record<string, unknown>> {
    return super.getContextData({
      loginUrl: resolveUrl(requestSettings(this.request).LOGIN_URL),
      ...extra,
    })
  }
}
