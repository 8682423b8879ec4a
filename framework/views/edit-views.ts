/**
 * @module The editing generic views: CreateView and UpdateView (a ModelForm page that saves and
 * redirects) and DeleteView (a confirmation page on GET, the delete on POST). Templates default
 * to `<app>/<model>_form.html` and `<app>/<model>_confirm_delete.html`.
 */
import type { AnyModelClass, InstanceOf, QuerySet } from '../db/index.ts'
import { modelForm, type FieldMap, type Form, type ModelForm } from '../forms/index.ts'
import { HttpResponseRedirect, type HttpRequest, type HttpResponseBase } from '../http/index.ts'
import { FormView, type FormViewFormClass } from './form-view.ts'
import { getObjectOr404 } from './shortcuts.ts'
import { TemplateView } from './template-view.ts'

function codedError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code })
}

/** What CreateView, UpdateView and DeleteView share: finding the model, the object, names. */
interface SingleObjectSettings<M extends AnyModelClass> {
  model: M | undefined
  queryset: QuerySet<M> | undefined
  pkUrlKwarg: string
  slugField: string
  slugUrlKwarg: string
  contextObjectName: string | undefined
  templateName: string | undefined
  params: Record<string, unknown>
}

function modelOf<M extends AnyModelClass>(view: SingleObjectSettings<M>, name: string): M {
  const model = view.model ?? (view.queryset as unknown as { model?: M } | undefined)?.model
  if (!model) throw codedError('views.no_model', `${name} has no model: set model = MyModel (or queryset).`)
  return model
}

/** The object named by the URL (pk or slug), or Http404. */
async function findObject<M extends AnyModelClass>(view: SingleObjectSettings<M>, name: string): Promise<InstanceOf<M>> {
  const source = view.queryset ?? modelOf(view, name).objects
  const pk = view.params[view.pkUrlKwarg] ?? view.params['id']
  const slug = view.params[view.slugUrlKwarg]
  if (pk !== undefined) return getObjectOr404(source as QuerySet<M>, { pk } as never)
  if (slug !== undefined) return getObjectOr404(source as QuerySet<M>, { [view.slugField]: slug } as never)
  throw codedError('views.no_lookup', `${name} needs a <int:pk> (or id) or <slug:slug> URL parameter, or an overridden getObject().`)
}

/** `polls/question_form.html` for model polls.Question and suffix `_form`. */
function defaultTemplateName(model: AnyModelClass, suffix: string): string {
  return `${model.meta.appLabel}/${model.modelName.toLowerCase()}${suffix}.html`
}

/** `question` for Question, `blogPost` for BlogPost. */
function defaultContextName(model: AnyModelClass): string {
  return model.modelName.charAt(0).toLowerCase() + model.modelName.slice(1)
}

/** Fills `{field}` placeholders of a success URL from the object (`/polls/{id}/`). */
function fillUrl(template: string, object: unknown): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) =>
    encodeURIComponent(String((object as Record<string, unknown>)[key] ?? '')),
  )
}

const derivedForms = new WeakMap<AnyModelClass, Map<string, FormViewFormClass>>()

/**
 * Shows a ModelForm for a new object and saves it. Set `model` and `fields` (or `formClass`);
 * after saving it redirects to `successUrl` (`{id}`-style placeholders are filled from the new
 * object) or to the object's getAbsoluteUrl().
 *
 * @example
 * ```ts
 * path('questions/new/', CreateView.asView({ model: Question, fields: ['questionText', 'pubDate'] }))
 * ```
 */
export class CreateView<M extends AnyModelClass = AnyModelClass> extends FormView<FieldMap> {
  model: M | undefined = undefined
  queryset: QuerySet<M> | undefined = undefined
  /** The model fields the derived form edits (when no formClass is given). */
  fields: readonly string[] | '__all__' | undefined = undefined
  pkUrlKwarg = 'pk'
  slugField = 'slug'
  slugUrlKwarg = 'slug'
  contextObjectName: string | undefined = undefined
  templateNameSuffix = '_form'
  /** The object being edited (UpdateView), or the one just created. */
  object: InstanceOf<M> | undefined = undefined

  override getTemplateName(): string {
    return this.templateName ?? defaultTemplateName(modelOf(this, this.constructor.name), this.templateNameSuffix)
  }

  /** formClass, or a ModelForm derived from model and fields (cached). */
  override getFormClass(): FormViewFormClass<FieldMap> {
    if (this.formClass) return this.formClass
    const model = modelOf(this, this.constructor.name)
    if (!this.fields) {
      throw codedError(
        'views.no_fields',
        `${this.constructor.name} needs fields (the model fields to edit, or '__all__') or a formClass.`,
      )
    }
    const key = this.fields === '__all__' ? '__all__' : this.fields.join(',')
    let perModel = derivedForms.get(model)
    if (!perModel) derivedForms.set(model, (perModel = new Map()))
    let formClass = perModel.get(key)
    if (!formClass) {
      formClass = modelForm(model as AnyModelClass, { fields: this.fields as never }) as unknown as FormViewFormClass
      perModel.set(key, formClass)
    }
    return formClass
  }

