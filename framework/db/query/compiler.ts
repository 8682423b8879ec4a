/**
 * @module Compiles filters, lookups, F expressions and aggregates to kysely `sql` fragments.
 *
 * Design: a condition that crosses a relation becomes an `IN (subquery)` on the related table
 * rather than a JOIN, so filtering never duplicates rows and exclude() across multi-valued
 * relations means "no related row matches", as in Django. JOINs are only used to select
 * (selectRelated) and to order by related fields.
 *
 * Why this file is over 600 lines: lookups, transforms and relation paths recurse into each
 * other (a path may end in a date part or a JSON key after crossing relations); one module keeps
 * that recursion and its per-backend SQL readable side by side.
 */
import { sql, type RawBuilder, type SqlBool } from 'kysely'
import type { Backend } from '../backends/backend.ts'
import { FieldError } from '../errors.ts'
import {
  manyToManyInfo,
  resolveTarget,
  reverseRelations,
  type FieldMeta,
  type ModelRuntime,
} from '../models/model-meta.ts'
import {
  Aggregate,
  CombinedExpression,
  Expression,
  FieldRef,
  QObject,
  type QNode,
} from './expressions.ts'

/** Compilation state shared across one query (alias numbering, annotations in scope). */
export interface CompileContext {
  readonly backend: Backend
  /** Annotation expressions by name, usable in filters and ordering. */
  readonly annotations: ReadonlyMap<string, RawBuilder<unknown>>
  nextAlias: number
}

const LOOKUPS = new Set([
  'exact',
  'iexact',
  'contains',
  'icontains',
  'in',
  'gt',
  'gte',
  'lt',
  'lte',
  'startswith',
  'istartswith',
  'endswith',
  'iendswith',
  'range',
  'isnull',
  'regex',
  'iregex',
  'has_key',
])
const DATE_PARTS = new Set([
  'year',
  'month',
  'day',
  'week_day',
  'quarter',
  'hour',
  'minute',
  'second',
  'date',
])

const refCache = new Map<string, RawBuilder<unknown>>()

/** A column reference `"alias"."column"` (memoised: raw builders are immutable, parsing is not free). */
export function col(alias: string, column: string): RawBuilder<unknown> {
  const key = `${alias}.${column}`
  let ref = refCache.get(key)
  if (!ref) {
    ref = sql.ref(key)
    if (refCache.size < 10_000) refCache.set(key, ref)
  }
  return ref
}

/** Finds a field by name, attname (`questionId`) or `pk`; throws a FieldError naming the choices. */
export function fieldByName(model: ModelRuntime, name: string): FieldMeta | undefined {
  const meta = model.meta
  if (name === 'pk') return meta.pk
  return meta.byName.get(name) ?? meta.fields.find((field) => field.attname === name)
}

function unknownField(model: ModelRuntime, name: string, key: string): FieldError {
  const choices = [
    ...model.meta.fields.map((field) => field.name),
    ...reverseRelations(model).map((relation) => relation.queryName),
  ]
  return new FieldError(
    `Cannot resolve ${JSON.stringify(name)} in ${JSON.stringify(key)} on ${model.meta.modelName}: choices are ${choices.join(', ')}`,
  )
}

/** Compiles a Q tree (or a plain args object) against `model` aliased as `alias`. */
export function compileWhere(
  ctx: CompileContext,
  model: ModelRuntime,
  alias: string,
  node: QNode,
): RawBuilder<SqlBool> {
  switch (node.kind) {
    case 'leaf': {
      const parts = Object.entries(node.args).map(([key, value]) =>
        compileLeaf(ctx, model, alias, key, value),
      )
      if (parts.length === 0) return TRUE
      return parts.length === 1
        ? sql<SqlBool>`(${parts[0]})`
        : sql<SqlBool>`(${sql.join(parts, AND)})`
    }
    case 'and':
    case 'or': {
      const parts = node.children.map((child) => compileWhere(ctx, model, alias, child))
      if (parts.length === 0) return TRUE
      // Why no wrapper for one child: each child is already parenthesised.
      if (parts.length === 1) return parts[0]!
      return sql<SqlBool>`(${sql.join(parts, node.kind === 'and' ? AND : OR)})`
    }
    case 'not':
      // Why COALESCE: NOT (NULL) is NULL, which would drop rows whose column is NULL; Django's
      // exclude() keeps them.
      return sql<SqlBool>`NOT COALESCE(${compileWhere(ctx, model, alias, node.child)}, ${falseLiteral(ctx)})`
  }
}

