/**
 * @module The change list's sidebar filters (Django's list_filter): for each filtered field, the
 * choices a user can click and the query parameters each one sets. A filter owns a fixed set of
 * parameter names; the change list rejects any other parameter, so a URL cannot filter on a
 * field the admin did not offer.
 */
import type { AnyModelClass } from '../../db/index.ts'
import { choicesOf, fieldLabel, isForeignKey, type FieldInfo } from './model-info.ts'

/** One clickable choice of a filter. */
export interface FilterChoice {
  readonly label: string
  /** The parameters this choice sets; every parameter of the filter not listed is removed. */
  readonly params: Readonly<Record<string, string>>
  readonly selected: boolean
}

/** A filter as the template draws it. */
export interface ListFilter {
  readonly field: FieldInfo
  readonly title: string
  /** Every query parameter this filter may set. */
  readonly paramNames: readonly string[]
  readonly choices: readonly FilterChoice[]
  /** The QuerySet conditions for the current parameters (empty when "All"). */
  readonly conditions: Record<string, unknown>
}

/** How a related model's objects are listed in a foreign key filter. */
export type RelatedOptions = (model: AnyModelClass) => Promise<{ pk: unknown; label: string }[]>

function selectedWhen(
  current: ReadonlyMap<string, string>,
  paramNames: readonly string[],
  params: Record<string, string>,
): boolean {
  return paramNames.every((name) => current.get(name) === params[name])
}

function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10)
}

function addDays(date: Date, days: number): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() + days))
}

/**
 * Django's DateFieldListFilter ranges, in UTC: any date, today, past 7 days, this month, this
 * year, plus "no date" / "has date" for nullable fields.
 */
function dateChoices(
  field: FieldInfo,
  now: Date,
): { label: string; params: Record<string, string> }[] {
  const gte = `${field.name}__gte`
  const lt = `${field.name}__lt`
  const today = addDays(now, 0)
  const tomorrow = addDays(now, 1)
  const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1))
  const nextMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1))
  const yearStart = new Date(Date.UTC(now.getUTCFullYear(), 0, 1))
  const nextYear = new Date(Date.UTC(now.getUTCFullYear() + 1, 0, 1))
  const range = (from: Date, to: Date): Record<string, string> => ({
    [gte]: isoDate(from),
    [lt]: isoDate(to),
  })
  const out = [
    { label: 'Any date', params: {} },
    { label: 'Today', params: range(today, tomorrow) },
    { label: 'Past 7 days', params: range(addDays(now, -6), tomorrow) },
    { label: 'This month', params: range(monthStart, nextMonth) },
    { label: 'This year', params: range(yearStart, nextYear) },
  ]
  if (field.nullable) {
    out.push({ label: 'No date', params: { [`${field.name}__isnull`]: 'True' } })
    out.push({ label: 'Has date', params: { [`${field.name}__isnull`]: 'False' } })
  }
  return out
}

/**
 * Builds one filter from the field and the current query parameters. Throws a RangeError with
 * the parameter's name when a value does not fit the field (the view answers 400).
 */
export async function buildFilter(
  field: FieldInfo,
  current: ReadonlyMap<string, string>,
  relatedOptions: RelatedOptions,
  now = new Date(),
): Promise<ListFilter> {
  let options: { label: string; params: Record<string, string> }[]
  const exact = `${field.name}__exact`
  const isnull = `${field.name}__isnull`
  if (field.kind === 'BooleanField') {
    options = [
      { label: 'All', params: {} },
      { label: 'Yes', params: { [exact]: '1' } },
      { label: 'No', params: { [exact]: '0' } },
    ]
    if (field.nullable) options.push({ label: 'Unknown', params: { [isnull]: 'True' } })
  } else if (choicesOf(field)) {
    options = [
      { label: 'All', params: {} },
      ...choicesOf(field)!.map(([value, label]) => ({ label, params: { [exact]: String(value) } })),
    ]
    if (field.nullable) options.push({ label: 'Empty', params: { [isnull]: 'True' } })
  } else if (field.kind === 'DateField' || field.kind === 'DateTimeField') {
    options = dateChoices(field, now)
  } else if (isForeignKey(field)) {
    const idExact = `${field.name}__id__exact`
    const related = await relatedOptions(field.relation!.target() as AnyModelClass)
    options = [
      { label: 'All', params: {} },
      ...related.map(({ pk, label }) => ({ label, params: { [idExact]: String(pk) } })),
    ]
    if (field.nullable) options.push({ label: 'Empty', params: { [isnull]: 'True' } })
  } else {
    throw new TypeError(`No filter for a ${field.kind}`)
  }
  const paramNames = [...new Set(options.flatMap((option) => Object.keys(option.params)))]
  return {
    field,
    title: fieldLabel(field),
    paramNames,
    choices: options.map((option) => ({
      ...option,
      selected: selectedWhen(current, paramNames, option.params),
    })),
    conditions: conditionsFor(field, current, paramNames),
  }
}

/** Converts the filter's parameters to typed QuerySet conditions, checking each value. */
function conditionsFor(
  field: FieldInfo,
  current: ReadonlyMap<string, string>,
  paramNames: readonly string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const name of paramNames) {
    const raw = current.get(name)
    if (raw === undefined) continue
    const bad = (): never => {
      throw new RangeError(`Filter parameter ${name}=${JSON.stringify(raw)} is not a valid value.`)
    }
    if (name.endsWith('__isnull')) {
      if (raw !== 'True' && raw !== 'False') bad()
      out[name] = raw === 'True'
    } else if (name.endsWith('__id__exact')) {
      if (!/^[0-9]{1,15}$/.test(raw)) bad()
      out[`${field.name}__id`] = Number(raw)
    } else if (field.kind === 'BooleanField') {
      if (raw !== '1' && raw !== '0') bad()
      out[field.name] = raw === '1'
    } else if (name.endsWith('__exact')) {
      const choice = choicesOf(field)?.find(([value]) => String(value) === raw)
      if (!choice) bad()
      out[field.name] = choice![0]
    } else if (name.endsWith('__gte') || name.endsWith('__lt')) {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(raw) || Number.isNaN(Date.parse(raw))) bad()
      out[name] = field.kind === 'DateTimeField' ? new Date(`${raw}T00:00:00Z`) : raw
    }
  }
  return out
}
