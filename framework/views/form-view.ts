/**
 * @module FormView: GET shows a form, POST binds it to the submitted data and validates it;
 * valid → formValid() (redirect to successUrl), invalid → the page again with the errors
 * (status 200, as Django). CSRF is the middleware's job, not the view's.
 */
import {
  HttpResponseRedirect,
  type HttpRequest,
  type HttpResponseBase,
} from '../http/index.ts'
import {
  defaultRenderer,
  formRenderer,
  type FieldMap,
  type Form,
  type FormOptions,
  type FormRenderer,
} from '../forms/index.ts'
import type { Settings } from '../conf/index.ts'
import { TemplateView } from './template-view.ts'

/** A form class a FormView can instantiate. */
export type FormViewFormClass<F extends FieldMap = FieldMap> = new (options?: FormOptions<F>) => Form<F>

/** The renderer of a request's project (its templates override the form templates). */
export function requestFormRenderer(request: HttpRequest): FormRenderer {
  const settings = request.state['settings'] as Settings | undefined
  return settings ? formRenderer(settings) : defaultRenderer()
}

/**
 * A form page. Set `formClass`, `templateName` and `successUrl`; the template gets `form`.
 * Override formValid() to act on `form.cleanedData`.
 *
 * @example
 * ```ts
 * class ContactView extends FormView<typeof ContactForm.definition.fields> {
 *   override templateName = 'contact.html'
 *   override formClass = ContactForm
 *   override successUrl = '/thanks/'
 *   override async formValid(form: InstanceType<typeof ContactForm>) {
 *     await sendMail(form.cleanedData.email)
 *     return super.formValid(form)
 *   }
 * }
 * ```
 */
export class FormView<F extends FieldMap = FieldMap> extends TemplateView {
  formClass: FormViewFormClass<F> | undefined = undefined
  /** Initial values of the unbound form. */
  initial: Record<string, unknown> = {}
  prefix: string | undefined = undefined
  /** Where a valid submission redirects (a URL, not a route name). */
  successUrl: string | undefined = undefined

  /** The form class; a coded error when none was set. */
  getFormClass(): FormViewFormClass<F> {
    if (!this.formClass) {
      throw Object.assign(
        new Error(`${this.constructor.name} has no formClass: set formClass = MyForm (made with defineForm()).`),
        { code: 'views.no_form_class' },
      )
    }
    return this.formClass
  }

  getInitial(): Record<string, unknown> {
    return { ...this.initial }
  }

  /** The options the form is built with: initial, prefix, the project's renderer, and the data on POST/PUT. */
  getFormKwargs(): FormOptions<F> & Record<string, unknown> {
    const method = this.request.method
    return {
      initial: this.getInitial() as FormOptions<F>['initial'],
      ...(this.prefix !== undefined ? { prefix: this.prefix } : {}),
      renderer: requestFormRenderer(this.request),
      ...(method === 'POST' || method === 'PUT' ? { data: this.request.POST, files: this.request.FILES } : {}),
    }
  }

  /** Builds the form and loads its database choices. */
  async getForm(): Promise<Form<F>> {
    const FormClass = this.getFormClass()
    return new FormClass(this.getFormKwargs()).prepare()
  }

  /** Where to go after a valid submission. */
  getSuccessUrl(): string {
    if (!this.successUrl) {
      throw Object.assign(
        new Error(`${this.constructor.name} has no successUrl: set it or override formValid().`),
        { code: 'views.no_success_url' },
      )
    }
    // successUrl is a URL (Django's success_url), not a route name: no reversing.
    return this.successUrl
  }

  /** Called with a valid form; redirects to getSuccessUrl() by default. */
  async formValid(_form: Form<F>): Promise<HttpResponseBase> {
    return new HttpResponseRedirect(this.getSuccessUrl())
  }

  /** Called with an invalid form: the page again, with the errors and the user's input. */
  async formInvalid(form: Form<F>): Promise<HttpResponseBase> {
    return this.renderToResponse(await this.getContextData({ form }))
  }

  override async get(_request: HttpRequest, _params: Record<string, unknown>): Promise<HttpResponseBase> {
    return this.renderToResponse(await this.getContextData({ form: await this.getForm() }))
  }

  async post(request: HttpRequest, _params: Record<string, unknown>): Promise<HttpResponseBase> {
    await request.parseBody()
    const form = await this.getForm()
    return (await form.isValid()) ? this.formValid(form) : this.formInvalid(form)
  }
}