const TRUE = sql<SqlBool>`1 = 1`
const AND = sql` AND `
const OR = sql` OR `

function falseLiteral(ctx: CompileContext): RawBuilder<unknown> {
  return ctx.backend.vendor === 'postgresql' ? sql`FALSE` : sql`0`
}

/** Turns `filter()` arguments (objects and Q objects) into one Q tree. */
export function toNode(args: readonly (QObject | Readonly<Record<string, unknown>>)[]): QNode {
  const children = args.map((arg) =>
    arg instanceof QObject ? arg.node : ({ kind: 'leaf', args: arg } as const),
  )
  return children.length === 1 ? children[0]! : { kind: 'and', children }
}

function newAlias(ctx: CompileContext): string {
  return `u${ctx.nextAlias++}`
}

/** One `key: value` of a filter. */
function compileLeaf(
  ctx: CompileContext,
  model: ModelRuntime,
  alias: string,
  key: string,
  value: unknown,
): RawBuilder<SqlBool> {
  const parts = key.split('__')
  const head = parts[0]!
  const rest = parts.slice(1)
  const annotation = ctx.annotations.get(head)
  if (annotation)
    return applyLookup(ctx, annotation, rest[0] ?? 'exact', value, undefined, model, alias)
  const field = fieldByName(model, head)
  if (field?.relation && field.relation.kind !== 'ManyToManyField') {
    const target = resolveTarget(model, field)
    const column = col(alias, field.column!)
    if (head === field.attname || rest.length === 0 || LOOKUPS.has(rest[0]!)) {
      // `question`, `questionId__in`, `question__isnull`: compare the FK column to pk values.
      return applyLookup(
        ctx,
        column,
        rest[0] ?? 'exact',
        value,
        target.meta.pk,
        model,
        alias,
        rest.slice(1),
      )
    }
    if (
      rest.length === 1 &&
      (rest[0] === 'id' || rest[0] === 'pk' || rest[0] === target.meta.pk.name)
    ) {
      return applyLookup(ctx, column, 'exact', value, target.meta.pk, model, alias)
    }
    const u = newAlias(ctx)
    const inner = compileLeaf(ctx, target, u, rest.join('__'), value)
    return sql<SqlBool>`${column} IN (SELECT ${col(u, target.meta.pk.column!)} FROM ${sql.table(target.meta.dbTable)} AS ${sql.id(u)} WHERE ${inner})`
  }
  if (field?.relation?.kind === 'ManyToManyField') {
    const info = manyToManyInfo(model, field)
    return throughCondition(
      ctx,
      model,
      alias,
      info.through,
      info.sourceField,
      info.targetField,
      info.target,
      rest,
      value,
      key,
    )
  }
  if (field) {
    return compileFieldLookup(ctx, model, alias, field, rest, value, key)
  }
  const reverse = reverseRelations(model).find((relation) => relation.queryName === head)
  if (reverse) {
    if (reverse.field.relation!.kind === 'ManyToManyField') {
      const info = manyToManyInfo(reverse.model, reverse.field)
      return throughCondition(
        ctx,
        model,
        alias,
        info.through,
        info.targetField,
        info.sourceField,
        reverse.model,
        rest,
        value,
        key,
      )
    }
    const u = newAlias(ctx)
    const fkColumn = col(u, reverse.field.column!)
    const table = sql`${sql.table(reverse.model.meta.dbTable)} AS ${sql.id(u)}`
    const pk = col(alias, model.meta.pk.column!)
    if (rest[0] === 'isnull' && rest.length === 1) {
      const exists = sql<SqlBool>`${pk} IN (SELECT ${fkColumn} FROM ${table} WHERE ${fkColumn} IS NOT NULL)`
      return value ? sql<SqlBool>`NOT ${exists}` : exists
    }
    const innerKey =
      rest.length === 0 || LOOKUPS.has(rest[0]!) ? ['pk', ...rest].join('__') : rest.join('__')
    const inner = compileLeaf(ctx, reverse.model, u, innerKey, value)
    return sql<SqlBool>`${pk} IN (SELECT ${fkColumn} FROM ${table} WHERE ${inner})`
  }
  throw unknownField(model, head, key)
}

