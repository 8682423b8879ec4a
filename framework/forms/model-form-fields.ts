/**
 * @module The form field for a model field, as Django's `formfield()`: kind → field and widget,
 * maxLength, choices (with a blank option), blank → not required, null → null when empty,
 * the default as initial value, verboseName and helpText as label and help text.
 */
import type { AnyModelClass } from '../db/index.ts'
import { prettyName } from './bound-field.ts'
import { field } from './fields.ts'
import { FormField, type FieldOptions, type FieldSpec } from './form-field.ts'
import { modelChoice, modelMultipleChoice } from './model-choice-fields.ts'
import { FormUsageError } from './validation-error.ts'
import type { Choice } from './widgets.ts'

/** One field of a model, as the ORM describes it. */
export type ModelFieldMeta = AnyModelClass['meta']['fields'][number]

/** False for fields a form never edits: auto primary keys, autoNow dates, binary data. */
export function isEditable(meta: ModelFieldMeta): boolean {
  const o = meta.options
  if (meta.primaryKey && (meta.kind === 'AutoField' || meta.kind === 'BigAutoField')) return false
  return !o.autoNow && !o.autoNowAdd && meta.kind !== 'BinaryField' && o.editable !== false
}

const INT_RANGES: Partial<Record<string, [number, number]>> = {
  SmallIntegerField: [-32768, 32767],
  IntegerField: [-2147483648, 2147483647],
}

/** The form field for model field `meta` of `model`. */
export function formFieldFor(model: AnyModelClass, meta: ModelFieldMeta): FormField {
  const o = meta.options
  const blank = o.blank === true
  const common: FieldOptions<unknown> = {
    label: typeof o.verboseName === 'string' ? o.verboseName.charAt(0).toUpperCase() + o.verboseName.slice(1) : prettyName(meta.name),
    required: !blank && meta.kind !== 'BooleanField',
    ...(typeof o.helpText === 'string' ? { helpText: o.helpText } : {}),
    ...(o.default !== undefined ? { initial: o.default as unknown } : {}),
  }
  const choices = o.choices as readonly Choice[] | undefined
  if (choices && meta.kind !== 'ManyToManyField') {
    const withBlank: Choice[] = blank || o.default === undefined ? [['', '---------'], ...choices] : [...choices]
    return field
      .choice({ choices: withBlank as readonly (readonly [string | number | boolean, string])[] })
      .with({ emptyValue: meta.nullable ? null : '' } as object, common as FieldOptions<string>) as FormField
  }
  const maxLength = typeof o.maxLength === 'number' ? o.maxLength : undefined
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const make = (built: FormField<any>, spec: Partial<FieldSpec<any>> = {}, extra: FieldOptions<any> = {}): FormField =>
    built.with(spec, { ...common, ...extra }) as FormField
  const text = (built: FormField<string>): FormField => make(built, { emptyValue: meta.nullable ? null : '' })
  switch (meta.kind) {
    case 'CharField':
      return text(field.char(maxLength !== undefined ? { maxLength } : {}))
    case 'TextField':
      return text(field.text(maxLength !== undefined ? { maxLength } : {}))
    case 'EmailField':
      return text(field.email(maxLength !== undefined ? { maxLength } : {}))
    case 'URLField':
      return text(field.url(maxLength !== undefined ? { maxLength } : {}))
    case 'SlugField':
      return text(field.slug(maxLength !== undefined ? { maxLength } : {}))
    case 'UUIDField':
      return text(field.uuid())
    case 'IntegerField':
    case 'SmallIntegerField':
    case 'BigIntegerField':
    case 'AutoField':
    case 'BigAutoField': {
      const range = INT_RANGES[meta.kind]
      return make(field.integer(range ? { min: range[0], max: range[1] } : {}))
    }
    case 'FloatField':
      return make(field.float())
    case 'DurationField':
      return make(field.integer(), {}, { helpText: common.helpText ?? 'In milliseconds.' })
    case 'DecimalField':
      return make(field.decimal({ maxDigits: Number(o.maxDigits), decimalPlaces: Number(o.decimalPlaces) }))
    case 'BooleanField':
      return make(field.boolean())
    case 'DateField':
      return make(field.date())
    case 'DateTimeField':
      return make(field.dateTime())
    case 'TimeField':
      return make(field.time())
    case 'JSONField':
      return make(field.json())
    case 'ForeignKey':
    case 'OneToOneField': {
      const target = meta.relation!.target() as unknown as AnyModelClass
      return make(modelChoice(target.objects))
    }
    case 'ManyToManyField': {
      const target = meta.relation!.target() as unknown as AnyModelClass
      return make(modelMultipleChoice(target.objects), {}, { required: !blank })
    }
    case 'BinaryField':
      break
  }
  throw new FormUsageError(
    'forms.uneditable_field',
    `${model.modelName}.${meta.name} (${meta.kind}) cannot be edited in a form: leave it out of fields, or declare a form field for it.`,
  )
}
