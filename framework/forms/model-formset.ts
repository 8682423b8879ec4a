/**
 * @module Model formsets: a formset over the rows of a QuerySet (`modelFormset`), and the inline
 * kind over the children of one parent row (`inlineFormset(Question, Choice)`, what an admin
 * inline is). Each form carries its row's key in a hidden field; a key that is not among the
 * QuerySet's rows is refused, so a forged key cannot edit someone else's row.
 */
import type { AnyModelClass, InstanceOf, QuerySet } from '../db/index.ts'
import { field } from './fields.ts'
import type { FieldMap, FormOptions } from './form.ts'
import { Formset, type FormsetConfig, type FormsetOptions } from './formset.ts'
import { dataSource, type FormDataInput } from './form-input.ts'
import { modelForm, type EditableKeys, type ModelForm, type ModelFormClass, type ModelFormCustomisation, type ModelFormFields } from './model-form.ts'
import { FormUsageError } from './validation-error.ts'
import { widgets } from './widgets.ts'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyQuerySet = QuerySet<any, any>

/** Options of a model formset instance. */
export interface ModelFormsetOptions extends Omit<FormsetOptions, 'initial'> {
  /** The rows to edit (default: every row of the model). */
  readonly queryset?: AnyQuerySet
  /** Initial values of the extra forms. */
  readonly initial?: readonly Record<string, unknown>[]
}

/**
 * A formset of ModelForms over a QuerySet. Call `await formset.prepare()` before rendering (it
 * loads the rows); isValid() loads them itself.
 *
 * @example
 * ```ts
 * const tags = new TagFormset({ queryset: Tag.objects.orderBy('name') }).bind(request.POST)
 * if (await tags.isValid()) await tags.save()
 * ```
 */
export class ModelFormset<M extends AnyModelClass = AnyModelClass, F extends FieldMap = FieldMap> extends Formset<F> {
  readonly model: M
  readonly queryset: AnyQuerySet
  #instances: InstanceOf<M>[] | undefined
  #tampered: number[] = []
  readonly #extraInitial: readonly Record<string, unknown>[]

  constructor(formClass: ModelFormClass<M, F>, config: FormsetConfig, options: ModelFormsetOptions = {}) {
    super(formClass, config, { ...options, initial: [] })
    this.model = formClass.model
    this.queryset = options.queryset ?? formClass.model.objects
    this.#extraInitial = options.initial ?? []
  }

  /** The rows being edited (after prepare()). */
  get instances(): InstanceOf<M>[] {
    if (!this.#instances) {
      throw new FormUsageError('forms.formset_not_prepared', `${this.constructor.name}: await formset.prepare() before using its forms (it loads the rows).`)
    }
    return this.#instances
  }

  override bind(data: FormDataInput, files?: Parameters<Formset<F>['bind']>[1]): this {
    this.#tampered = []
    return super.bind(data, files)
  }

  override initialFormCount(): number {
    if (this.isBound) return super.initialFormCount()
    return this.instances.length
  }

  /** Loads the rows (once), then the forms' database choices. */
  override async prepare(): Promise<this> {
    this.#instances ??= (await this.queryset.all().list()) as InstanceOf<M>[]
    return super.prepare()
  }

  override async fullClean(): Promise<void> {
    this.#instances ??= (await this.queryset.all().list()) as InstanceOf<M>[]
    await super.fullClean()
  }

  override async isValid(): Promise<boolean> {
    const valid = await super.isValid()
    return valid && this.#tampered.length === 0
  }

