/**
 * @module Formsets: several copies of one form on a page (`prefix-0-name`, `prefix-1-name`...),
 * counted by a hidden management form, with extra blank forms, minimum and maximum counts, and
 * deletion checkboxes. Bound counts are capped (`absoluteMax`) so a forged TOTAL_FORMS cannot
 * make the server build a million forms.
 */
import type { SafeString } from '../templates/index.ts'
import { field } from './fields.ts'
import { dataSource, type FormDataInput, type FormFilesInput } from './form-input.ts'
import { defaultRenderer, type FormRenderer } from './form-renderer.ts'
import { defineForm, type CleanedData, type FieldMap, type Form, type FormOptions } from './form.ts'
import { ValidationError } from './validation-error.ts'
import { widgets, type Choice } from './widgets.ts'

const ManagementForm = defineForm({
  fields: {
    TOTAL_FORMS: field.integer({ min: 0, widget: widgets.hidden() }),
    INITIAL_FORMS: field.integer({ min: 0, widget: widgets.hidden() }),
    MIN_NUM_FORMS: field.integer({ required: false, widget: widgets.hidden() }),
    MAX_NUM_FORMS: field.integer({ required: false, widget: widgets.hidden() }),
  },
})

/** The name of the deletion checkbox each form gets with `canDelete`. */
export const DELETION_FIELD = 'DELETE'

/** How a formset behaves. */
export interface FormsetConfig {
  /** Blank forms shown after the initial ones (default 1). */
  readonly extra?: number
  readonly minNum?: number
  /** Most forms shown (default 1000). */
  readonly maxNum?: number
  /** Most forms ever built from submitted data, whatever TOTAL_FORMS says (default maxNum + 1000... capped at 1000 over maxNum). */
  readonly absoluteMax?: number
  readonly validateMin?: boolean
  readonly validateMax?: boolean
  /** Each form gets a DELETE checkbox; checked forms are left out of cleanedData. */
  readonly canDelete?: boolean
}

/** Options of a formset instance. */
export interface FormsetOptions {
  readonly data?: FormDataInput
  readonly files?: FormFilesInput
  /** Default 'form'. */
  readonly prefix?: string
  /** One initial-values record per initial form. */
  readonly initial?: readonly Record<string, unknown>[]
  readonly renderer?: FormRenderer
}

/** A form class a formset can copy. */
export type FormFactory<F extends FieldMap> = new (options?: FormOptions<F>) => Form<F>

/**
 * A set of forms of one class.
 *
 * @example
 * ```ts
 * const LinkFormset = formset(LinkForm, { extra: 2, canDelete: true })
 * const links = new LinkFormset().bind(request.POST)
 * if (await links.isValid()) for (const link of links.cleanedData) await save(link)
 * ```
 */
export class Formset<F extends FieldMap = FieldMap> {
  readonly formClass: FormFactory<F>
  readonly config: Required<FormsetConfig>
  readonly prefix: string
  renderer: FormRenderer
  protected initialData: readonly Record<string, unknown>[]
  #data: FormDataInput | undefined
  #files: FormFilesInput | undefined
  #forms: Form<F>[] | undefined
  #management: InstanceType<typeof ManagementForm> | undefined
  #nonFormErrors: string[] = []
  #validated = false

  constructor(formClass: FormFactory<F>, config: FormsetConfig, options: FormsetOptions = {}) {
    this.formClass = formClass
    const maxNum = config.maxNum ?? 1000
    this.config = {
      extra: config.extra ?? 1,
      minNum: config.minNum ?? 0,
      maxNum,
      absoluteMax: config.absoluteMax ?? maxNum + 1000,
      validateMin: config.validateMin ?? false,
      validateMax: config.validateMax ?? false,
      canDelete: config.canDelete ?? false,
    }
    this.prefix = options.prefix ?? 'form'
    this.renderer = options.renderer ?? defaultRenderer()
    this.initialData = options.initial ?? []
    if (options.data !== undefined || options.files !== undefined) this.bind(options.data ?? {}, options.files)
  }