  override getFormKwargs(): ReturnType<FormView['getFormKwargs']> {
    return { ...super.getFormKwargs(), ...(this.object ? { instance: this.object } : {}) }
  }

  /** Saves the form's object, then redirects. */
  override async formValid(form: Form<FieldMap>): Promise<HttpResponseBase> {
    if (typeof (form as unknown as { save?: unknown }).save !== 'function') {
      throw codedError('views.not_a_model_form', `${this.constructor.name}.formClass must be a ModelForm (made with modelForm()), or override formValid().`)
    }
    this.object = (await (form as unknown as ModelForm).save()) as InstanceOf<M>
    return new HttpResponseRedirect(this.getSuccessUrl())
  }

  /** successUrl with placeholders filled, else the object's getAbsoluteUrl(). */
  override getSuccessUrl(): string {
    if (this.successUrl) return fillUrl(this.successUrl, this.object)
    const object = this.object as { getAbsoluteUrl?: () => string } | undefined
    const model = modelOf(this, this.constructor.name)
    if (object && model.meta.options.getAbsoluteUrl) return object.getAbsoluteUrl!()
    throw codedError(
      'views.no_success_url',
      `${this.constructor.name} has no successUrl: set it, or give ${model.modelName} a getAbsoluteUrl option.`,
    )
  }

  override async getContextData(extra: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const context: Record<string, unknown> = {}
    if (this.object) {
      context['object'] = this.object
      context[this.contextObjectName ?? defaultContextName(modelOf(this, this.constructor.name))] = this.object
    }
    return super.getContextData({ ...context, ...extra })
  }
}

/**
 * Shows a ModelForm for an existing object (found by the URL's pk or slug; 404 when missing)
 * and saves the changes.
 *
 * @example
 * ```ts
 * path('questions/<int:pk>/edit/', UpdateView.asView({ model: Question, fields: ['questionText'], successUrl: '/polls/{id}/' }))
 * ```
 */
export class UpdateView<M extends AnyModelClass = AnyModelClass> extends CreateView<M> {
  /** The object to edit; override to restrict it (to the request's user, say). */
  async getObject(): Promise<InstanceOf<M>> {
    return findObject(this, this.constructor.name)
  }

  override async get(request: HttpRequest, params: Record<string, unknown>): Promise<HttpResponseBase> {
    this.object = await this.getObject()
    return super.get(request, params)
  }

  override async post(request: HttpRequest, params: Record<string, unknown>): Promise<HttpResponseBase> {
    this.object = await this.getObject()
    return super.post(request, params)
  }
}

/**
 * Deletes an object: GET shows a confirmation page (`<app>/<model>_confirm_delete.html`, with
 * `object`), POST deletes and redirects to successUrl. Nothing is deleted on GET.
 *
 * @example
 * ```ts
 * path('questions/<int:pk>/delete/', DeleteView.asView({ model: Question, successUrl: '/polls/' }))
 * ```
 */
export class DeleteView<M extends AnyModelClass = AnyModelClass> extends TemplateView {
  model: M | undefined = undefined
  queryset: QuerySet<M> | undefined = undefined
  pkUrlKwarg = 'pk'
  slugField = 'slug'
  slugUrlKwarg = 'slug'
  contextObjectName: string | undefined = undefined
  templateNameSuffix = '_confirm_delete'
  successUrl: string | undefined = undefined
  object: InstanceOf<M> | undefined = undefined

  override getTemplateName(): string {
    return this.templateName ?? defaultTemplateName(modelOf(this, this.constructor.name), this.templateNameSuffix)
  }

  async getObject(): Promise<InstanceOf<M>> {
    return findObject(this, this.constructor.name)
  }

  /** Where to go after deleting (`{field}` placeholders filled from the deleted object). */
  getSuccessUrl(): string {
    if (!this.successUrl) {
      throw codedError('views.no_success_url', `${this.constructor.name} has no successUrl: set it to where the user goes after deleting.`)
    }
    return fillUrl(this.successUrl, this.object)
  }

  override async getContextData(extra: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const context: Record<string, unknown> = {}
    if (this.object) {
      context['object'] = this.object
      context[this.contextObjectName ?? defaultContextName(modelOf(this, this.constructor.name))] = this.object
    }
    return super.getContextData({ ...context, ...extra })
  }

  override async get(_request: HttpRequest, _params: Record<string, unknown>): Promise<HttpResponseBase> {
    this.object = await this.getObject()
    return this.renderToResponse(await this.getContextData())
  }

  async post(_request: HttpRequest, _params: Record<string, unknown>): Promise<HttpResponseBase> {
    this.object = await this.getObject()
    // The URL is computed first: the object's fields (for placeholders) are still there, and a
    // missing successUrl fails before anything is deleted.
    const url = this.getSuccessUrl()
    await (this.object as { delete(): Promise<number> }).delete()
    return new HttpResponseRedirect(url)
  }
}
