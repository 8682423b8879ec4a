/**
 * @module Fields whose choices are rows of a model: `field.modelChoice(Author.objects)` (a
 * select, cleaned to the chosen row's primary key) and `field.modelMultipleChoice(Tag.objects)`
 * (cleaned to a list of keys). Submitted keys are checked against the QuerySet in the database;
 * the options are loaded by `form.prepare()` before rendering.
 */
import { z } from 'zod'
import type { AnyModelClass, QuerySet } from '../db/index.ts'
import { FormField, type FieldOptions } from './form-field.ts'
import { widgets, type Choice, type RawValue } from './widgets.ts'

type Opt<O, T, E> = O extends { required: false } ? T | E : T

/** Options of model choice fields. */
export interface ModelChoiceOptions<T> extends FieldOptions<T> {
  /** The label of an option (default: the row's own toString(), else "Question object (3)"). */
  readonly labelFromInstance?: (instance: object) => string
  /** The "nothing chosen" option of a select; null for none. Default '---------'. */
  readonly emptyLabel?: string | null
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyQuerySet = QuerySet<any, any>

function modelOf(queryset: AnyQuerySet): AnyModelClass {
  return (queryset as unknown as { model: AnyModelClass }).model
}

/**
 * The largest value of each integer key column. Why it matters: PostgreSQL rejects a comparison
 * with a number its column type cannot hold (an error, not "no row"), so such a key must be
 * refused before it reaches the database.
 */
const INTEGER_PK_MAX: Partial<Record<string, number>> = {
  AutoField: 2147483647,
  IntegerField: 2147483647,
  SmallIntegerField: 32767,
  BigAutoField: Number.MAX_SAFE_INTEGER,
  BigIntegerField: Number.MAX_SAFE_INTEGER,
}

/** Parses a submitted key for `model` (numbers for integer keys), or undefined if malformed. */
function keyOf(model: AnyModelClass, text: string): number | string | undefined {
  const max = INTEGER_PK_MAX[model.meta.pk.kind]
  if (max !== undefined) {
    if (!/^[-+]?\d{1,16}$/.test(text)) return undefined
    const number = Number(text)
    return Number.isSafeInteger(number) && Math.abs(number) <= max ? number : undefined
  }
  return text.length <= 1000 ? text : undefined
}

/** Default option label: the instance's own toString(), else Django's "Model object (pk)". */
export function instanceLabel(instance: object): string {
  const own = (instance as { toString(): string }).toString
  if (own !== Object.prototype.toString) return String(instance)
  const model = instance.constructor as AnyModelClass
  return `${model.modelName} object (${String((instance as { pk: unknown }).pk)})`
}

const invalidChoice = 'Select a valid choice. That choice is not one of the available choices.'

function loadChoices(queryset: AnyQuerySet, options: ModelChoiceOptions<unknown>, withEmpty: boolean): () => Promise<Choice[]> {
  return async () => {
    const label = options.labelFromInstance ?? instanceLabel
    const rows = (await queryset.all().list()) as { pk: number | string }[]
    const choices: Choice[] = rows.map((row) => [row.pk, label(row)])
    const emptyLabel = options.emptyLabel === undefined ? '---------' : options.emptyLabel
    return withEmpty && emptyLabel !== null ? [['', emptyLabel], ...choices] : choices
  }
}

/**
 * A select of the rows of `queryset`; the cleaned value is the chosen row's primary key.
 *
 * @example
 * ```ts
 * author: field.modelChoice(Author.objects.filter({ active: true }), { required: false })
 * ```
 */
export function modelChoice<const O extends ModelChoiceOptions<number | string> = {}>(
  queryset: AnyQuerySet,
  o?: O,
): FormField<Opt<O, number | string, null>> {
  const model = modelOf(queryset)
  return new FormField(
    {
      kind: 'model-choice',
      widget: o?.widget ?? widgets.select(),
      schema: z.string().transform(async (text, ctx) => {
        const key = keyOf(model, text)
        if (key === undefined || !(await queryset.all().filter({ pk: key }).exists())) {
          ctx.addIssue({ code: 'invalid_value', values: [], message: invalidChoice })
          return z.NEVER
        }
        return key
      }) as unknown as z.ZodType<Opt<O, number | string, null>>,
      emptyValue: null as Opt<O, number | string, null>,
      toInput: (raw: RawValue) => (typeof raw === 'string' ? raw.trim() : undefined),
      loadChoices: loadChoices(queryset, (o ?? {}) as ModelChoiceOptions<unknown>, true),
    },
    o as FieldOptions<Opt<O, number | string, null>>,
  )
}

/**
 * A select multiple of the rows of `queryset`; the cleaned value is the list of chosen keys.
 *
 * @example
 * ```ts
 * tags: field.modelMultipleChoice(Tag.objects, { required: false, widget: widgets.checkboxMultiple() })
 * ```
 */
export function modelMultipleChoice(
  queryset: AnyQuerySet,
  o: ModelChoiceOptions<(number | string)[]> = {},
): FormField<(number | string)[]> {
  const model = modelOf(queryset)
  return new FormField<(number | string)[]>(
    {
      kind: 'model-multiple-choice',
      widget: o.widget ?? widgets.selectMultiple(),
      schema: z
        .array(z.string(), { error: 'Enter a list of values.' })
        .max(10_000, { error: 'Enter a list of values.' })
        .transform(async (texts, ctx) => {
          const keys = [...new Set(texts.map((text) => keyOf(model, text)))]
          if (keys.includes(undefined)) {
            ctx.addIssue({ code: 'invalid_value', values: [], message: invalidChoice })
            return z.NEVER
          }
          const found = new Set(
            ((await queryset.all().filter({ pk__in: keys }).list()) as { pk: number | string }[]).map((row) => row.pk),
          )
          const missing = keys.find((key) => !found.has(key!))
          if (missing !== undefined) {
            ctx.addIssue({
              code: 'invalid_value',
              values: [],
              message: `Select a valid choice. ${String(missing).slice(0, 100)} is not one of the available choices.`,
            })
            return z.NEVER
          }
          return keys as (number | string)[]
        }),
      emptyValue: [],
      toInput: (raw: RawValue) =>
        raw === undefined ? [] : typeof raw === 'string' ? [raw] : Array.isArray(raw) && raw.every((v) => typeof v === 'string') ? raw : undefined,
      loadChoices: loadChoices(queryset, o as ModelChoiceOptions<unknown>, false),
    },
    o,
  )
}
