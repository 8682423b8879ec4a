/**
 * @module Facts about a model the admin reads from its runtime Meta: names for URLs and titles,
 * its fields by name, editable fields, and how a field's value is shown.
 */
import type { AnyModelClass } from '../../db/index.ts'

/** A model's resolved field, as framework/db describes it. */
export type FieldInfo = AnyModelClass['meta']['fields'][number]

/** The lower-case model name used in admin URLs (`Question` → `question`). */
export function urlName(model: AnyModelClass): string {
  return model.meta.modelName.toLowerCase()
}

/** `polls.Question` */
export function labelOf(model: AnyModelClass): string {
  return model.meta.label
}

/** The verbose name, e.g. `question`. */
export function verboseName(model: AnyModelClass): string {
  return model.meta.verboseName
}

/** The plural verbose name (Meta's, else the name plus `s`, as Django). */
export function verboseNamePlural(model: AnyModelClass): string {
  return model.meta.options.verboseNamePlural ?? `${model.meta.verboseName}s`
}

/**
 * The name of a model as a delete confirmation lists it: its verbose name, or for the table a
 * many-to-many field created (`Question_tags`), Django's "question-tag relationship".
 */
export function deletionName(model: AnyModelClass, plural: boolean): string {
  if (model.meta.options.autoCreated === true) {
    const ends = model.meta.fields
      .filter((field) => isForeignKey(field))
      .map((field) => (field.relation!.target() as unknown as AnyModelClass).meta.verboseName)
    return `${ends.join('-')} relationship${plural ? 's' : ''}`
  }
  return plural ? verboseNamePlural(model) : verboseName(model)
}

/** A field's label: its verboseName, else its name split at capitals. */
export function fieldLabel(field: FieldInfo): string {
  const given = field.options['verboseName']
  if (typeof given === 'string') return given
  return field.name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase()
}

/** Capitalises the first letter, as Django's capfirst. */
export function capfirst(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

/** The field called `name`, or undefined. */
export function fieldNamed(model: AnyModelClass, name: string): FieldInfo | undefined {
  return model.meta.byName.get(name)
}

/** Fields a form may edit: not the auto primary key, not auto dates, not auto-created ones. */
export function editableFields(model: AnyModelClass): FieldInfo[] {
  return model.meta.fields.filter((field) => {
    if (field.primaryKey && (field.kind === 'AutoField' || field.kind === 'BigAutoField'))
      return false
    if (field.options['autoNow'] === true || field.options['autoNowAdd'] === true) return false
    if (field.options['editable'] === false) return false
    return true
  })
}

/** Whether a field is a foreign key or one-to-one. */
export function isForeignKey(field: FieldInfo): boolean {
  return field.relation?.kind === 'ForeignKey' || field.relation?.kind === 'OneToOneField'
}

/** The choices of a field, when it declares some. */
export function choicesOf(field: FieldInfo): readonly (readonly [unknown, string])[] | undefined {
  const choices = field.options['choices']
  return Array.isArray(choices) ? (choices as readonly (readonly [unknown, string])[]) : undefined
}

function pad(n: number): string {
  return String(n).padStart(2, '0')
}

/** A date-time as `YYYY-MM-DD HH:MM` in UTC (the ORM stores UTC; no time zone setting yet). */
export function formatDateTime(value: Date): string {
  return `${value.getUTCFullYear()}-${pad(value.getUTCMonth() + 1)}-${pad(value.getUTCDate())} ${pad(value.getUTCHours())}:${pad(value.getUTCMinutes())}`
}

/** What the admin shows for an empty value (Django's empty_value_display). */
export const EMPTY_VALUE = '-'

/**
 * A field value as text for the change list and read-only fields: the choice label, a
 * formatted date, the related object's repr (given by `reprOf`), or `-` when empty. Booleans
 * are drawn by the template; here they become "Yes"/"No".
 */
export function displayValue(
  field: FieldInfo,
  obj: Record<string, unknown>,
  reprOf: (model: AnyModelClass, related: object) => string,
): string {
  if (isForeignKey(field)) {
    const id = obj[field.attname]
    if (id === null || id === undefined) return EMPTY_VALUE
    const related = loadedRelated(obj, field.name)
    return related ? reprOf(field.relation!.target() as AnyModelClass, related) : String(id)
  }
  const value = obj[field.name]
  if (value === null || value === undefined || value === '') return EMPTY_VALUE
  const choices = choicesOf(field)
  if (choices) {
    const found = choices.find(([choice]) => String(choice) === String(value))
    if (found) return found[1]
  }
  if (value instanceof Date) return formatDateTime(value)
  if (typeof value === 'boolean') return value ? 'Yes' : 'No'
  if (value instanceof Uint8Array) return `${value.length} bytes`
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}

/**
 * The related object of a foreign key when the query loaded it (selectRelated), else undefined.
 * Why the try: reading an unloaded relation throws a QuerySetError by design.
 */
export function loadedRelated(obj: Record<string, unknown>, name: string): object | undefined {
  try {
    const related = obj[name]
    return typeof related === 'object' && related !== null ? related : undefined
  } catch {
    return undefined
  }
}
