/**
 * @module The `field.*` factories: one per kind of value, each a zod schema (coercion from the
 * submitted text plus checks, with Django's messages) and a default widget. `required: false`
 * widens the cleaned type with the empty value (`null` for numbers and dates).
 */
import { z } from 'zod'
import type { UploadedFile } from '../http/index.ts'
import { FormField, formatValue, type FieldOptions } from './form-field.ts'
import { widgets, type Choice, type RawValue } from './widgets.ts'

/**
 * A factory whose cleaned type gains the empty value `E` when called with `required: false`.
 * Overloads rather than a generic options type: they keep contextual typing, so a validator's
 * parameter is typed without annotations.
 */
/** `T`, or `T | E` when the options say `required: false` (for generic factories). */
type Opt<O, T, E> = O extends { required: false } ? T | E : T

export interface OptionalAware<T, E, Opts> {
  (options: Opts & { readonly required: false }): FormField<T | E>
  (options?: Opts): FormField<T>
}

/** A JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue }

const lengthError = (kind: 'most' | 'least', limit: number) => (issue: { input?: unknown }) =>
  `Ensure this value has at ${kind} ${limit} characters (it has ${String(issue.input ?? '').length}).`

/** Options of text fields. */
export interface CharOptions extends FieldOptions<string> {
  readonly maxLength?: number
  readonly minLength?: number
  /** Default true: surrounding whitespace is removed. */
  readonly strip?: boolean
}

function text(base: z.ZodString, o: CharOptions | undefined): z.ZodString {
  let schema = base
  if (o?.maxLength !== undefined) schema = schema.max(o.maxLength, { error: lengthError('most', o.maxLength) })
  if (o?.minLength !== undefined) schema = schema.min(o.minLength, { error: lengthError('least', o.minLength) })
  return schema
}

function textField(
  kind: string,
  base: z.ZodString,
  widget: FormField['widget'],
  o: CharOptions | undefined,
  format?: z.ZodType<string, string>,
): FormField<string> {
  const strip = o?.strip ?? true
  const checked = text(base, o)
  return new FormField<string>(
    {
      kind,
      widget,
      schema: format ? checked.pipe(format) : checked,
      emptyValue: '',
      toInput: (raw) => (typeof raw === 'string' ? (strip ? raw.trim() : raw) : undefined),
      attrs: { maxlength: o?.maxLength, minlength: o?.minLength },
    },
    o,
  )
}

/** Options of number fields. */
export interface NumberOptions<T = number> extends FieldOptions<T> {
  readonly min?: number
  readonly max?: number
  readonly step?: number
}

function bounded(schema: z.ZodNumber, o: { readonly min?: number; readonly max?: number } | undefined): z.ZodNumber {
  let out = schema
  if (o?.min !== undefined) out = out.min(o.min, { error: `Ensure this value is greater than or equal to ${o.min}.` })
  if (o?.max !== undefined) out = out.max(o.max, { error: `Ensure this value is less than or equal to ${o.max}.` })
  return out
}

const INTEGER = /^[-+]?\d{1,20}$/
const NUMBER = /^[-+]?(\d{1,300}(\.\d{0,300})?|\.\d{1,300})([eE][-+]?\d{1,4})?$/
const DATETIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|[+-]\d{2}:?\d{2})?$/
const TIME = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?$/

function asText(raw: RawValue): string | undefined {
  return typeof raw === 'string' ? raw.trim() : undefined
}

function asTexts(raw: RawValue): string[] | undefined {
  if (raw === undefined) return []
  if (typeof raw === 'string') return [raw]
  if (Array.isArray(raw) && raw.every((v) => typeof v === 'string')) return raw as string[]
  return undefined
}

function choiceLookup<V extends Choice[0]>(choices: readonly (readonly [V, string])[]): Map<string, V> {
  return new Map(choices.map(([value]) => [String(value), value]))
}

