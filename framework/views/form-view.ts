/**
 * @module FormView: GET shows the form, POST validates it. A placeholder until the forms issue:
 * "validation" here is a `validate(data)` hook over request.POST.
 */
import {
  HttpResponseRedirect,
  type HttpRequest,
  type HttpResponseBase,
  type QueryDict,
} from '../http/index.ts'
import { TemplateView } from './template-view.ts'

/** What validate() returns: the cleaned data, or errors by field. */
export type FormResult =
  { ok: true; data: Record<string, unknown> } | { ok: false; errors: Record<string, string[]> }

/**
 * A form page. Override validate() (the forms issue replaces it with a Form class) and
 * formValid(); the default formValid() redirects to successUrl.
 *
 * @example
 * ```ts
 * class Contact extends FormView {
 *   override templateName = 'contact.html'
 *   override successUrl = '/thanks/'
 *   override validate(data: QueryDict) {
 *     const email = data.get('email') ?? ''
 *     return email.includes('@') ? { ok: true, data: { email } } : { ok: false, errors: { email: ['Enter an email.'] } }
 *   }
 * }
 * ```
 */
export class FormView extends TemplateView {
  successUrl: string | undefined = undefined

  /** Checks the submitted data (placeholder for the forms issue). */
  validate(data: QueryDict): FormResult | Promise<FormResult> {
    return {
      ok: true,
      data: Object.fromEntries([...data.keys()].map((key) => [key, data.get(key)])),
    }
  }

  /** Called with valid data; redirects to successUrl by default. */
  formValid(_data: Record<string, unknown>): HttpResponseBase | Promise<HttpResponseBase> {
    if (!this.successUrl) {
      throw Object.assign(
        new Error(`${this.constructor.name} has no successUrl: set it or override formValid().`),
        { code: 'views.no_success_url' },
      )
    }
    // successUrl is a URL (Django's success_url), not a route name: no reversing.
    return new HttpResponseRedirect(this.successUrl)
  }

  /** Called with errors: re-renders the form with them (status 200, as Django). */
  async formInvalid(errors: Record<string, string[]>, data: QueryDict): Promise<HttpResponseBase> {
    return this.renderToResponse(await this.getContextData({ errors, data }))
  }

  override async get(
    _request: HttpRequest,
    _params: Record<string, unknown>,
  ): Promise<HttpResponseBase> {
    return this.renderToResponse(await this.getContextData({ errors: {}, data: undefined }))
  }

  async post(request: HttpRequest, _params: Record<string, unknown>): Promise<HttpResponseBase> {
    await request.parseBody()
    const result = await this.validate(request.POST)
    return result.ok ? this.formValid(result.data) : this.formInvalid(result.errors, request.POST)
  }
}