  /** Binds submitted data; returns the formset. */
  bind(data: FormDataInput, files?: FormFilesInput): this {
    this.#data = data
    this.#files = files
    this.#forms = undefined
    this.#management = undefined
    this.#validated = false
    this.#nonFormErrors = []
    return this
  }

  get isBound(): boolean {
    return this.#data !== undefined
  }

  /** The submitted data (undefined when unbound). */
  protected get data(): FormDataInput | undefined {
    return this.#data
  }

  /** The hidden form that counts the forms. */
  get managementForm(): InstanceType<typeof ManagementForm> {
    if (!this.#management) {
      const options = {
        prefix: this.prefix,
        renderer: this.renderer,
        initial: {
          TOTAL_FORMS: this.totalFormCount(),
          INITIAL_FORMS: this.initialFormCount(),
          MIN_NUM_FORMS: this.config.minNum,
          MAX_NUM_FORMS: this.config.maxNum,
        },
      }
      this.#management = this.isBound ? new ManagementForm({ ...options, data: this.#data ?? {} }) : new ManagementForm(options)
    }
    return this.#management
  }

  #managementNumber(name: string): number | undefined {
    const text = dataSource(this.#data).get(`${this.prefix}-${name}`)
    if (text === undefined || !/^\d{1,7}$/.test(text.trim())) return undefined
    return Number(text.trim())
  }

