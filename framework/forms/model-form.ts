/**
 * @module ModelForm: a form derived from a model (`modelForm(Question, { fields: [...] })`).
 * Field kinds, max lengths, choices, blank/null and defaults come from the model; validation
 * then runs the model's own checks, unique and uniqueTogether included (against the database,
 * the edited row excluded); `save()` creates or updates the row, many-to-many links after.
 */
import {
  ValidationError as ModelValidationError,
  type AnyModelClass,
  type FieldsOf,
  type InstanceOf,
  type RowOf,
} from '../db/index.ts'
import type { FormField } from './form-field.ts'
import { Form, type CleanedData, type FieldMap, type FormDefinition, type FormOptions } from './form.ts'
import { formFieldFor, isEditable, type ModelFieldMeta } from './model-form-fields.ts'
import { FormUsageError, ValidationError } from './validation-error.ts'
import type { Widget } from './widgets.ts'

type Opt<F> = F extends { readonly __options?: infer O } ? O : never

/** The fields of model `M` a form can edit (no auto keys, no autoNow dates, no binary data). */
export type EditableKeys<M> = {
  [K in keyof FieldsOf<M> & string]: FieldsOf<M>[K] extends { kind: 'AutoField' | 'BigAutoField' | 'BinaryField' }
    ? never
    : Opt<FieldsOf<M>[K]> extends { autoNow: true } | { autoNowAdd: true }
      ? never
      : K
}[keyof FieldsOf<M> & string]

/** The cleaned value of model field `K`: the column value, a key for a relation, keys for many-to-many. */
export type ModelFieldValue<M, K extends string> =
  FieldsOf<M>[K] extends { kind: 'ForeignKey' | 'OneToOneField' }
    ? `${K}Id` extends keyof RowOf<FieldsOf<M>>
      ? RowOf<FieldsOf<M>>[`${K}Id`]
      : never
    : FieldsOf<M>[K] extends { kind: 'ManyToManyField' }
      ? number[]
      : K extends keyof RowOf<FieldsOf<M>>
        ? RowOf<FieldsOf<M>>[K]
        : never

/** The form fields a ModelForm derives for keys `K` of model `M`. */
export type ModelFormFields<M, K extends string> = { [P in K]: FormField<ModelFieldValue<M, P>> }

/** What modelForm() takes besides the field selection. */
export interface ModelFormCustomisation<K extends string, X extends FieldMap> {
  readonly labels?: Partial<Record<K, string>>
  readonly helpTexts?: Partial<Record<K, string>>
  readonly widgets?: Partial<Record<K, Widget>>
  /** Extra form fields (not saved to the model), or replacements for derived ones. */
  readonly extraFields?: X
  readonly cleanField?: FormDefinition<FieldMap>['cleanField']
  readonly clean?: FormDefinition<FieldMap>['clean']
}

/** Options of a ModelForm instance: a Form's, plus the instance to edit. */
export interface ModelFormOptions<M, F extends FieldMap> extends FormOptions<F> {
  /** The row to update; a new (unsaved) instance when omitted. */
  readonly instance?: InstanceOf<M>
  /**
   * Model fields the form does not edit but whose value is set on the instance beforehand and
   * must still be validated (an inline formset's parent key, for uniqueTogether).
   */
  readonly validateFields?: readonly string[]
}

/**
 * A form over a model instance. Use modelForm() to declare one.
 *
 * @example
 * ```ts
 * const form = new QuestionForm({ instance: question }).bind(request.POST)
 * if (await form.isValid()) await form.save()
 * ```
 */
export class ModelForm<M extends AnyModelClass = AnyModelClass, F extends FieldMap = FieldMap> extends Form<F> {
  readonly model: M
  /** The edited row (a new, unsaved one when none was given). Updated by isValid(). */
  readonly instance: InstanceOf<M>
  readonly #modelFieldNames: readonly string[]
  readonly #validateFields: readonly string[]
  readonly #manyInitial = new Map<string, unknown>()

  constructor(model: M, modelFieldNames: readonly string[], definition: FormDefinition<F>, options: ModelFormOptions<M, F> = {}) {
    const instance = options.instance ?? (new model() as InstanceOf<M>)
    const fromInstance: Record<string, unknown> = {}
    for (const name of modelFieldNames) {
      const meta = model.meta.byName.get(name)!
      if (meta.kind === 'ManyToManyField') continue
      // A new instance shows the field's declared default (the form field's initial), not '' or undefined.
      if (options.instance) fromInstance[name] = (instance as Record<string, unknown>)[meta.attname]
    }
    super(definition, { ...options, initial: { ...fromInstance, ...options.initial } as FormOptions<F>['initial'] })
    this.model = model
    this.instance = instance
    this.#modelFieldNames = modelFieldNames
    this.#validateFields = options.validateFields ?? []
  }