/** A condition through a many-to-many table, from either side. */
function throughCondition(
  ctx: CompileContext,
  model: ModelRuntime,
  alias: string,
  through: ModelRuntime,
  nearField: FieldMeta,
  farField: FieldMeta,
  far: ModelRuntime,
  rest: string[],
  value: unknown,
  key: string,
): RawBuilder<SqlBool> {
  const th = newAlias(ctx)
  const pk = col(alias, model.meta.pk.column!)
  const table = sql`${sql.table(through.meta.dbTable)} AS ${sql.id(th)}`
  if (rest[0] === 'isnull' && rest.length === 1) {
    const exists = sql<SqlBool>`${pk} IN (SELECT ${col(th, nearField.column!)} FROM ${table})`
    return value ? sql<SqlBool>`NOT ${exists}` : exists
  }
  let farCondition: RawBuilder<SqlBool>
  if (rest.length === 0 || LOOKUPS.has(rest[0]!)) {
    farCondition = applyLookup(
      ctx,
      col(th, farField.column!),
      rest[0] ?? 'exact',
      value,
      far.meta.pk,
      model,
      alias,
    )
  } else {
    const u = newAlias(ctx)
    const inner = compileLeaf(ctx, far, u, rest.join('__'), value)
    farCondition = sql<SqlBool>`${col(th, farField.column!)} IN (SELECT ${col(u, far.meta.pk.column!)} FROM ${sql.table(far.meta.dbTable)} AS ${sql.id(u)} WHERE ${inner})`
  }
  void key
  return sql<SqlBool>`${pk} IN (SELECT ${col(th, nearField.column!)} FROM ${table} WHERE ${farCondition})`
}

/** Transforms (date parts, JSON keys) then one lookup on a column field. */
function compileFieldLookup(
  ctx: CompileContext,
  model: ModelRuntime,
  alias: string,
  field: FieldMeta,
  rest: string[],
  value: unknown,
  key: string,
): RawBuilder<SqlBool> {
  let lhs: RawBuilder<unknown> = col(alias, field.column!)
  let valueField: FieldMeta | undefined = field
  const remaining = [...rest]
  if (field.kind === 'JSONField') {
    const lookup = remaining.at(-1)
    const keys = lookup && LOOKUPS.has(lookup) ? remaining.slice(0, -1) : remaining
    if (keys.length > 0) {
      return jsonKeyLookup(ctx, lhs, keys, lookup && LOOKUPS.has(lookup) ? lookup : 'exact', value)
    }
    if (lookup === 'has_key') return jsonHasKey(ctx, lhs, [String(value)])
  }
  if (remaining.length > 0 && DATE_PARTS.has(remaining[0]!)) {
    if (!['DateField', 'DateTimeField', 'TimeField'].includes(field.kind)) {
      throw new FieldError(
        `Lookup ${JSON.stringify(remaining[0])} in ${JSON.stringify(key)} needs a date, datetime or time field; ${model.meta.modelName}.${field.name} is a ${field.kind}`,
      )
    }
    lhs = datePart(ctx, remaining.shift()!, lhs)
    valueField = undefined
  }
  const lookup = remaining.shift() ?? 'exact'
  if (!LOOKUPS.has(lookup) || remaining.length > 0) {
    throw new FieldError(
      `Unsupported lookup ${JSON.stringify([lookup, ...remaining].join('__'))} in ${JSON.stringify(key)} on ${model.meta.modelName}.${field.name}: use one of ${[...LOOKUPS].join(', ')}`,
    )
  }
  return applyLookup(ctx, lhs, lookup, value, valueField, model, alias)
}

