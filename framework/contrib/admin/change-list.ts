/**
 * @module The change list's query (Django's ChangeList): search, filters, ordering from the
 * sortable headers, and one page of rows, in a fixed number of queries whatever the table's
 * size: one COUNT, one SELECT of the page (foreign key columns joined with selectRelated), and
 * one per foreign key filter for its choices.
 *
 * Query parameters: `q` (search words), `o` (ordering: comma-separated column names, `-` for
 * descending), `p` (page, from 1), and the filters' own (`pubDate__gte`, `question__id__exact`).
 * Any other parameter is refused (a 400), so a URL cannot filter on what the admin did not offer.
 */
import { Q, type AnyModelClass, type QObject } from '../../db/index.ts'
import { buildFilter, type ListFilter, type RelatedOptions } from './list-filters.ts'
import type { ModelAdmin, ResolvedColumn } from './model-admin.ts'
import { displayValue, fieldNamed, isForeignKey } from './model-info.ts'

/** Query parameters the change list reads itself. */
export const SEARCH_VAR = 'q'
export const ORDER_VAR = 'o'
export const PAGE_VAR = 'p'

/** Why a change list request is refused (the view turns it into a 400 or a 404). */
export class ChangeListError extends Error {
  override name = 'ChangeListError'
  readonly status: 400 | 404
  constructor(message: string, status: 400 | 404 = 400) {
    super(message)
    this.status = status
  }
}

/** One cell of a row. */
export interface Cell {
  readonly text: string
  /** For boolean columns: true, false, or null (unknown). */
  readonly boolean: boolean | null | undefined
  readonly link: boolean
}

/** One row of the page. */
export interface Row {
  readonly pk: string
  readonly obj: object
  readonly cells: readonly Cell[]
}

/** A column header as the template draws it. */
export interface Header {
  readonly label: string
  readonly sortable: boolean
  /** 'asc', 'desc' or undefined when the list is not sorted by it. */
  readonly sorted: 'asc' | 'desc' | undefined
  /** 1 for the primary sort key, 2 for the next, ... */
  readonly sortPriority: number | undefined
  /** The query string that sorts by this column (toggling its direction). */
  readonly toggleQuery: string
  /** The query string that removes it from the ordering. */
  readonly removeQuery: string
}

/** What a change list computes for one request. */
export interface ChangeList {
  readonly search: string
  readonly filters: readonly ListFilter[]
  readonly headers: readonly Header[]
  readonly rows: readonly Row[]
  /** Rows matching the search and filters. */
  readonly count: number
  readonly page: number
  readonly numPages: number
  readonly perPage: number
  /** The query string for `changes` applied to the current one (null removes a parameter). */
  queryString(changes: Record<string, string | null>): string
}

/** Builds the query string of the current parameters with `changes` applied. */
function withChanges(
  current: ReadonlyMap<string, string>,
  changes: Record<string, string | null>,
): string {
  const next = new Map(current)
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) next.delete(key)
    else next.set(key, value)
  }
  const search = new URLSearchParams([...next.entries()])
  const text = search.toString()
  return text ? `?${text}` : '?'
}

/** Splits the search text into words, keeping "quoted phrases" whole (as Django). */
export function searchWords(text: string): string[] {
  const words: string[] = []
  for (const match of text.matchAll(/"([^"]*)"|(\S+)/g)) {
    const word = (match[1] ?? match[2] ?? '').trim()
    if (word) words.push(word)
  }
  return words.slice(0, 20)
}

/** The ordering requested by `o`, checked against the sortable columns. */
function parseOrdering(raw: string | undefined, sortable: ReadonlySet<string>): string[] {
  if (raw === undefined || raw === '') return []
  const keys = raw.split(',')
  const out: string[] = []
  for (const key of keys) {
    const name = key.replace(/^-/, '')
    if (!sortable.has(name)) {
      throw new ChangeListError(
        `Cannot order by ${JSON.stringify(key)}: sortable columns are ${[...sortable].join(', ') || 'none'}.`,
      )
    }
    if (!out.some((existing) => existing.replace(/^-/, '') === name)) out.push(key)
  }
  return out
}

function headers(
  columns: readonly ResolvedColumn[],
  ordering: readonly string[],
  current: ReadonlyMap<string, string>,
): Header[] {
  return columns.map((column) => {
    const orderField = column.orderField
    if (!orderField) {
      return {
        label: column.label,
        sortable: false,
        sorted: undefined,
        sortPriority: undefined,
        toggleQuery: '',
        removeQuery: '',
      }
    }
    const index = ordering.findIndex((key) => key.replace(/^-/, '') === orderField)
    const existing = index >= 0 ? ordering[index]! : undefined
    const sorted = existing === undefined ? undefined : existing.startsWith('-') ? 'desc' : 'asc'
    const others = ordering.filter((_, i) => i !== index)
    const toggled = sorted === 'asc' ? `-${orderField}` : orderField
    const join = (keys: string[]): string | null => (keys.length ? keys.join(',') : null)
    return {
      label: column.label,
      sortable: true,
      sorted,
      sortPriority: index >= 0 ? index + 1 : undefined,
      toggleQuery: withChanges(current, { o: join([toggled, ...others]), p: null }),
      removeQuery: withChanges(current, { o: join(others), p: null }),
    }
  })
}