  override nonFormErrors(): readonly string[] {
    const tampered = this.#tampered.map(
      (index) => `Form ${index + 1} refers to a ${this.model.modelName} that is not among the rows being edited (deleted meanwhile, or a forged key).`,
    )
    return [...super.nonFormErrors(), ...tampered]
  }

  /** The instance form `index` edits: a loaded row (by its submitted key when bound), or a new one. */
  protected instanceFor(index: number): InstanceOf<M> | undefined {
    if (index >= this.initialFormCount()) return undefined
    if (!this.isBound) return this.instances[index]
    const pkName = this.model.meta.pk.name
    const submitted = dataSource(this.data).get(`${this.prefix}-${index}-${pkName}`)
    const found = this.instances.find((row) => String((row as { pk: unknown }).pk) === submitted?.trim())
    if (!found && !this.#tampered.includes(index)) this.#tampered.push(index)
    return found
  }

  /** Extra options for each form (an inline formset adds the parent key). */
  protected formOptions(_instance: InstanceOf<M> | undefined): Partial<FormOptions<F>> & Record<string, unknown> {
    return {}
  }

  protected override constructForm(index: number): ModelForm<M, F> {
    const instance = this.instanceFor(index)
    const pkName = this.model.meta.pk.name
    const extraInitial = index >= this.initialFormCount() ? this.#extraInitial[index - this.initialFormCount()] : undefined
    const options = {
      ...this.formOptions(instance),
      ...(instance ? { instance, initial: { [pkName]: (instance as { pk: unknown }).pk } } : {}),
      ...(extraInitial ? { initial: extraInitial } : {}),
    } as Partial<FormOptions<F>>
    const form = super.constructForm(index, options) as ModelForm<M, F>
    ;(form.fields as FieldMap)[pkName] = field.char({ required: false, widget: widgets.hidden() })
    return form
  }

  override get forms(): ModelForm<M, F>[] {
    return super.forms as ModelForm<M, F>[]
  }

  /**
   * Saves what changed: updates edited rows, creates filled extra forms, deletes rows whose
   * DELETE box is checked. Returns the saved instances (not the deleted ones).
   */
  async save(): Promise<InstanceOf<M>[]> {
    if (!(await this.isValid())) {
      throw new FormUsageError('forms.save_invalid', `${this.constructor.name}.save() on a formset that did not validate: check await formset.isValid() first.`)
    }
    const saved: InstanceOf<M>[] = []
    for (const [index, form] of this.forms.entries()) {
      const existing = index < this.initialFormCount()
      if (this.shouldDelete(form)) {
        if (existing) await (form.instance as { delete(): Promise<number> }).delete()
        continue
      }
      if (this.isEmptyExtra(form, index) || (existing && !form.hasChanged())) continue
      this.beforeSave(form.instance)
      saved.push(await form.save())
    }
    return saved
  }

  /** A hook to set values on an instance right before it is saved (the parent key, inline). */
  protected beforeSave(_instance: InstanceOf<M>): void {}
}

/** The formset options of modelFormset() and inlineFormset(). */
export type ModelFormsetSpec<K extends string, X extends FieldMap> = FormsetConfig &
  ModelFormCustomisation<K, X> & { readonly fields: readonly K[] | '__all__' }

/** A model formset class. */
export interface ModelFormsetClass<M extends AnyModelClass, F extends FieldMap> {
  new (options?: ModelFormsetOptions): ModelFormset<M, F>
  readonly form: ModelFormClass<M, F>
}

/**
 * Declares a formset over rows of `model`.
 *
 * @example
 * ```ts
 * const TagFormset = modelFormset(Tag, { fields: ['name'], extra: 2, canDelete: true })
 * ```
 */
export function modelFormset<M extends AnyModelClass, const K extends EditableKeys<M>, const X extends FieldMap = {}>(
  model: M,
  spec: ModelFormsetSpec<K, X>,
): ModelFormsetClass<M, Omit<ModelFormFields<M, K>, keyof X> & X> {
  type F = Omit<ModelFormFields<M, K>, keyof X> & X
  const form = modelForm(model, spec as never) as unknown as ModelFormClass<M, F>
  return class extends ModelFormset<M, F> {
    static readonly form = form
    constructor(options: ModelFormsetOptions = {}) {
      super(form, spec, options)
    }
  }
}

/** Options of an inline formset instance: the parent row is required. */
export interface InlineFormsetOptions<P> extends Omit<ModelFormsetOptions, 'queryset'> {
  readonly instance: InstanceOf<P>
}

/**
 * A formset over the children of one parent row (`question.choiceSet`): the foreign key is
 * set from the parent, never from submitted data. For a parent not yet saved there are no
 * rows, only extra forms; save the parent first, then the formset.
 */
