/**
 * @module Form and defineForm(): a set of fields bound to submitted data, validated in one async
 * pass (fields, then `cleanField` steps, then `clean()`), with typed cleaned data, errors kept as
 * issues, and rendering through the form templates.
 */
import type { SafeString } from '../templates/index.ts'
import { BoundField, type BoundFieldHost } from './bound-field.ts'
import { dataSource, fileSource, type DataSource, type FileSource, type FormDataInput, type FormFilesInput } from './form-input.ts'
import type { FieldOutput, FormField } from './form-field.ts'
import { defaultRenderer, type FormRenderer } from './form-renderer.ts'
import { FormUsageError, ValidationError, type FormIssue } from './validation-error.ts'
import type { Choice, RawValue } from './widgets.ts'

/** The fields of a form, by name. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type FieldMap = Record<string, FormField<any>>

/** The cleaned data of a valid form: one typed value per field. */
export type CleanedData<F extends FieldMap> = { -readonly [K in keyof F]: FieldOutput<F[K]> }

/** Errors by field name; `__all__` holds the errors of the form as a whole. */
export type FormErrors<F extends FieldMap> = Partial<Record<(keyof F & string) | '__all__', string[]>>

/** The key of non-field errors, as in Django. */
export const NON_FIELD_ERRORS = '__all__'

/** A form's declaration: its fields and optional clean steps. */
export interface FormDefinition<F extends FieldMap> {
  readonly fields: F
  /**
   * Per-field steps, run after the field's own checks with its cleaned value; return the value
   * to keep (possibly changed) or throw ValidationError.
   */
  readonly cleanField?: { readonly [K in keyof F]?: CleanFieldStep<FieldOutput<F[K]>, Form<F>> }
  /** The whole-form step, with the values that passed so far; throw ValidationError or call form.addError(). */
  clean?(data: Partial<CleanedData<F>>, form: Form<F>): void | Promise<void>
}

/**
 * One `cleanField` step. Why the method-type form: method parameters are bivariant, so a
 * `Form<{ email: ... }>` class stays usable where a `Form<FieldMap>` is expected (FormView).
 */
export type CleanFieldStep<T, FormType> = {
  step(value: T, form: FormType): T | Promise<T>
}['step']

/** Options of a form instance. */
export interface FormOptions<F extends FieldMap = FieldMap> {
  /** Submitted data: binds the form (same as calling bind()). */
  readonly data?: FormDataInput
  readonly files?: FormFilesInput
  /** Initial values by field name (an unbound form shows them; hasChanged compares with them). */
  readonly initial?: { readonly [K in keyof F]?: unknown }
  /** Prefixes every HTML name (`prefix-name`), to put several forms in one `<form>`. */
  readonly prefix?: string
  /** The id pattern (`%s` is the HTML name); false for no ids. Default `id_%s`. */
  readonly autoId?: string | false
  readonly labelSuffix?: string
  readonly renderer?: FormRenderer
  /** Default true: required fields get the `required` attribute. */
  readonly useRequiredAttribute?: boolean
}

/**
 * A form instance. Declare a form class with defineForm(), then `new ContactForm()` to show it
 * and `.bind(request.POST, request.FILES)` to validate a submission.
 *
 * @example
 * ```ts
 * const form = new ContactForm().bind(request.POST)
 * if (await form.isValid()) await send(form.cleanedData.email)
 * else return render(request, 'contact.html', { form })
 * ```
 */
export class Form<F extends FieldMap = FieldMap> implements BoundFieldHost {
  /** The fields of this instance (a copy of the declaration: replace one per request if needed). */
  readonly fields: F
  readonly definition: FormDefinition<F>
  readonly prefix: string | undefined
  readonly autoId: string | false
  readonly labelSuffix: string
  readonly useRequiredAttribute: boolean
  readonly initial: { readonly [K in keyof F]?: unknown }
  renderer: FormRenderer
  #data: DataSource | undefined
  #files: FileSource = fileSource(undefined)
  #issues: FormIssue[] = []
  #cleaned: Record<string, unknown> | undefined
  #validated = false
  readonly #bound = new Map<string, BoundField>()
  readonly #choices = new Map<string, readonly Choice[]>()

