/**
 * @module FormField: one field of a form. It reads its raw value through its widget, turns
 * "nothing submitted" into `required` or the empty value, and runs its zod schema (coercion and
 * checks, with Django's messages) and validators. The `field.*` factories build them.
 */
import { z } from 'zod'
import type { HtmlAttrs } from './html-attrs.ts'
import type { FormIssue } from './validation-error.ts'
import { ValidationError } from './validation-error.ts'
import type { Choice, RawValue, Widget } from './widgets.ts'

/** A validator returns an error message, or nothing when the value is fine. */
export type FieldValidator<T> = (value: T) => string | undefined | void

/** Options every field takes (Django's names, camelCased). */
export interface FieldOptions<T> {
  /** The label; by default the field name as words (`firstName` → "First name"). */
  readonly label?: string
  /** Default true: an empty submission is an error (`required`). */
  readonly required?: boolean
  readonly helpText?: string
  /** The value shown in an unbound form; a function is called per form. */
  readonly initial?: T | (() => T)
  readonly widget?: Widget
  /** Shown but not editable: the submitted value is ignored in favour of the initial one. */
  readonly disabled?: boolean
  readonly validators?: readonly FieldValidator<NonNullable<T>>[]
  /** Replaces messages by issue code: `{ required: 'Tell us your name.' }`. */
  readonly errorMessages?: Readonly<Record<string, string>>
  /** Extra attributes for the widget (merged over the widget's own). */
  readonly attrs?: HtmlAttrs
}

/** What a field kind provides (the factories fill it in). */
export interface FieldSpec<T> {
  readonly kind: string
  readonly widget: Widget
  /** Validates and converts a non-empty submitted value. */
  readonly schema: z.ZodType<T>
  /** The value of an empty, not required field. */
  readonly emptyValue: T
  /** Turns the raw widget value into the schema's input (default: trimmed text). */
  readonly toInput?: (raw: RawValue) => unknown
  readonly isEmpty?: (input: unknown) => boolean
  /** The widget's text for a value (initial, instance value or cleaned value). */
  readonly format?: (value: unknown) => string | readonly string[] | boolean | undefined
  /** Attributes implied by the field (maxlength, min, step...). */
  readonly attrs?: HtmlAttrs
  readonly choices?: readonly Choice[]
  /** Choices loaded per form (model choices); `form.prepare()` awaits them. */
  readonly loadChoices?: () => Promise<readonly Choice[]>
}

/** The result of cleaning one value. */
export type CleanResult<T> = { ok: true; value: T } | { ok: false; issues: FormIssue[] }

function defaultToInput(raw: RawValue): unknown {
  if (typeof raw === 'string') return raw.trim()
  return raw
}

function defaultIsEmpty(input: unknown): boolean {
  return input === undefined || input === null || input === '' || (Array.isArray(input) && input.length === 0)
}

/** Default text of a value for a widget. */
export function formatValue(value: unknown): string | readonly string[] | boolean | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value === 'string' || typeof value === 'boolean') return value
  if (Array.isArray(value)) return value.map((v) => (v instanceof Object && 'pk' in v ? String((v as { pk: unknown }).pk) : String(v)))
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString()
  if (typeof value === 'object' && 'pk' in value) return String((value as { pk: unknown }).pk)
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}

/**
 * A declared form field; `T` is its cleaned value's type.
 *
 * @example
 * ```ts
 * const name = field.char({ maxLength: 100, label: 'Your name' })
 * ```
 */
export class FormField<T = unknown> {
  readonly kind: string
  readonly label: string | undefined
  readonly required: boolean
  readonly helpText: string
  readonly widget: Widget
  readonly disabled: boolean
  readonly choices: readonly Choice[] | undefined
  readonly attrs: HtmlAttrs
  readonly spec: FieldSpec<T>
  readonly options: FieldOptions<T>

  constructor(spec: FieldSpec<T>, options: FieldOptions<T> = {}) {
    this.spec = spec
    this.options = options
    this.kind = spec.kind
    this.label = options.label
    this.required = options.required ?? true
    this.helpText = options.helpText ?? ''
    this.widget = options.widget ?? spec.widget
    this.disabled = options.disabled ?? false
    this.choices = spec.choices
    this.attrs = { ...spec.attrs, ...options.attrs }
    Object.freeze(this)
  }

  /**
   * A copy with some spec parts or options replaced (ModelForm uses it to set labels, widgets and
   * empty values on the fields it derives).
   *
   * @example
   * ```ts
   * const optional = field.char({ maxLength: 20 }).with({}, { required: false })
   * ```
   */
  with<U = T>(spec: Partial<FieldSpec<U>>, options: FieldOptions<U> = {}): FormField<U> {
    return new FormField<U>(
      { ...(this.spec as unknown as FieldSpec<U>), ...spec },
      { ...(this.options as unknown as FieldOptions<U>), ...options },
    )
  }

  /** The initial value (the declared one; a function is called each time). */
  initialValue(): T | undefined {
    const initial = this.options.initial
    return typeof initial === 'function' ? (initial as () => T)() : initial
  }

  /** The widget's text for `value`. */
  format(value: unknown): string | readonly string[] | boolean | undefined {
    return (this.spec.format ?? formatValue)(value)
  }

  /** The message for `code`, or `fallback`, honouring errorMessages. */
  message(code: string, fallback: string): string {
    return this.options.errorMessages?.[code] ?? fallback
  }

  /** Cleans a submitted value: required/empty, the schema, then the validators. Never throws on bad input. */
  async clean(raw: RawValue, path: string): Promise<CleanResult<T>> {
    const input = (this.spec.toInput ?? defaultToInput)(raw)
    if ((this.spec.isEmpty ?? defaultIsEmpty)(input)) {
      if (this.required) {
        return { ok: false, issues: [{ code: 'required', path: [path], message: this.message('required', 'This field is required.') }] }
      }
      return { ok: true, value: this.spec.emptyValue }
    }
    const parsed = await this.spec.schema.safeParseAsync(input)
    if (!parsed.success) {
      return {
        ok: false,
        issues: parsed.error.issues.map((issue) => ({
          code: issue.code,
          path: [path],
          message: this.message(issue.code, issue.message),
        })),
      }
    }
    const issues: FormIssue[] = []
    for (const validator of this.options.validators ?? []) {
      try {
        const message = validator(parsed.data as NonNullable<T>)
        if (typeof message === 'string' && message) issues.push({ code: 'invalid', path: [path], message })
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        issues.push({ code: error.code, path: [path], message: error.message })
      }
    }
    return issues.length ? { ok: false, issues } : { ok: true, value: parsed.data }
  }
}

/** The cleaned value type of a field. */
export type FieldOutput<F> = F extends FormField<infer T> ? T : never