/** SQL for a date part of `lhs`, the same integers on both backends (week_day: 1 = Sunday). */
export function datePart(
  ctx: CompileContext,
  part: string,
  lhs: RawBuilder<unknown>,
): RawBuilder<unknown> {
  if (ctx.backend.vendor === 'postgresql') {
    switch (part) {
      case 'date':
        return sql`(${lhs})::date`
      case 'week_day':
        return sql`(EXTRACT(DOW FROM ${lhs})::integer + 1)`
      case 'second':
        return sql`FLOOR(EXTRACT(SECOND FROM ${lhs}))::integer`
      default:
        return sql`EXTRACT(${sql.raw(part.toUpperCase())} FROM ${lhs})::integer`
    }
  }
  const format: Record<string, string> = {
    year: '%Y',
    month: '%m',
    day: '%d',
    hour: '%H',
    minute: '%M',
    second: '%S',
  }
  switch (part) {
    case 'date':
      return sql`date(${lhs})`
    case 'week_day':
      return sql`(CAST(strftime('%w', ${lhs}) AS INTEGER) + 1)`
    case 'quarter':
      return sql`((CAST(strftime('%m', ${lhs}) AS INTEGER) + 2) / 3)`
    default:
      return sql`CAST(strftime(${sql.lit(format[part]!)}, ${lhs}) AS INTEGER)`
  }
}

function jsonHasKey(
  ctx: CompileContext,
  lhs: RawBuilder<unknown>,
  keys: string[],
): RawBuilder<SqlBool> {
  if (ctx.backend.vendor === 'postgresql') {
    const parent =
      keys.length > 1 ? sql`${lhs} #> ${sql.val(`{${keys.slice(0, -1).join(',')}}`)}` : lhs
    return sql<SqlBool>`jsonb_exists(${parent}, ${sql.val(keys.at(-1))})`
  }
  return sql<SqlBool>`json_type(${lhs}, ${sql.val(jsonPath(keys))}) IS NOT NULL`
}

function jsonPath(keys: string[]): string {
  return (
    '$' + keys.map((k) => (/^\d+$/.test(k) ? `[${k}]` : `."${k.replace(/"/g, '\\"')}"`)).join('')
  )
}

/** `data__owner__name='x'`: compares a JSON value at a key path; numbers, strings, booleans, null. */
function jsonKeyLookup(
  ctx: CompileContext,
  lhs: RawBuilder<unknown>,
  keys: string[],
  lookup: string,
  value: unknown,
): RawBuilder<SqlBool> {
  if (lookup === 'has_key') return jsonHasKey(ctx, lhs, [...keys, String(value)])
  if (ctx.backend.vendor === 'postgresql') {
    const path = sql.val(`{${keys.join(',')}}`)
    if (lookup === 'isnull')
      return value
        ? sql<SqlBool>`(${lhs} #> ${path}) IS NULL`
        : sql<SqlBool>`(${lhs} #> ${path}) IS NOT NULL`
    if (lookup === 'exact')
      return sql<SqlBool>`(${lhs} #> ${path}) = ${JSON.stringify(value)}::jsonb`
    const text = sql`(${lhs} #>> ${path})`
    const typed = typeof value === 'number' ? sql`(${text})::numeric` : text
    return applyLookup(ctx, typed, lookup, value, undefined)
  }
  const extracted = sql`json_extract(${lhs}, ${sql.val(jsonPath(keys))})`
  if (lookup === 'isnull')
    return value
      ? sql<SqlBool>`json_type(${lhs}, ${sql.val(jsonPath(keys))}) IS NULL`
      : sql<SqlBool>`json_type(${lhs}, ${sql.val(jsonPath(keys))}) IS NOT NULL`
  if (lookup === 'exact' && value !== null && typeof value === 'object') {
    return sql<SqlBool>`json_extract(${lhs}, ${sql.val(jsonPath(keys))}) = json(${JSON.stringify(value)})`
  }
  const bound = typeof value === 'boolean' ? (value ? 1 : 0) : value
  return applyLookup(ctx, extracted, lookup, bound, undefined)
}