  /** Loads database choices, and the current many-to-many links of a saved instance. */
  override async prepare(): Promise<this> {
    await super.prepare()
    if (this.#isSaved()) {
      for (const name of this.#modelFieldNames) {
        const meta = this.model.meta.byName.get(name)!
        if (meta.kind !== 'ManyToManyField' || this.#manyInitial.has(name)) continue
        const manager = (this.instance as Record<string, unknown>)[name] as { all(): { list(): Promise<{ pk: unknown }[]> } }
        this.#manyInitial.set(name, (await manager.all().list()).map((row) => row.pk))
      }
    }
    return this
  }

  override initialFor(name: string): unknown {
    if (this.#manyInitial.has(name) && (this.initial as Record<string, unknown>)[name] === undefined) return this.#manyInitial.get(name)
    return super.initialFor(name)
  }

  #isSaved(): boolean {
    const pk = (this.instance as { pk?: unknown }).pk
    return pk !== undefined && pk !== null
  }

  /**
   * Copies the cleaned values onto the instance and runs the model's checks (fullClean): its
   * validators, choices, and unique / uniqueTogether / unique constraints against the database.
   * Fields the form does not edit, and fields that already failed, are left out, as in Django.
   */
  protected override async postClean(): Promise<void> {
    const cleaned = this.partialCleanedData
    const record = this.instance as Record<string, unknown>
    const failed = new Set(this.issues.flatMap((issue) => issue.path.slice(0, 1)))
    for (const name of this.#modelFieldNames) {
      const meta = this.model.meta.byName.get(name)!
      if (meta.kind === 'ManyToManyField' || !(name in cleaned)) continue
      record[meta.attname] = cleaned[name]
    }
    const exclude = this.model.meta.fields
      .filter((meta: ModelFieldMeta) =>
        this.#validateFields.includes(meta.name)
          ? false
          : !this.#modelFieldNames.includes(meta.name) || failed.has(meta.name) || !(meta.name in cleaned),
      )
      .map((meta: ModelFieldMeta) => meta.name)
    try {
      await (this.instance as { fullClean(o: object): Promise<void> }).fullClean({ exclude, validateUnique: true })
    } catch (error) {
      if (!(error instanceof ModelValidationError)) throw error
      for (const [name, messages] of Object.entries(error.errors)) {
        const target = name in this.fields && name !== '__all__' ? (name as keyof F & string) : null
        for (const message of messages) this.addError(target, new ValidationError(message, /already exists/.test(message) ? 'unique' : 'invalid'))
      }
    }
  }

  /**
   * Saves the instance (INSERT or UPDATE) and then its many-to-many links. With
   * `{ commit: false }` nothing is written: set more values on the returned instance, save it,
   * then call `form.saveM2m()`.
   *
   * @example
   * ```ts
   * const question = await form.save({ commit: false })
   * question.authorId = request.user.id
   * await question.save()
   * await form.saveM2m()
   * ```
   */
  async save(options: { commit?: boolean } = {}): Promise<InstanceOf<M>> {
    if (!(await this.isValid())) {
      throw new FormUsageError(
        'forms.save_invalid',
        `${this.constructor.name}.save() on a form that ${this.isBound ? 'did not validate' : 'is not bound'}: check await form.isValid() first.`,
      )
    }
    if (options.commit === false) return this.instance
    await (this.instance as { save(): Promise<void> }).save()
    await this.saveM2m()
    return this.instance
  }

  /** Saves the many-to-many links from the cleaned data (after the instance has a key). */
  async saveM2m(): Promise<void> {
    const cleaned = this.cleanedData as Record<string, unknown>
    for (const name of this.#modelFieldNames) {
      const meta = this.model.meta.byName.get(name)!
      if (meta.kind !== 'ManyToManyField' || !(name in cleaned)) continue
      const manager = (this.instance as Record<string, unknown>)[name] as { set(keys: readonly unknown[]): Promise<void> }
      await manager.set(cleaned[name] as unknown[])
    }
  }
}

/** A ModelForm class made by modelForm(). */
export interface ModelFormClass<M extends AnyModelClass, F extends FieldMap> {
  new (options?: ModelFormOptions<M, F>): ModelForm<M, F>
  readonly model: M
  /** The model fields the form edits. */
  readonly modelFields: readonly string[]
  readonly definition: FormDefinition<F>
}

/**
 * Declares a form for `model`: list the fields to edit (`fields`, or `'__all__'`), or the ones
 * to leave out (`exclude`). Labels, help texts, widgets and extra fields can be adjusted.
 *
 * @example
 * ```ts
 * export const QuestionForm = modelForm(Question, {
 *   fields: ['questionText', 'pubDate'],
 *   labels: { questionText: 'Question' },
 *   cleanField: { questionText: (value) => String(value).trim() },
 * })
 * ```
 */
export function modelForm<M extends AnyModelClass, const K extends EditableKeys<M>, const X extends FieldMap = {}>(
  model: M,
  options: { readonly fields: readonly K[] } & ModelFormCustomisation<K, X>,
): ModelFormClass<M, Omit<ModelFormFields<M, K>, keyof X> & X>
export function modelForm<M extends AnyModelClass, const X extends FieldMap = {}>(
  model: M,
  options: { readonly fields: '__all__' } & ModelFormCustomisation<EditableKeys<M>, X>,
): ModelFormClass<M, Omit<ModelFormFields<M, EditableKeys<M>>, keyof X> & X>
export function modelForm<M extends AnyModelClass, const E extends EditableKeys<M>, const X extends FieldMap = {}>(
  model: M,
  options: { readonly exclude: readonly E[] } & ModelFormCustomisation<Exclude<EditableKeys<M>, E>, X>,
): ModelFormClass<M, Omit<ModelFormFields<M, Exclude<EditableKeys<M>, E>>, keyof X> & X>
export function modelForm(
  model: AnyModelClass,
  options: { readonly fields?: readonly string[] | '__all__'; readonly exclude?: readonly string[] } & ModelFormCustomisation<string, FieldMap>,
): ModelFormClass<AnyModelClass, FieldMap> {
  const names = selectFields(model, options)
  const fields: FieldMap = {}
  for (const name of names) {
    const meta = model.meta.byName.get(name)!
    let formField = formFieldFor(model, meta)
    const label = options.labels?.[name]
    const helpText = options.helpTexts?.[name]
    const widget = options.widgets?.[name]
    if (label !== undefined || helpText !== undefined || widget !== undefined) {
      formField = formField.with({}, {
        ...(label !== undefined ? { label } : {}),
        ...(helpText !== undefined ? { helpText } : {}),
        ...(widget !== undefined ? { widget } : {}),
      })
    }
    fields[name] = formField
  }
  Object.assign(fields, options.extraFields)
  const definition: FormDefinition<FieldMap> = {
    fields,
    ...(options.cleanField ? { cleanField: options.cleanField } : {}),
    ...(options.clean ? { clean: options.clean } : {}),
  }
  const modelFields = names.filter((name) => !(options.extraFields && name in options.extraFields))
  return class extends ModelForm<AnyModelClass, FieldMap> {
    static readonly model = model
    static readonly modelFields = modelFields
    static readonly definition = definition
    constructor(formOptions: ModelFormOptions<AnyModelClass, FieldMap> = {}) {
      super(model, modelFields, definition, formOptions)
    }
  }
}

function selectFields(
  model: AnyModelClass,
  options: { readonly fields?: readonly string[] | '__all__'; readonly exclude?: readonly string[] },
): string[] {
  const editable = model.meta.fields.filter(isEditable).map((meta: ModelFieldMeta) => meta.name)
  if (options.fields === undefined && options.exclude === undefined) {
    throw new FormUsageError(
      'forms.no_fields',
      `modelForm(${model.modelName}) needs { fields: [...] }, { fields: '__all__' } or { exclude: [...] }: say which fields the form edits.`,
    )
  }
  const listed = options.fields === '__all__' || options.fields === undefined ? editable : options.fields
  for (const name of [...listed, ...(options.exclude ?? [])]) {
    const meta = model.meta.byName.get(name)
    if (!meta) {
      throw new FormUsageError('forms.unknown_model_field', `modelForm(${model.modelName}) names ${JSON.stringify(name)}, which ${model.modelName} does not have (fields: ${model.meta.fields.map((f: ModelFieldMeta) => f.name).join(', ')})`)
    }
    if (!isEditable(meta)) {
      throw new FormUsageError('forms.uneditable_field', `modelForm(${model.modelName}) lists ${JSON.stringify(name)}, which is not editable (an auto key, autoNow date or binary field): leave it out.`)
    }
  }
  return listed.filter((name) => !options.exclude?.includes(name))
}