  constructor(definition: FormDefinition<F>, options: FormOptions<F> = {}) {
    this.definition = definition
    this.fields = { ...definition.fields }
    this.prefix = options.prefix
    this.autoId = options.autoId ?? 'id_%s'
    this.labelSuffix = options.labelSuffix ?? ''
    this.useRequiredAttribute = options.useRequiredAttribute ?? true
    this.initial = options.initial ?? {}
    this.renderer = options.renderer ?? defaultRenderer()
    if (options.data !== undefined || options.files !== undefined) this.bind(options.data ?? {}, options.files)
  }

  /** Binds submitted data (and files) for validation; returns the form. Rebinding forgets earlier results. */
  bind(data: FormDataInput, files?: FormFilesInput): this {
    this.#data = dataSource(data)
    this.#files = fileSource(files)
    this.#issues = []
    this.#cleaned = undefined
    this.#validated = false
    return this
  }

  /** True once bind() was called (or data was given). */
  get isBound(): boolean {
    return this.#data !== undefined
  }

  /** The name in HTML of field `name`. */
  addPrefix(name: string): string {
    return this.prefix ? `${this.prefix}-${name}` : name
  }

  /** The element id of an HTML name ('' when autoId is off). */
  autoIdFor(htmlName: string): string {
    if (this.autoId === false) return ''
    return this.autoId.includes('%s') ? this.autoId.replace('%s', htmlName) : htmlName
  }

  /** The initial value of a field: the form's `initial`, else the field's own. */
  initialFor(name: string): unknown {
    const given = (this.initial as Record<string, unknown>)[name]
    if (given !== undefined) return typeof given === 'function' ? (given as () => unknown)() : given
    return this.#field(name).initialValue()
  }

  /** The submitted raw value of a field (what its widget reads). */
  rawValueFor(name: string): RawValue {
    const field = this.#field(name)
    return field.widget.valueFromData(this.#data ?? dataSource(undefined), this.#files, this.addPrefix(name))
  }

  /** The choices a field shows: loaded ones (prepare()), else the declared ones. */
  choicesFor(name: string): readonly Choice[] | undefined {
    const loaded = this.#choices.get(name)
    if (loaded) return loaded
    const field = this.#field(name)
    if (field.spec.loadChoices) {
      throw new FormUsageError(
        'forms.choices_not_loaded',
        `Field ${JSON.stringify(name)} takes its choices from the database: call await form.prepare() before rendering the form (the generic views do).`,
      )
    }
    return field.choices
  }

  /**
   * Sets the options a field shows, instead of loading them (a formset loads them once for all
   * its forms; a view may restrict them per request).
   */
  useChoices(name: keyof F & string, choices: readonly Choice[]): this {
    this.#field(name)
    this.#choices.set(name, choices)
    return this
  }

  /** Loads choices that come from the database (model choice fields). Call before rendering. */
  async prepare(): Promise<this> {
    for (const [name, field] of Object.entries(this.fields)) {
      if (field.spec.loadChoices && !this.#choices.has(name)) this.#choices.set(name, await field.spec.loadChoices())
    }
    return this
  }

  #field(name: string): FormField {
    const field = this.fields[name]
    if (!field) {
      throw new FormUsageError(
        'forms.unknown_field',
        `${this.constructor.name} has no field ${JSON.stringify(name)} (fields: ${Object.keys(this.fields).join(', ')})`,
      )
    }
    return field
  }

  /** Validates the bound data once (later calls reuse the result). False for an unbound form. */
  async isValid(): Promise<boolean> {
    if (!this.isBound) return false
    if (!this.#validated) await this.fullClean()
    return this.#issues.length === 0
  }

  /** Runs every clean step, collecting issues (use isValid()). */
  async fullClean(): Promise<void> {
    this.#issues = []
    const cleaned: Record<string, unknown> = {}
    this.#cleaned = cleaned
    for (const [name, field] of Object.entries(this.fields)) {
      const raw = field.disabled ? this.#disabledRaw(name, field) : this.rawValueFor(name)
      const result = await field.clean(raw, name)
      if (!result.ok) {
        this.#issues.push(...result.issues)
        continue
      }
      cleaned[name] = result.value
      const step = (this.definition.cleanField as Record<string, ((v: unknown, f: Form<F>) => unknown) | undefined> | undefined)?.[name]
      if (step) {
        try {
          cleaned[name] = await step(result.value, this)
        } catch (error) {
          this.#catch(error, name)
          delete cleaned[name]
        }
      }
    }
    try {
      await this.clean(cleaned as Partial<CleanedData<F>>)
    } catch (error) {
      this.#catch(error, null)
    }
    await this.postClean()
    this.#validated = true
  }

  #disabledRaw(name: string, field: FormField): RawValue {
    const shown = field.format(this.initialFor(name))
    if (typeof shown === 'boolean') return shown ? 'true' : ''
    return shown as RawValue
  }

  #catch(error: unknown, fieldName: string | null): void {
    if (!(error instanceof ValidationError)) throw error
    if (error.byField) {
      for (const [name, messages] of Object.entries(error.byField))
        for (const message of messages) this.addError(name === NON_FIELD_ERRORS ? null : name, new ValidationError(message, error.code))
    } else {
      this.addError(fieldName, error)
    }
  }