/** Binds a value for comparison with `field` (model instances become their pk). */
function bindValue(
  ctx: CompileContext,
  value: unknown,
  field: FieldMeta | undefined,
  model?: ModelRuntime,
  alias?: string,
): RawBuilder<unknown> {
  if (value instanceof Expression) return compileExpression(ctx, value, model!, alias!)
  if (
    value &&
    typeof value === 'object' &&
    'pk' in value &&
    (value.constructor as Partial<ModelRuntime>).meta
  ) {
    return sql.val((value as { pk: unknown }).pk)
  }
  if (!field) return sql.val(value)
  return sql.val(
    ctx.backend.toDb(field.relation ? 'IntegerField' : field.kind, value, field.options),
  )
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`)
}

function escapeGlob(value: string): string {
  return value.replace(/[*?[]/g, (c) => `[${c}]`)
}

/** One lookup: `lhs <op> value`, the same semantics on both backends. */
export function applyLookup(
  ctx: CompileContext,
  lhs: RawBuilder<unknown>,
  lookup: string,
  value: unknown,
  field: FieldMeta | undefined,
  model?: ModelRuntime,
  alias?: string,
  extra: string[] = [],
): RawBuilder<SqlBool> {
  if (extra.length > 0)
    throw new FieldError(`Unsupported lookup after ${JSON.stringify(lookup)}: ${extra.join('__')}`)
  const pg = ctx.backend.vendor === 'postgresql'
  const v = (): RawBuilder<unknown> => bindValue(ctx, value, field, model, alias)
  const text = (): string => {
    if (typeof value !== 'string')
      throw new FieldError(
        `Lookup ${JSON.stringify(lookup)} needs a string, got ${JSON.stringify(value)}`,
      )
    return value
  }
  switch (lookup) {
    case 'exact':
      return value === null ? sql<SqlBool>`${lhs} IS NULL` : sql<SqlBool>`${lhs} = ${v()}`
    case 'iexact':
      return sql<SqlBool>`LOWER(${lhs}) = LOWER(${text()})`
    case 'gt':
      return sql<SqlBool>`${lhs} > ${v()}`
    case 'gte':
      return sql<SqlBool>`${lhs} >= ${v()}`
    case 'lt':
      return sql<SqlBool>`${lhs} < ${v()}`
    case 'lte':
      return sql<SqlBool>`${lhs} <= ${v()}`
    case 'isnull':
      return value ? sql<SqlBool>`${lhs} IS NULL` : sql<SqlBool>`${lhs} IS NOT NULL`
    case 'in': {
      if (value && typeof value === 'object' && 'toSubquery' in value) {
        return sql<SqlBool>`${lhs} IN (${(value as { toSubquery(): RawBuilder<unknown> }).toSubquery()})`
      }
      if (!Array.isArray(value) && !(value instanceof Set)) {
        throw new FieldError(
          `Lookup 'in' needs an array, a Set or a QuerySet, got ${JSON.stringify(value)}`,
        )
      }
      const items = [...value]
      if (items.length === 0) return sql<SqlBool>`1 = 0`
      return sql<SqlBool>`${lhs} IN (${sql.join(items.map((item) => bindValue(ctx, item, field, model, alias)))})`
    }
    case 'range': {
      if (!Array.isArray(value) || value.length !== 2) {
        throw new FieldError(`Lookup 'range' needs [low, high], got ${JSON.stringify(value)}`)
      }
      return sql<SqlBool>`${lhs} BETWEEN ${bindValue(ctx, value[0], field, model, alias)} AND ${bindValue(ctx, value[1], field, model, alias)}`
    }
    case 'contains':
      return pg
        ? sql<SqlBool>`${lhs}::text LIKE ${`%${escapeLike(text())}%`} ESCAPE '\\'`
        : sql<SqlBool>`${lhs} GLOB ${`*${escapeGlob(text())}*`}`
    case 'startswith':
      return pg
        ? sql<SqlBool>`${lhs}::text LIKE ${`${escapeLike(text())}%`} ESCAPE '\\'`
        : sql<SqlBool>`${lhs} GLOB ${`${escapeGlob(text())}*`}`
    case 'endswith':
      return pg
        ? sql<SqlBool>`${lhs}::text LIKE ${`%${escapeLike(text())}`} ESCAPE '\\'`
        : sql<SqlBool>`${lhs} GLOB ${`*${escapeGlob(text())}`}`
    case 'icontains':
      return sql<SqlBool>`LOWER(${lhs}) LIKE LOWER(${`%${escapeLike(text())}%`}) ESCAPE '\\'`
    case 'istartswith':
      return sql<SqlBool>`LOWER(${lhs}) LIKE LOWER(${`${escapeLike(text())}%`}) ESCAPE '\\'`
    case 'iendswith':
      return sql<SqlBool>`LOWER(${lhs}) LIKE LOWER(${`%${escapeLike(text())}`}) ESCAPE '\\'`
    case 'regex':
      return pg ? sql<SqlBool>`${lhs}::text ~ ${text()}` : sql<SqlBool>`regexp(${text()}, ${lhs})`
    case 'iregex':
      return pg ? sql<SqlBool>`${lhs}::text ~* ${text()}` : sql<SqlBool>`iregexp(${text()}, ${lhs})`
    default:
      throw new FieldError(
        `Unsupported lookup ${JSON.stringify(lookup)}: use one of ${[...LOOKUPS].join(', ')}`,
      )
  }
}

/** Resolves a field path (own field or forward FKs via subqueries are not allowed here) to a column. */
export function columnOf(
  model: ModelRuntime,
  alias: string,
  path: string,
): { ref: RawBuilder<unknown>; field: FieldMeta } {
  const field = fieldByName(model, path)
  if (!field || !field.column) throw unknownField(model, path, path)
  return { ref: col(alias, field.column), field }
}

/** Compiles F(), arithmetic and aggregates (the latter as correlated subqueries when they cross a relation). */
export function compileExpression(
  ctx: CompileContext,
  expression: unknown,
  model: ModelRuntime,
  alias: string,
): RawBuilder<unknown> {
  if (expression instanceof FieldRef) {
    const annotation = ctx.annotations.get(expression.path)
    if (annotation) return annotation
    if (expression.path.includes('__')) {
      const [head, ...rest] = expression.path.split('__')
      const field = fieldByName(model, head!)
      if (!field?.relation || field.relation.kind === 'ManyToManyField')
        throw unknownField(model, head!, expression.path)
      const target = resolveTarget(model, field)
      const u = newAlias(ctx)
      const inner = compileExpression(ctx, new FieldRef(rest.join('__')), target, u)
      return sql`(SELECT ${inner} FROM ${sql.table(target.meta.dbTable)} AS ${sql.id(u)} WHERE ${col(u, target.meta.pk.column!)} = ${col(alias, field.column!)})`
    }
    return columnOf(model, alias, expression.path).ref
  }
  if (expression instanceof CombinedExpression) {
    const lhs = compileExpression(ctx, expression.lhs, model, alias)
    const rhs = compileExpression(ctx, expression.rhs, model, alias)
    return sql`(${lhs} ${sql.raw(expression.op)} ${rhs})`
  }
  if (expression instanceof Aggregate) return compileAggregate(ctx, expression, model, alias, true)
  return sql.val(expression)
}

/**
 * An aggregate. With `correlated`, a path across a reverse relation or many-to-many becomes
 * `(SELECT AGG(...) FROM child WHERE child.fk = alias.pk)`: one value per row, no GROUP BY
 * and no row multiplication when several are combined.
 */
export function compileAggregate(
  ctx: CompileContext,
  aggregate: Aggregate,
  model: ModelRuntime,
  alias: string,
  correlated: boolean,
): RawBuilder<unknown> {
  const parts = aggregate.path.split('__')
  const head = parts[0]!
  const distinct = aggregate.options.distinct ? sql`DISTINCT ` : sql``
  const fn = sql.raw(aggregate.fn)
  const own = fieldByName(model, head)
  if (own && own.column && parts.length === 1) {
    const target = col(alias, own.column)
    const filter = aggregate.options.filter
    if (filter) {
      const condition = compileWhere(ctx, model, alias, toNode([filter]))
      return sql`${fn}(${distinct}CASE WHEN ${condition} THEN ${target} END)`
    }
    return sql`${fn}(${distinct}${target})`
  }
  if (!correlated)
    throw new FieldError(
      `Aggregate path ${JSON.stringify(aggregate.path)} crosses a relation; aggregate() handles it, this position does not`,
    )
  // Reverse FK or M2M: a correlated subquery on the related table.
  const source = relatedSource(ctx, model, head, aggregate.path)
  const pk = col(alias, model.meta.pk.column!)
  const { from, related, u } = source
  const link = sql<SqlBool>`${source.near} = ${pk}`
  const innerPath = parts.length > 1 ? parts.slice(1).join('__') : 'pk'
  const { ref } = columnOf(related, u, innerPath)
  const filter = aggregate.options.filter
    ? sql` AND ${compileWhere(ctx, related, u, toNode([aggregate.options.filter]))}`
    : sql``
  const value = sql`(SELECT ${fn}(${distinct}${ref}) FROM ${from} WHERE ${link}${filter})`
  return aggregate.fn === 'COUNT' ? sql`COALESCE(${value}, 0)` : value
}

/** The rows of a reverse FK or M2M relation, with the column that holds the base model's pk. */
export interface RelatedSource {
  readonly from: RawBuilder<unknown>
  readonly related: ModelRuntime
  readonly u: string
  /** The column (in `from`) equal to the base row's pk. */
  readonly near: RawBuilder<unknown>
}

/** `from` clause for the rows related to `model` through the relation named `head`. */
export function relatedSource(
  ctx: CompileContext,
  model: ModelRuntime,
  head: string,
  path: string,
): RelatedSource {
  const u = newAlias(ctx)
  const reverse = reverseRelations(model).find((relation) => relation.queryName === head)
  const own = fieldByName(model, head)
  if (reverse && reverse.field.relation!.kind !== 'ManyToManyField') {
    return {
      from: sql`${sql.table(reverse.model.meta.dbTable)} AS ${sql.id(u)}`,
      related: reverse.model,
      u,
      near: col(u, reverse.field.column!),
    }
  }
  const m2m =
    own?.relation?.kind === 'ManyToManyField'
      ? { info: manyToManyInfo(model, own), forward: true }
      : undefined
  const back = reverse
    ? { info: manyToManyInfo(reverse.model, reverse.field), forward: false }
    : undefined
  const chosen = m2m ?? back
  if (!chosen) throw unknownField(model, head, path)
  const near = chosen.forward ? chosen.info.sourceField : chosen.info.targetField
  const far = chosen.forward ? chosen.info.targetField : chosen.info.sourceField
  const related = chosen.forward ? chosen.info.target : reverse!.model
  const th = newAlias(ctx)
  return {
    from: sql`${sql.table(related.meta.dbTable)} AS ${sql.id(u)} JOIN ${sql.table(chosen.info.through.meta.dbTable)} AS ${sql.id(th)} ON ${col(th, far.column!)} = ${col(u, related.meta.pk.column!)}`,
    related,
    u,
    near: col(th, near.column!),
  }
}