export class InlineFormset<P extends AnyModelClass = AnyModelClass, M extends AnyModelClass = AnyModelClass, F extends FieldMap = FieldMap> extends ModelFormset<M, F> {
  readonly parent: InstanceOf<P>
  readonly fkName: string

  constructor(formClass: ModelFormClass<M, F>, fkName: string, config: FormsetConfig, options: InlineFormsetOptions<P>) {
    const parentPk = (options.instance as { pk: unknown }).pk
    const unsaved = parentPk === undefined || parentPk === null
    const queryset = unsaved ? formClass.model.objects.none() : formClass.model.objects.filter({ [fkName]: parentPk })
    super(formClass, config, { ...options, queryset })
    this.parent = options.instance
    this.fkName = fkName
  }

  protected override formOptions(instance: InstanceOf<M> | undefined): Record<string, unknown> {
    if (!instance) {
      const fresh = new this.model() as InstanceOf<M>
      this.beforeSave(fresh)
      return { instance: fresh, validateFields: [this.fkName] }
    }
    return { validateFields: [this.fkName] }
  }

  protected override beforeSave(instance: InstanceOf<M>): void {
    const meta = this.model.meta.byName.get(this.fkName)!
    ;(instance as Record<string, unknown>)[meta.attname] = (this.parent as { pk: unknown }).pk
  }
}

/** An inline formset class. */
export interface InlineFormsetClass<P extends AnyModelClass, M extends AnyModelClass, F extends FieldMap> {
  new (options: InlineFormsetOptions<P>): InlineFormset<P, M, F>
  readonly form: ModelFormClass<M, F>
  readonly fkName: string
}

/**
 * Declares a formset of `child` rows belonging to one `parent` row. `fk` names the child's
 * foreign key when it has several to the parent.
 *
 * @example
 * ```ts
 * const ChoiceInline = inlineFormset(Question, Choice, { fields: ['choiceText', 'votes'], extra: 3, canDelete: true })
 * const choices = new ChoiceInline({ instance: question }).bind(request.POST)
 * if (await choices.isValid()) await choices.save()
 * ```
 */
export function inlineFormset<
  P extends AnyModelClass,
  M extends AnyModelClass,
  const K extends EditableKeys<M>,
  const X extends FieldMap = {},
>(
  parent: P,
  child: M,
  spec: ModelFormsetSpec<K, X> & { readonly fk?: EditableKeys<M> },
): InlineFormsetClass<P, M, Omit<ModelFormFields<M, K>, keyof X> & X> {
  type F = Omit<ModelFormFields<M, K>, keyof X> & X
  const candidates = child.meta.fields.filter(
    (meta) =>
      (meta.kind === 'ForeignKey' || meta.kind === 'OneToOneField') &&
      (spec.fk === undefined || meta.name === spec.fk) &&
      (meta.relation!.target() as unknown) === parent,
  )
  if (candidates.length !== 1) {
    throw new FormUsageError(
      'forms.inline_fk',
      candidates.length === 0
        ? `inlineFormset(${parent.modelName}, ${child.modelName}): ${child.modelName} has no foreign key to ${parent.modelName}${spec.fk ? ` named ${JSON.stringify(spec.fk)}` : ''}.`
        : `inlineFormset(${parent.modelName}, ${child.modelName}): ${child.modelName} has several foreign keys to ${parent.modelName}; pass { fk: '${candidates[0]!.name}' }.`,
    )
  }
  const fkName = candidates[0]!.name
  // The parent key is never a form field: it comes from the parent row.
  const selection =
    spec.fields === '__all__'
      ? { ...spec, fields: undefined, exclude: [fkName] }
      : { ...spec, fields: spec.fields.filter((name) => name !== fkName) }
  const form = modelForm(child, selection as never) as unknown as ModelFormClass<M, F>
  return class extends InlineFormset<P, M, F> {
    static readonly form = form
    static readonly fkName = fkName
    constructor(options: InlineFormsetOptions<P>) {
      super(form, fkName, spec, options)
    }
  }
}