const invalidChoice = (value: unknown) =>
  `Select a valid choice. ${String(value).slice(0, 100)} is not one of the available choices.`

/** Options of decimal fields. */
export interface DecimalOptions extends FieldOptions<string> {
  readonly maxDigits?: number
  readonly decimalPlaces?: number
}

/** Options of choice fields. */
export interface ChoiceOptions<V> extends FieldOptions<V> {
  readonly choices: readonly (readonly [V, string])[]
}

function isoDate(value: Date): string {
  return value.toISOString().slice(0, 10)
}

/** The `datetime-local` text of an instant, in UTC. */
function localDateTime(value: unknown): string | undefined {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) return formatValue(value) as string | undefined
  const iso = value.toISOString()
  return iso.endsWith(':00.000Z') ? iso.slice(0, 16) : iso.slice(0, iso.endsWith('.000Z') ? 19 : 23)
}

/** Options of file fields. */
export interface FileOptions extends FieldOptions<UploadedFile> {
  /** Largest accepted size in bytes. */
  readonly maxSize?: number
  /** Accepts a zero-byte file (default false, as Django). */
  readonly allowEmptyFile?: boolean
  /** The `accept` attribute (`image/*`); a hint to the browser, not a check. */
  readonly accept?: string
}

/**
 * The field factories.
 *
 * @example
 * ```ts
 * const ContactForm = defineForm({
 *   fields: {
 *     name: field.char({ maxLength: 100 }),
 *     email: field.email({ helpText: 'We never share it.' }),
 *     age: field.integer({ min: 0, required: false }),
 *     topic: field.choice({ choices: [['bug', 'A bug'], ['idea', 'An idea']] }),
 *   },
 * })
 * ```
 */