/** Options of buildChangeList. */
export interface ChangeListOptions {
  /** The request's query parameters (last value of each name). */
  readonly params: ReadonlyMap<string, string>
  /** How objects of other models are named (their admin's repr). */
  readonly reprOf: (model: AnyModelClass, obj: object) => string
  /** Lists a related model's objects for a foreign key filter. */
  readonly relatedOptions: RelatedOptions
}

/**
 * Runs the change list of `admin` for the given parameters.
 *
 * @example
 * ```ts
 * const cl = await buildChangeList(questionAdmin, { params: new Map([['q', 'what']]), reprOf, relatedOptions })
 * cl.rows.map((row) => row.cells[0].text)
 * ```
 */
export async function buildChangeList(
  admin: ModelAdmin,
  options: ChangeListOptions,
): Promise<ChangeList> {
  const { params, reprOf } = options
  const model = admin.model
  const filters: ListFilter[] = []
  for (const name of admin.options.listFilter ?? []) {
    try {
      filters.push(await buildFilter(fieldNamed(model, name)!, params, options.relatedOptions))
    } catch (error) {
      if (error instanceof RangeError) throw new ChangeListError(error.message)
      throw error
    }
  }
  const known = new Set([SEARCH_VAR, ORDER_VAR, PAGE_VAR, ...filters.flatMap((f) => f.paramNames)])
  for (const name of params.keys()) {
    if (!known.has(name)) {
      throw new ChangeListError(
        `Unknown change list parameter ${JSON.stringify(name)}: this list accepts ${[...known].join(', ')}.`,
      )
    }
  }

  let queryset = model.objects.all()
  for (const filter of filters) {
    if (Object.keys(filter.conditions).length)
      queryset = queryset.filter(filter.conditions as never)
  }
  const search = (params.get(SEARCH_VAR) ?? '').slice(0, 500)
  const searchFields = admin.options.searchFields ?? []
  if (searchFields.length) {
    for (const word of searchWords(search)) {
      let any: QObject | undefined
      for (const path of searchFields) {
        const q = Q({ [`${path}__icontains`]: word })
        any = any ? any.or(q) : q
      }
      if (any) queryset = queryset.filter(any as never)
    }
  }

  const sortable = new Set(
    admin.columns.flatMap((column) => (column.orderField ? [column.orderField] : [])),
  )
  const requested = parseOrdering(params.get(ORDER_VAR), sortable)
  const base = requested.length ? requested : [...(admin.options.ordering ?? model.meta.ordering)]
  // Why the pk last: without a total order, rows could move between pages.
  const ordering = base.some((key) => ['pk', '-pk', 'id', '-id'].includes(key))
    ? base
    : [...base, '-pk']
  queryset = queryset.orderBy(...(ordering as never[]))

  const related = admin.columns.flatMap((column) =>
    column.field && isForeignKey(column.field) ? [column.field.name] : [],
  )
  if (related.length) queryset = queryset.selectRelated(...(related as never[]))

  const count = await queryset.count()
  const perPage = admin.listPerPage
  const numPages = Math.max(1, Math.ceil(count / perPage))
  const rawPage = params.get(PAGE_VAR) ?? '1'
  if (!/^[0-9]{1,9}$/.test(rawPage) || Number(rawPage) < 1 || Number(rawPage) > numPages) {
    throw new ChangeListError(
      `Page ${JSON.stringify(rawPage)} does not exist (pages 1 to ${numPages}).`,
      404,
    )
  }
  const page = Number(rawPage)
  const objects = (await queryset.slice((page - 1) * perPage, page * perPage).list()) as object[]

  const rows: Row[] = objects.map((obj) => ({
    pk: String((obj as { pk: unknown }).pk),
    obj,
    cells: admin.columns.map((column) => cell(admin, column, obj, reprOf)),
  }))
  return {
    search,
    filters,
    headers: headers(admin.columns, requested, params),
    rows,
    count,
    page,
    numPages,
    perPage,
    queryString: (changes) => withChanges(params, changes),
  }
}

function cell(
  admin: ModelAdmin,
  column: ResolvedColumn,
  obj: object,
  reprOf: ChangeListOptions['reprOf'],
): Cell {
  if (column.computed) {
    const value = column.computed.value(obj as never)
    if (column.boolean) {
      return {
        text: value ? 'Yes' : 'No',
        boolean: value === null || value === undefined ? null : Boolean(value),
        link: column.link,
      }
    }
    return {
      text: value === null || value === undefined || value === '' ? '-' : String(value),
      boolean: undefined,
      link: column.link,
    }
  }
  if (!column.field) return { text: admin.repr(obj), boolean: undefined, link: column.link }
  const record = obj as Record<string, unknown>
  if (column.boolean) {
    const value = record[column.field.name]
    return {
      text: value === true ? 'Yes' : value === false ? 'No' : 'Unknown',
      boolean: typeof value === 'boolean' ? value : null,
      link: column.link,
    }
  }
  return { text: displayValue(column.field, record, reprOf), boolean: undefined, link: column.link }
}