  /**
   * The whole-form clean step: runs the definition's `clean`. Override in a subclass to add
   * checks across fields (call super.clean(data) to keep the declared one).
   */
  async clean(data: Partial<CleanedData<F>>): Promise<void> {
    await this.definition.clean?.(data, this)
  }

  /** A hook run after clean(), where ModelForm checks the model (unique constraints). */
  protected async postClean(): Promise<void> {}

  /** The cleaned values so far (during clean steps and postClean), without the valid-form guard. */
  protected get partialCleanedData(): Record<string, unknown> {
    return this.#cleaned ?? {}
  }

  /**
   * Adds an error to a field (or to the form with `null`); the field leaves cleanedData, as in
   * Django. Usable in clean steps and after isValid().
   */
  addError(fieldName: (keyof F & string) | null, error: string | ValidationError): void {
    const message = typeof error === 'string' ? error : error.message
    const code = typeof error === 'string' ? 'invalid' : error.code
    const path = fieldName === null || fieldName === NON_FIELD_ERRORS ? [] : [fieldName]
    if (path.length && !(path[0]! in this.fields)) {
      throw new FormUsageError('forms.unknown_field', `addError(${JSON.stringify(fieldName)}): ${this.constructor.name} has no such field (fields: ${Object.keys(this.fields).join(', ')})`)
    }
    this.#issues.push({ code, path, message })
    if (path.length && this.#cleaned) delete this.#cleaned[path[0]!]
  }

  /** Every problem found, zod-style (`code`, `path`, `message`); empty before validation. */
  get issues(): readonly FormIssue[] {
    return this.#issues
  }

  /** Messages by field name, `__all__` for the form's own; {} for an unbound form. */
  get errors(): FormErrors<F> {
    if (this.isBound && !this.#validated) {
      throw new FormUsageError('forms.not_validated', `${this.constructor.name}.errors was read before validation: await form.isValid() first.`)
    }
    const errors: Record<string, string[]> = {}
    for (const issue of this.#issues) (errors[issue.path[0] ?? NON_FIELD_ERRORS] ??= []).push(issue.message)
    return errors as FormErrors<F>
  }

  /** True when `field` (null: the form) has an error, optionally with `code`. */
  hasError(fieldName: (keyof F & string) | null, code?: string): boolean {
    return this.#issues.some((issue) => (issue.path[0] ?? null) === fieldName && (code === undefined || issue.code === code))
  }

  /** The errors of one field (for rendering; [] before validation). */
  fieldErrors(name: string): readonly string[] {
    return this.#issues.filter((issue) => issue.path[0] === name).map((issue) => issue.message)
  }

  /** The form's own errors, plus those of hidden fields (the user cannot see those fields). */
  nonFieldErrors(): string[] {
    const own = this.#issues.filter((issue) => issue.path.length === 0).map((issue) => issue.message)
    const hidden = this.#issues
      .filter((issue) => issue.path.length && this.fields[issue.path[0]!]?.widget.isHidden)
      .map((issue) => `(Hidden field ${issue.path[0]}) ${issue.message}`)
    return [...own, ...hidden]
  }

  /** The typed cleaned values. Only after `await isValid()` returned true. */
  get cleanedData(): CleanedData<F> {
    if (!this.#validated || !this.#cleaned) {
      throw new FormUsageError('forms.not_validated', `${this.constructor.name}.cleanedData was read before validation: await form.isValid() first.`)
    }
    if (this.#issues.length) {
      throw new FormUsageError(
        'forms.invalid',
        `${this.constructor.name}.cleanedData was read although the form is invalid (${this.#issues.length} error(s)): check isValid() first.`,
      )
    }
    return this.#cleaned as CleanedData<F>
  }

  /** True when the submitted data differs from the initial values. */
  hasChanged(): boolean {
    return this.changedData().length > 0
  }

  /** The names of fields whose submitted value differs from their initial value. */
  changedData(): string[] {
    if (!this.isBound) return []
    return Object.entries(this.fields)
      .filter(([name, field]) => {
        if (field.disabled) return false
        const raw = this.rawValueFor(name)
        if (field.widget.isFile) return raw !== undefined && !(Array.isArray(raw) && raw.length === 0)
        const now = field.widget.isCheckbox ? field.format(raw) : raw
        const before = field.format(this.initialFor(name))
        return normalise(now) !== normalise(before)
      })
      .map(([name]) => name)
  }

  /** The bound field `name`. */
  field<K extends keyof F & string>(name: K): BoundField {
    let bound = this.#bound.get(name)
    if (!bound || bound.field !== this.fields[name]) {
      bound = new BoundField(this, name, this.#field(name))
      this.#bound.set(name, bound)
    }
    return bound
  }

  /** Every bound field, in declaration order. */
  *[Symbol.iterator](): Iterator<BoundField> {
    for (const name of Object.keys(this.fields)) yield this.field(name as keyof F & string)
  }

  visibleFields(): BoundField[] {
    return [...this].filter((bound) => !bound.isHidden)
  }

  hiddenFields(): BoundField[] {
    return [...this].filter((bound) => bound.isHidden)
  }

  /** True when a field takes files: the `<form>` needs `enctype="multipart/form-data"`. */
  isMultipart(): boolean {
    return Object.values(this.fields).some((field) => field.widget.isFile)
  }

  /** The form's non-field errors as HTML. */
  nonFieldErrorsHtml(): SafeString {
    return this.renderer.render('forms/errors.html', { errors: this.nonFieldErrors(), id: '', errorClass: 'nonfield' })
  }

  /**
   * The whole form as HTML (`forms/div.html`): errors, then each field in a div. The `<form>`
   * tag, the CSRF input and the submit button are the page's: see docs/forms.md.
   */
  render(templateName = 'forms/div.html'): SafeString {
    return this.renderer.render(templateName, {
      form: {
        nonFieldErrorsHtml: this.nonFieldErrorsHtml(),
        visibleFields: this.visibleFields().map((bound) => bound.render()),
        hiddenFields: this.hiddenFields().map((bound) => bound.widget()),
        instance: this,
      },
    })
  }

  toString(): string {
    return this.render().toString()
  }
}

function normalise(value: unknown): string {
  if (value === undefined || value === null || value === false) return ''
  if (value === true) return 'true'
  if (Array.isArray(value)) return value.map(String).sort().join('\u0000')
  return String(value).trim()
}

/** A form class made by defineForm(). */
export interface FormClass<F extends FieldMap> {
  new (options?: FormOptions<F>): Form<F>
  /** The declaration (fields and clean steps). */
  readonly definition: FormDefinition<F>
}

/**
 * Declares a form class: its fields (built with `field.*`), per-field clean steps and a
 * whole-form clean step. `cleanedData` is typed from the fields.
 *
 * @example
 * ```ts
 * export const SignUpForm = defineForm({
 *   fields: {
 *     username: field.char({ maxLength: 150 }),
 *     password: field.password(),
 *     confirm: field.password({ label: 'Password again' }),
 *   },
 *   cleanField: { username: (value) => value.toLowerCase() },
 *   clean(data, form) {
 *     if (data.password !== data.confirm) form.addError('confirm', 'The passwords differ.')
 *   },
 * })
 * ```
 */
export function defineForm<const F extends FieldMap>(definition: FormDefinition<F>): FormClass<F> {
  const FormClassImpl = class extends Form<F> {
    static readonly definition = definition
    constructor(options: FormOptions<F> = {}) {
      super(definition, options)
    }
  }
  return FormClassImpl
}