  /** How many forms: bound, what the management form says (capped); unbound, initial + extra. */
  totalFormCount(): number {
    if (this.isBound) {
      return Math.min(this.#managementNumber('TOTAL_FORMS') ?? 0, this.config.absoluteMax)
    }
    const initial = this.initialFormCount()
    const total = Math.max(initial, this.config.minNum) + this.config.extra
    return Math.max(initial, Math.min(total, this.config.maxNum))
  }

  /** How many forms edit existing data (the rest are extra). */
  initialFormCount(): number {
    if (this.isBound) return Math.min(this.#managementNumber('INITIAL_FORMS') ?? 0, this.totalFormCount())
    return this.initialData.length
  }

  /** The forms, built once per binding. */
  get forms(): Form<F>[] {
    if (!this.#forms) {
      const count = this.totalFormCount()
      this.#forms = Array.from({ length: count }, (_, index) => this.constructForm(index))
    }
    return this.#forms
  }

  /** Builds form `index` (override to pass more options, as the model formsets do). */
  protected constructForm(index: number, extra: Partial<FormOptions<F>> = {}): Form<F> {
    const initial = this.initialData[index]
    const form = new this.formClass({
      prefix: `${this.prefix}-${index}`,
      renderer: this.renderer,
      // Why: a blank extra form must be submittable empty, so its fields cannot be `required` in HTML.
      useRequiredAttribute: index < this.initialFormCount() || index < this.config.minNum,
      ...(initial ? { initial: initial as FormOptions<F>['initial'] } : {}),
      ...(this.isBound ? { data: this.#data ?? {}, ...(this.#files ? { files: this.#files } : {}) } : {}),
      ...extra,
    })
    if (this.config.canDelete) (form.fields as FieldMap)[DELETION_FIELD] = field.boolean({ required: false, label: 'Delete' })
    return form
  }

  /** Loads database choices once and gives them to every form (call before rendering). */
  async prepare(): Promise<this> {
    const loaded = new Map<string, readonly Choice[]>()
    for (const form of this.forms) {
      for (const [name, formField] of Object.entries(form.fields)) {
        const load = formField.spec.loadChoices
        if (!load) continue
        if (!loaded.has(name)) loaded.set(name, await load())
        form.useChoices(name as keyof F & string, loaded.get(name)!)
      }
      await form.prepare()
    }
    return this
  }

  /** True when form `index` has its DELETE box checked. */
  shouldDelete(form: Form<F>): boolean {
    if (!this.config.canDelete || !form.isBound) return false
    return form.fields[DELETION_FIELD]!.format(form.rawValueFor(DELETION_FIELD)) === true
  }

  /** A blank extra form the user left alone: not validated, not saved. */
  isEmptyExtra(form: Form<F>, index: number): boolean {
    return index >= this.initialFormCount() && index >= this.config.minNum && !form.hasChanged()
  }

  /** Validates the management form, every non-empty form, then the counts and clean(). */
  async isValid(): Promise<boolean> {
    if (!this.isBound) return false
    if (!this.#validated) await this.fullClean()
    return this.#nonFormErrors.length === 0 && this.forms.every((form, index) => this.#formOk(form, index))
  }

  #formOk(form: Form<F>, index: number): boolean {
    if (this.isEmptyExtra(form, index) || this.shouldDelete(form)) return true
    return form.issues.length === 0
  }

  /** Runs validation (use isValid()). */
  async fullClean(): Promise<void> {
    this.#nonFormErrors = []
    this.#validated = true
    const management = this.managementForm
    if (!(await management.isValid())) {
      this.#nonFormErrors.push('ManagementForm data is missing or has been tampered with.')
      return
    }
    let filled = 0
    for (const [index, form] of this.forms.entries()) {
      if (this.isEmptyExtra(form, index)) continue
      await form.isValid()
      if (!this.shouldDelete(form)) filled++
    }
    const submitted = this.#managementNumber('TOTAL_FORMS') ?? 0
    if (this.config.validateMax && (filled > this.config.maxNum || submitted > this.config.absoluteMax)) {
      this.#nonFormErrors.push(`Please submit at most ${this.config.maxNum} form${this.config.maxNum === 1 ? '' : 's'}.`)
    }
    if (this.config.validateMin && filled < this.config.minNum) {
      this.#nonFormErrors.push(`Please submit at least ${this.config.minNum} form${this.config.minNum === 1 ? '' : 's'}.`)
    }
    try {
      await this.clean()
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      this.#nonFormErrors.push(error.message)
    }
  }

  /** Checks across forms; throw ValidationError for a non-form error. */
  async clean(): Promise<void> {}

  /** The errors that belong to no single form. */
  nonFormErrors(): readonly string[] {
    return this.#nonFormErrors
  }

  /** The cleaned data of each valid, non-empty, non-deleted form, in order. */
  get cleanedData(): CleanedData<F>[] {
    return this.forms
      .filter((form, index) => !this.isEmptyExtra(form, index) && !this.shouldDelete(form))
      .map((form) => {
        const data = { ...(form.cleanedData as Record<string, unknown>) }
        delete data[DELETION_FIELD]
        return data as CleanedData<F>
      })
  }

  /** The forms whose DELETE box is checked. */
  get deletedForms(): Form<F>[] {
    return this.forms.filter((form) => this.shouldDelete(form))
  }

  /** The errors of each form (by field), in order. */
  get errors(): Record<string, string[]>[] {
    return this.forms.map((form, index) => (this.isEmptyExtra(form, index) || !form.isBound ? {} : (form.errors as Record<string, string[]>)))
  }

  /** The management form, the non-form errors and every form (`forms/formset.html`). */
  render(templateName = 'forms/formset.html'): SafeString {
    return this.renderer.render(templateName, {
      formset: {
        managementForm: this.managementForm.render(),
        nonFormErrorsHtml: this.renderer.render('forms/errors.html', { errors: this.#nonFormErrors, id: '', errorClass: 'nonform' }),
        forms: this.forms.map((form) => form.render()),
        instance: this,
      },
    })
  }

  toString(): string {
    return this.render().toString()
  }
}

/** A formset class made by formset(). */
export interface FormsetClass<F extends FieldMap> {
  new (options?: FormsetOptions): Formset<F>
}

/**
 * Declares a formset class of `formClass`.
 *
 * @example
 * ```ts
 * const ChoiceFormset = formset(ChoiceForm, { extra: 3, maxNum: 10, validateMax: true })
 * ```
 */
export function formset<F extends FieldMap>(formClass: FormFactory<F>, config: FormsetConfig = {}): FormsetClass<F> {
  return class extends Formset<F> {
    constructor(options: FormsetOptions = {}) {
      super(formClass, config, options)
    }
  }
}