export const field = {
  /** Text on one line. */
  char: (o?: CharOptions): FormField<string> =>
    textField('char', z.string(), o?.widget ?? widgets.text(), o),
  /** Text on several lines (a textarea). */
  text: (o?: CharOptions): FormField<string> =>
    textField('text', z.string(), o?.widget ?? widgets.textarea(), o),
  /** A password: never re-rendered with its value; not stripped. */
  password: (o?: CharOptions): FormField<string> =>
    textField('password', z.string(), o?.widget ?? widgets.password(), { strip: false, ...o }),
  email: (o?: CharOptions): FormField<string> =>
    textField('email', z.string().max(320, { error: 'Enter a valid email address.' }), o?.widget ?? widgets.email(), o, z.email({ error: 'Enter a valid email address.' })),
  /** An http(s) URL. */
  url: (o?: CharOptions): FormField<string> =>
    textField('url', z.string().max(2048, { error: 'Enter a valid URL.' }), o?.widget ?? widgets.url(), o, z.url({ protocol: /^https?$/, hostname: z.regexes.domain, error: 'Enter a valid URL.' })),
  slug: (o?: CharOptions): FormField<string> =>
    textField(
      'slug',
      z.string().regex(/^[-a-zA-Z0-9_]+$/, { error: 'Enter a valid “slug” consisting of letters, numbers, underscores or hyphens.' }),
      o?.widget ?? widgets.text(),
      o,
    ),
  uuid: (o?: CharOptions): FormField<string> =>
    textField('uuid', z.string(), o?.widget ?? widgets.text(), o, z.uuid({ error: 'Enter a valid UUID.' })),

  /** A whole number (a safe integer). */
  integer: ((o?: NumberOptions) =>
    new FormField(
      {
        kind: 'integer',
        widget: o?.widget ?? widgets.number(),
        schema: z
          .string()
          .regex(INTEGER, { error: 'Enter a whole number.' })
          .transform(Number)
          .pipe(bounded(z.number({ error: 'Enter a whole number.' }).refine(Number.isSafeInteger, { error: 'Enter a whole number.' }) as unknown as z.ZodNumber, o)) as z.ZodType<number | null>,
        emptyValue: null as number | null,
        toInput: asText,
        attrs: { min: o?.min, max: o?.max, step: o?.step },
      },
      o as FieldOptions<number | null>,
    )) as OptionalAware<number, null, NumberOptions>,
  /** A floating point number. */
  float: ((o?: NumberOptions) =>
    new FormField(
      {
        kind: 'float',
        widget: o?.widget ?? widgets.number({ step: 'any' }),
        schema: z
          .string()
          .regex(NUMBER, { error: 'Enter a number.' })
          .transform(Number)
          .pipe(bounded(z.number({ error: 'Enter a number.' }), o)) as z.ZodType<number | null>,
        emptyValue: null as number | null,
        toInput: asText,
        attrs: { min: o?.min, max: o?.max, step: o?.step },
      },
      o as FieldOptions<number | null>,
    )) as OptionalAware<number, null, NumberOptions>,
  /** A decimal kept as text (`'12.50'`) so no precision is lost. */
  decimal: ((o?: DecimalOptions) =>
    new FormField(
      {
        kind: 'decimal',
        widget: o?.widget ?? widgets.number({ step: o?.decimalPlaces !== undefined ? (10 ** -o.decimalPlaces).toFixed(o.decimalPlaces) : 'any' }),
        schema: z
          .string()
          .regex(/^[-+]?(\d{1,100}(\.\d{0,100})?|\.\d{1,100})$/, { error: 'Enter a number.' })
          .superRefine((value, ctx) => {
            const [whole = '', fraction = ''] = value.replace(/^[-+]/, '').split('.')
            const digits = whole.replace(/^0+/, '').length + fraction.length
            if (o?.maxDigits !== undefined && digits > o.maxDigits)
              ctx.addIssue({ code: 'custom', message: `Ensure that there are no more than ${o.maxDigits} digits in total.` })
            if (o?.decimalPlaces !== undefined && fraction.length > o.decimalPlaces)
              ctx.addIssue({ code: 'custom', message: `Ensure that there are no more than ${o.decimalPlaces} decimal places.` })
            if (o?.maxDigits !== undefined && o.decimalPlaces !== undefined && whole.replace(/^0+/, '').length > o.maxDigits - o.decimalPlaces)
              ctx.addIssue({ code: 'custom', message: `Ensure that there are no more than ${o.maxDigits - o.decimalPlaces} digits before the decimal point.` })
          })
          .transform((value) => {
            const sign = value.startsWith('-') ? '-' : ''
            let [whole = '', fraction = ''] = value.replace(/^[-+]/, '').split('.')
            whole = whole.replace(/^0+(?=\d)/, '') || '0'
            if (o?.decimalPlaces !== undefined) fraction = fraction.padEnd(o.decimalPlaces, '0')
            return `${sign}${whole}${fraction ? `.${fraction}` : ''}`
          }) as z.ZodType<string | null>,
        emptyValue: null as string | null,
        toInput: asText,
      },
      o as FieldOptions<string | null>,
    )) as OptionalAware<string, null, DecimalOptions>,
  /** A checkbox. `required: true` (the default) means it must be checked, as in Django. */
  boolean: (o?: FieldOptions<boolean>): FormField<boolean> =>
    new FormField<boolean>(
      {
        kind: 'boolean',
        widget: o?.widget ?? widgets.checkbox(),
        schema: z.boolean(),
        emptyValue: false,
        toInput: (raw) => {
          const value = typeof raw === 'string' ? raw.trim().toLowerCase() : Array.isArray(raw) ? 'true' : ''
          return !(value === '' || value === 'false' || value === '0' || value === 'off')
        },
        isEmpty: (input) => input === false,
        format: (value) => value === true || value === 'true' || value === 'on',
      },
      o,
    ),
  /** One of `choices`; the cleaned value is the choice's own value (typed). */
  choice: <const V extends string | number | boolean, const O extends ChoiceOptions<V> = ChoiceOptions<V>>(
    o: O & ChoiceOptions<V>,
  ): FormField<Opt<O, V, ''>> => {
    const lookup = choiceLookup(o.choices)
    return new FormField(
      {
        kind: 'choice',
        widget: o.widget ?? widgets.select(),
        choices: o.choices,
        schema: z.string().transform((value, ctx) => {
          if (!lookup.has(value)) {
            ctx.addIssue({ code: 'invalid_value', values: [], message: invalidChoice(value) })
            return z.NEVER
          }
          return lookup.get(value)!
        }) as unknown as z.ZodType<Opt<O, V, ''>>,
        emptyValue: '' as Opt<O, V, ''>,
        toInput: asText,
      },
      o as unknown as FieldOptions<Opt<O, V, ''>>,
    )
  },
  /** Several of `choices` (a select multiple, or checkboxes with `widgets.checkboxMultiple()`). */
  multipleChoice: <const V extends string | number | boolean>(
    o: FieldOptions<V[]> & { readonly choices: readonly (readonly [V, string])[] },
  ): FormField<V[]> => {
    const lookup = choiceLookup(o.choices)
    return new FormField<V[]>(
      {
        kind: 'multiple-choice',
        widget: o.widget ?? widgets.selectMultiple(),
        choices: o.choices,
        schema: z
          .array(z.string(), { error: 'Enter a list of values.' })
          .max(10_000, { error: 'Enter a list of values.' })
          .transform((values, ctx) => {
            const bad = values.find((value) => !lookup.has(value))
            if (bad !== undefined) {
              ctx.addIssue({ code: 'invalid_value', values: [], message: invalidChoice(bad) })
              return z.NEVER
            }
            return [...new Set(values)].map((value) => lookup.get(value)!)
          }),
        emptyValue: [],
        toInput: asTexts,
      },
      o as unknown as FieldOptions<V[]>,
    )
  },
  /** A calendar date, cleaned to `'YYYY-MM-DD'`. */
  date: ((o?: FieldOptions<string>) =>
    new FormField(
      {
        kind: 'date',
        widget: o?.widget ?? widgets.date(),
        schema: z.iso.date({ error: 'Enter a valid date.' }) as unknown as z.ZodType<string | null>,
        emptyValue: null as string | null,
        toInput: asText,
        format: (value) => (value instanceof Date ? isoDate(value) : formatValue(value)),
      },
      o as FieldOptions<string | null>,
    )) as OptionalAware<string, null, FieldOptions<string>>,
  /**
   * An instant, cleaned to a `Date`. A `datetime-local` value has no zone: it is read as UTC
   * (and shown in UTC), unless it carries an offset.
   */
  dateTime: ((o?: FieldOptions<Date>) =>
    new FormField(
      {
        kind: 'datetime',
        widget: o?.widget ?? widgets.dateTimeLocal(),
        schema: z
          .string()
          .regex(DATETIME, { error: 'Enter a valid date/time.' })
          .transform((value, ctx) => {
            const [, day, hh, mm, ss = '00', frac = '', zone = 'Z'] = DATETIME.exec(value)!
            const date = new Date(`${day}T${hh}:${mm}:${ss}.${frac.padEnd(3, '0').slice(0, 3)}${zone}`)
            if (Number.isNaN(date.getTime()) || !z.iso.date().safeParse(day).success) {
              ctx.addIssue({ code: 'invalid_format', format: 'datetime', message: 'Enter a valid date/time.' })
              return z.NEVER
            }
            return date
          }) as unknown as z.ZodType<Date | null>,
        emptyValue: null as Date | null,
        toInput: asText,
        format: localDateTime,
      },
      o as FieldOptions<Date | null>,
    )) as OptionalAware<Date, null, FieldOptions<Date>>,
  /** A time of day, cleaned to `'HH:MM:SS'`. */
  time: ((o?: FieldOptions<string>) =>
    new FormField(
      {
        kind: 'time',
        widget: o?.widget ?? widgets.time(),
        schema: z
          .string()
          .regex(TIME, { error: 'Enter a valid time.' })
          .transform((value, ctx) => {
            const [, hh = '', mm = '', ss = '00', frac] = TIME.exec(value)!
            if (Number(hh) > 23 || Number(mm) > 59 || Number(ss) > 59) {
              ctx.addIssue({ code: 'invalid_format', format: 'time', message: 'Enter a valid time.' })
              return z.NEVER
            }
            return `${hh}:${mm}:${ss}${frac ? `.${frac}` : ''}`
          }) as unknown as z.ZodType<string | null>,
        emptyValue: null as string | null,
        toInput: asText,
      },
      o as FieldOptions<string | null>,
    )) as OptionalAware<string, null, FieldOptions<string>>,
  /** Any JSON value, typed in a textarea. */
  json: ((o?: FieldOptions<JsonValue>) =>
    new FormField(
      {
        kind: 'json',
        widget: o?.widget ?? widgets.textarea(),
        schema: z.string().transform((value, ctx) => {
          try {
            return JSON.parse(value) as JsonValue
          } catch {
            ctx.addIssue({ code: 'invalid_format', format: 'json', message: 'Enter a valid JSON.' })
            return z.NEVER
          }
        }) as unknown as z.ZodType<JsonValue | null>,
        emptyValue: null as JsonValue | null,
        toInput: asText,
        format: (value) => (value === undefined || value === null ? undefined : typeof value === 'string' ? value : JSON.stringify(value)),
      },
      o as FieldOptions<JsonValue | null>,
    )) as OptionalAware<JsonValue, null, FieldOptions<JsonValue>>,
  /** An uploaded file (bind the form with `request.FILES`; the form needs `enctype="multipart/form-data"`). */
  file: ((o?: FileOptions) =>
    new FormField(
      {
        kind: 'file',
        widget: o?.widget ?? widgets.file(),
        schema: z.custom<UploadedFile>().superRefine((file, ctx) => {
          if (!file.filename) ctx.addIssue({ code: 'custom', message: 'No file was submitted. Check the encoding type on the form.' })
          else if (file.size === 0 && !o?.allowEmptyFile) ctx.addIssue({ code: 'custom', message: 'The submitted file is empty.' })
          else if (o?.maxSize !== undefined && file.size > o.maxSize)
            ctx.addIssue({ code: 'too_big', origin: 'file', maximum: o.maxSize, message: `Ensure this file is at most ${o.maxSize} bytes (it has ${file.size}).` })
        }) as unknown as z.ZodType<UploadedFile | null>,
        emptyValue: null as UploadedFile | null,
        toInput: (raw) => (typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? raw : undefined),
        format: () => undefined,
        attrs: { accept: o?.accept },
      },
      o as FieldOptions<UploadedFile | null>,
    )) as OptionalAware<UploadedFile, null, FileOptions>,
  /**
   * A field from your own zod schema: it receives the submitted text (or texts, with a multiple
   * widget) and its output is the cleaned value.
   *
   * @example
   * ```ts
   * field.zod(z.string().regex(/^[A-Z]{2}\d{4}$/, 'Use two letters and four digits.'), { label: 'Code' })
   * ```
   */
  zod: <S extends z.ZodType, const O extends FieldOptions<z.output<S>> = {}>(
    schema: S,
    o?: O,
  ): FormField<Opt<O, z.output<S>, undefined>> =>
    new FormField(
      {
        kind: 'zod',
        widget: o?.widget ?? widgets.text(),
        schema: schema as unknown as z.ZodType<Opt<O, z.output<S>, undefined>>,
        emptyValue: undefined as Opt<O, z.output<S>, undefined>,
        toInput: (raw) => (typeof raw === 'string' ? raw.trim() : raw),
      },
      o as FieldOptions<Opt<O, z.output<S>, undefined>>,
    ),
}
