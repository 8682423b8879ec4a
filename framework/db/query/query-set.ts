/**
 * @module QuerySet: lazy, immutable, chainable, Django's API over kysely. Every chaining method
 * returns a new QuerySet; nothing runs until a terminal method (list, get, count, ...) or async
 * iteration. `kysely()` hands over the typed kysely query; `toSQL()` shows what would run.
 *
 * Why this file is over 600 lines: the QuerySet is one concept whose methods share private
 * state and the select compiler; splitting it would expose that state.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
import {
  sql,
  type CompiledQuery,
  type RawBuilder,
  type SelectQueryBuilder,
  type SqlBool,
} from 'kysely'
import { getConnection, type Connection } from '../connection/connections.ts'
import {
  DoesNotExist,
  FieldError,
  IntegrityError,
  MultipleObjectsReturned,
  QuerySetError,
} from '../errors.ts'
import { defaultFor, hydrator, instanceFromDb, stateOf } from '../models/model-base.ts'
import {
  manyToManyInfo,
  resolveTarget,
  reverseRelations,
  type FieldMeta,
  type ModelRuntime,
} from '../models/model-meta.ts'
import type {
  CreateInput,
  FieldPath,
  FieldsOf,
  FilterArgs,
  InstanceOf,
  KyselyTable,
  OrderKey,
  RowOf,
  UpdateInput,
} from '../models/types.ts'
import { atomic } from '../transaction/atomic.ts'
import {
  col,
  compileAggregate,
  compileExpression,
  compileWhere,
  fieldByName,
  relatedSource,
  toNode,
  type CompileContext,
} from './compiler.ts'
import { deleteCollected } from './deletion.ts'
import { Aggregate, Expression, QObject, type QNode } from './expressions.ts'

/** A filter argument: a typed lookup object or a Q object. */
export type FilterInput<M> = FilterArgs<FieldsOf<M>> | QObject

interface Join {
  readonly alias: string
  readonly model: ModelRuntime
  readonly from: string
  readonly field: FieldMeta
}

interface State {
  readonly model: ModelRuntime
  readonly using: string | undefined
  readonly where: readonly QNode[]
  readonly order: readonly string[] | undefined
  readonly low: number
  readonly high: number | undefined
  readonly distinct: boolean
  readonly selectRelated: readonly string[]
  readonly prefetch: readonly string[]
  readonly only: readonly string[] | undefined
  readonly defer: readonly string[]
  readonly annotations: readonly (readonly [string, unknown])[]
  readonly values:
    { readonly keys: readonly string[]; readonly mode: 'object' | 'list' | 'flat' } | undefined
  readonly forUpdate: boolean
  readonly none: boolean
}

/** One row (an object, or an array of column values when the plan says rowsAsArrays) to a result. */
type Reader = (row: any) => unknown

/** The kysely database type of a model (one table). */
export type KyselyDatabaseOf<M> = M extends { dbTable: infer T extends string }
  ? { [P in T]: KyselyTable<FieldsOf<M>> }
  : never

/**
 * A lazy database query over model `M`, yielding `R` (instances, or objects/arrays after
 * `values()`/`valuesList()`).
 *
 * @example
 * ```ts
 * const latest = await Question.objects.filter({ pubDate__lte: new Date() }).orderBy('-pubDate').slice(0, 5).list()
 * ```
 */
export class QuerySet<M, R = InstanceOf<M>> {
  #state: State
  #cache: R[] | undefined
  /** Set on `Model.objects`: a manager is shared, so it must never keep results. */
  #isManager = false

  /** Internal: the QuerySet behind `Model.objects`, which never caches results. */
  static manager<M>(model: M): QuerySet<M> {
    const qs = new QuerySet<M>(model)
    qs.#isManager = true
    return qs
  }

  constructor(model: M, state?: Partial<State>) {
    this.#state = {
      model: model as unknown as ModelRuntime,
      using: undefined,
      where: [],
      order: undefined,
      low: 0,
      high: undefined,
      distinct: false,
      selectRelated: [],
      prefetch: [],
      only: undefined,
      defer: [],
      annotations: [],
      values: undefined,
      forUpdate: false,
      none: false,
      ...state,
    }
  }

  /** The model this QuerySet queries. */
  get model(): M {
    return this.#state.model as unknown as M
  }

  /** The database alias it runs on. */
  get db(): string {
    return this.#state.using ?? 'default'
  }

  #clone<R2 = R>(changes: Partial<State>): QuerySet<M, R2> {
    return new QuerySet<M, R2>(this.model, { ...this.#state, ...changes })
  }

  #assertNotSliced(method: string): void {
    if (this.#state.low !== 0 || this.#state.high !== undefined) {
      throw new QuerySetError(
        `Cannot ${method}() a sliced QuerySet of ${this.#state.model.meta.modelName}: filter before slice()`,
      )
    }
  }

  // ---- chaining -------------------------------------------------------------------------------

  /** A copy (with the result cache, so prefetched relations are reused). */
  all(): QuerySet<M, R> {
    const copy = this.#clone<R>({})
    copy.#cache = this.#cache
    return copy
  }

  /** Rows matching every argument (objects are ANDed lookups; Q objects combine). */
  filter(...args: FilterInput<M>[]): QuerySet<M, R> {
    this.#assertNotSliced('filter')
    return this.#clone({
      where: [...this.#state.where, toNode(args as (QObject | Record<string, unknown>)[])],
    })
  }

  /** Rows matching none of the arguments taken together (`NOT (a AND b)`). */
  exclude(...args: FilterInput<M>[]): QuerySet<M, R> {
    this.#assertNotSliced('exclude')
    return this.#clone({
      where: [
        ...this.#state.where,
        { kind: 'not', child: toNode(args as (QObject | Record<string, unknown>)[]) },
      ],
    })
  }

  /** An empty QuerySet that never queries. */
  none(): QuerySet<M, R> {
    return this.#clone({ none: true })
  }

  /** Replaces the ordering; `-field` descends, `question__pubDate` orders by a related field, `?` is random. */
  orderBy(...keys: OrderKey<FieldsOf<M>>[]): QuerySet<M, R> {
    this.#assertNotSliced('orderBy')
    return this.#clone({ order: keys })
  }

  /** Reverses the ordering (the default ordering, or pk when there is none). */
  reverse(): QuerySet<M, R> {
    return this.#clone({
      order: this.#effectiveOrder().map((key) => (key.startsWith('-') ? key.slice(1) : `-${key}`)),
    })
  }

  /** LIMIT/OFFSET: `slice(5, 10)` is Django's `qs[5:10]`. */
  slice(start: number, end?: number): QuerySet<M, R> {
    if (
      !Number.isInteger(start) ||
      start < 0 ||
      (end !== undefined && (!Number.isInteger(end) || end < start))
    ) {
      throw new QuerySetError(
        `slice(${start}, ${String(end)}) is invalid: use non-negative integers with start <= end`,
      )
    }
    const low = this.#state.low + start
    const high =
      end === undefined
        ? this.#state.high
        : Math.min(this.#state.low + end, this.#state.high ?? Infinity)
    return this.#clone({ low, high })
  }

  /** SELECT DISTINCT. */
  distinct(): QuerySet<M, R> {
    return this.#clone({ distinct: true })
  }

  /** Runs on another database alias. */
  using(alias: string): QuerySet<M, R> {
    return this.#clone({ using: alias })
  }

  /** Follows foreign keys with JOINs in the same query (`'question'`, `'question__author'`). */
  selectRelated(...paths: string[]): QuerySet<M, R> {
    return this.#clone({ selectRelated: [...this.#state.selectRelated, ...paths] })
  }

  /** Loads relations (FK, reverse FK, M2M) with one extra query each, after the main one. */
  prefetchRelated(...names: string[]): QuerySet<M, R> {
    return this.#clone({ prefetch: [...this.#state.prefetch, ...names] })
  }

  /** Loads only these fields (and the pk); the others stay undefined until refreshFromDb(). */
  only(...names: FieldPath<FieldsOf<M>>[]): QuerySet<M, R> {
    return this.#clone({ only: names })
  }

  /** Does not load these fields. */
  defer(...names: FieldPath<FieldsOf<M>>[]): QuerySet<M, R> {
    return this.#clone({ defer: [...this.#state.defer, ...names] })
  }

  /** Adds computed values (aggregates over relations, F expressions) to each row. */
  annotate<A extends Record<string, Expression>>(
    annotations: A,
  ): QuerySet<M, R & { [K in keyof A]: unknown }> {
    const values = this.#state.values
    // Why: as in Django, annotate() after values() adds the annotations to each row and groups by the values.
    return this.#clone({
      annotations: [...this.#state.annotations, ...Object.entries(annotations)],
      ...(values
        ? { values: { ...values, keys: [...values.keys, ...Object.keys(annotations)] } }
        : {}),
    })
  }

  /** Locks the selected rows until the transaction ends (PostgreSQL; SQLite's write lock covers it). */
  selectForUpdate(): QuerySet<M, R> {
    return this.#clone({ forUpdate: true })
  }

  /** Rows as plain objects of the named fields (all columns when none). */
  values<K extends FieldPath<FieldsOf<M>>>(
    ...keys: K[]
  ): QuerySet<
    M,
    { [P in K]: P extends keyof RowOf<FieldsOf<M>> ? RowOf<FieldsOf<M>>[P] : unknown }
  > {
    return this.#clone({
      values: { keys: keys.length ? keys : this.#defaultValueKeys(), mode: 'object' },
    })
  }

  /** Rows as arrays; with `{ flat: true }` and one field, the values themselves. */
  valuesList<K extends FieldPath<FieldsOf<M>>>(
    keys: K[],
    options: { flat: true },
  ): QuerySet<M, K extends keyof RowOf<FieldsOf<M>> ? RowOf<FieldsOf<M>>[K] : unknown>
  valuesList<K extends FieldPath<FieldsOf<M>>>(
    keys: K[],
    options?: { flat?: false },
  ): QuerySet<M, unknown[]>
  valuesList(keys: string[], options: { flat?: boolean } = {}): QuerySet<M, unknown> {
    if (options.flat && keys.length !== 1)
      throw new QuerySetError(
        `valuesList(..., { flat: true }) needs exactly one field, got ${keys.length}`,
      )
    return this.#clone({
      values: {
        keys: keys.length ? keys : this.#defaultValueKeys(),
        mode: options.flat ? 'flat' : 'list',
      },
    })
  }

  #defaultValueKeys(): string[] {
    return [
      ...this.#state.model.meta.concreteFields.map((field) => field.attname),
      ...this.#state.annotations.map(([name]) => name),
    ]
  }

  // ---- compilation ----------------------------------------------------------------------------

  get #connection(): Connection {
    return getConnection(this.#state.using)
  }

  #context(): CompileContext {
    return { backend: this.#connection.backend, annotations: new Map(), nextAlias: 0 }
  }

  #effectiveOrder(): readonly string[] {
    const order = this.#state.order ?? this.#state.model.meta.ordering
    return order.length ? order : [this.#state.model.meta.pk.name]
  }

  /** Builds the annotations into ctx (filters may use them) and returns them compiled. */
  #compileAnnotations(ctx: CompileContext): [string, RawBuilder<unknown>, boolean][] {
    const model = this.#state.model
    const table = model.meta.dbTable
    const annotations = ctx.annotations as Map<string, RawBuilder<unknown>>
    const compiled: [string, RawBuilder<unknown>, boolean][] = []
    for (const [name, expression] of this.#state.annotations) {
      if (fieldByName(model, name))
        throw new QuerySetError(
          `annotate() name ${JSON.stringify(name)} clashes with a field of ${model.meta.modelName}: pick another`,
        )
      const grouped =
        expression instanceof Aggregate &&
        !expression.path.includes('__') &&
        Boolean(fieldByName(model, expression.path)?.column)
      const raw =
        expression instanceof Aggregate
          ? compileAggregate(ctx, expression, model, table, true)
          : compileExpression(ctx, expression, model, table)
      annotations.set(name, raw)
      compiled.push([name, raw, grouped])
    }
    return compiled
  }

  #whereClause(ctx: CompileContext): RawBuilder<SqlBool> | undefined {
    if (this.#state.none) return sql<SqlBool>`1 = 0`
    if (this.#state.where.length === 0) return undefined
    return compileWhere(ctx, this.#state.model, this.#state.model.meta.dbTable, {
      kind: 'and',
      children: this.#state.where,
    })
  }

  /** Resolves a forward-FK path to a join alias, adding joins as needed. */
  #joinPath(
    joins: Map<string, Join>,
    parts: readonly string[],
  ): { model: ModelRuntime; alias: string } {
    let model = this.#state.model
    let alias = model.meta.dbTable
    let path = ''
    for (const part of parts) {
      const field = fieldByName(model, part)
      if (!field?.relation || field.relation.kind === 'ManyToManyField') {
        throw new FieldError(
          `${JSON.stringify(parts.join('__'))}: ${model.meta.modelName}.${part} is not a foreign key (selectRelated, orderBy and values follow forward foreign keys)`,
        )
      }
      path = path ? `${path}__${field.name}` : field.name
      let join = joins.get(path)
      if (!join) {
        join = {
          alias: `t${joins.size + 1}`,
          model: resolveTarget(model, field),
          from: alias,
          field,
        }
        joins.set(path, join)
      }
      model = join.model
      alias = join.alias
    }
    return { model, alias }
  }

  /** A field path (`pubDate`, `question__pubDate`, annotation) to a column reference. */
  #pathRef(
    ctx: CompileContext,
    joins: Map<string, Join>,
    path: string,
  ): { ref: RawBuilder<unknown>; field: FieldMeta | undefined } {
    const annotation = ctx.annotations.get(path)
    if (annotation) return { ref: annotation, field: undefined }
    const parts = path.split('__')
    const last = parts.pop()!
    const { model, alias } = this.#joinPath(joins, parts)
    const field = fieldByName(model, last)
    if (!field?.column) {
      throw new FieldError(
        `Cannot resolve ${JSON.stringify(path)} on ${this.#state.model.meta.modelName}: ${JSON.stringify(last)} is not a field of ${model.meta.modelName} (fields: ${model.meta.concreteFields.map((f) => f.name).join(', ')})`,
      )
    }
    return { ref: col(alias, field.column), field }
  }

  #applyJoins(
    builder: SelectQueryBuilder<any, any, any>,
    joins: Map<string, Join>,
  ): SelectQueryBuilder<any, any, any> {
    let query = builder
    for (const join of joins.values()) {
      query = query.leftJoin(
        `${join.model.meta.dbTable} as ${join.alias}`,
        `${join.alias}.${join.model.meta.pk.column!}`,
        `${join.from}.${join.field.column!}`,
      )
    }
    return query
  }

  #applyOrder(
    ctx: CompileContext,
    joins: Map<string, Join>,
    builder: SelectQueryBuilder<any, any, any>,
    extraOrder?: readonly string[],
  ): SelectQueryBuilder<any, any, any> {
    let query = builder
    const order = extraOrder ?? this.#state.order ?? this.#state.model.meta.ordering
    for (const key of order) {
      if (key === '?') {
        query = query.orderBy(sql`RANDOM()`)
        continue
      }
      const descending = key.startsWith('-')
      const { ref } = this.#pathRef(ctx, joins, descending ? key.slice(1) : key)
      query = query.orderBy(ref, descending ? 'desc' : 'asc')
    }
    return query
  }

  #applySlice(builder: SelectQueryBuilder<any, any, any>): SelectQueryBuilder<any, any, any> {
    let query = builder
    const { low, high } = this.#state
    if (high !== undefined) query = query.limit(high - low)
    else if (low > 0 && this.#connection.vendor === 'sqlite') query = query.limit(-1)
    if (low > 0) query = query.offset(low)
    return query
  }

  /**
   * The SELECT and how to turn each row into a result; `rowsAsArrays` when `read` takes each row
   * as an array of column values (Connection.selectArrays) rather than an object.
   */
  #compileSelect(extraOrder?: readonly string[]): {
    query: SelectQueryBuilder<any, any, any>
    read: Reader
    rowsAsArrays: boolean
  } {
    const state = this.#state
    const model = state.model
    const table = model.meta.dbTable
    const ctx = this.#context()
    const joins = new Map<string, Join>()
    const annotations = this.#compileAnnotations(ctx)
    let query: SelectQueryBuilder<any, any, any> = ctx.backend.kysely.selectFrom(table)
    const selections: RawBuilder<unknown>[] = []
    const backend = ctx.backend
    let read: Reader
    let rowsAsArrays = false
    const groupBy: RawBuilder<unknown>[] = []
    if (state.values) {
      const readers: [string, string, FieldMeta | undefined][] = []
      state.values.keys.forEach((key, index) => {
        const { ref, field } = this.#pathRef(ctx, joins, key)
        const alias = `v${index}`
        selections.push(sql`${ref} as ${sql.ref(alias)}`)
        readers.push([key, alias, field])
        if (!ctx.annotations.has(key)) groupBy.push(ref)
      })
      const convert = (field: FieldMeta | undefined, value: unknown): unknown =>
        field
          ? backend.fromDb(field.relation ? 'IntegerField' : field.kind, value, field.options)
          : numeric(value)
      if (state.values.mode === 'object') {
        read = (row) => {
          const out: Record<string, unknown> = {}
          for (const [key, alias, field] of readers) out[key] = convert(field, row[alias])
          return out
        }
      } else if (state.values.mode === 'list') {
        read = (row) => readers.map(([, alias, field]) => convert(field, row[alias]))
      } else {
        const [, alias, field] = readers[0]!
        read = (row) => convert(field, row[alias])
      }
    } else {
      const fields = this.#loadedFields(model)
      const base = baseSelection(table, fields)
      selections.push(...base.selections)
      groupBy.push(...base.refs)
      const columns = base.columns
      const related = state.selectRelated
        .map((path) => {
          const parts = path.split('__')
          const names: string[] = []
          return parts.map((part) => {
            names.push(part)
            const { model: target, alias } = this.#joinPath(joins, names)
            const targetColumns = target.meta.concreteFields.map((field) => {
              const key = `${alias}_${field.column!}`
              selections.push(sql`${col(alias, field.column!)} as ${sql.ref(key)}`)
              return [key, field] as const
            })
            return { path: [...names], target, columns: targetColumns }
          })
        })
        .flat()
      const db = this.db
      const plain = related.length === 0 && annotations.length === 0
      // Why arrays on SQLite: better-sqlite3 builds an array row faster than an object row, and
      // a plain model row (no joins, no annotations) is read by position.
      rowsAsArrays = plain && backend.vendor === 'sqlite'
      const hydrate = hydrator(
        model,
        rowsAsArrays ? columns.map(([, field], index) => [index, field] as const) : columns,
        backend.fromDb,
        backend.vendor,
      )
      read = (row) => {
        if (plain) return hydrate(row, db)
        const values: Record<string, unknown> = {}
        for (const [key, field] of columns) {
          values[field.attname] = backend.fromDb(
            field.relation ? 'IntegerField' : field.kind,
            row[key],
            field.options,
          )
        }
        for (const [name] of annotations) values[name] = numeric(row[`a_${name}`])
        const instance = instanceFromDb(model, values, db)
        const byPath = new Map<string, object | null>([['', instance]])
        for (const { path, target, columns: targetColumns } of related) {
          const parentPath = path.slice(0, -1).join('__')
          const parent = byPath.get(parentPath)
          const pkKey = targetColumns.find(([, field]) => field.primaryKey)![0]
          let child: object | null = null
          if (row[pkKey] !== null && row[pkKey] !== undefined) {
            const childValues: Record<string, unknown> = {}
            for (const [key, field] of targetColumns)
              childValues[field.attname] = backend.fromDb(
                field.relation ? 'IntegerField' : field.kind,
                row[key],
                field.options,
              )
            child = instanceFromDb(target, childValues, db)
          }
          if (parent) stateOf(parent).related.set(path.at(-1)!, child)
          byPath.set(path.join('__'), child)
        }
        return instance
      }
    }
    for (const [name, raw, grouped] of annotations) {
      if (!state.values) selections.push(sql`${raw} as ${sql.ref(`a_${name}`)}`)
      void grouped
    }
    query = query.select(selections as any)
    query = this.#applyJoins(query, joins)
    const where = this.#whereClause(ctx)
    if (where) query = query.where(where)
    if (annotations.some(([, , grouped]) => grouped)) query = query.groupBy(groupBy as any)
    if (state.distinct) query = query.distinct()
    query = this.#applyOrder(ctx, joins, query, extraOrder ?? this.#distinctValuesOrder())
    query = this.#applySlice(query)
    if (state.forUpdate && ctx.backend.vendor === 'postgresql') query = query.forUpdate()
    // Joins added by ordering after #applyJoins: rebuild with all joins in place.
    if (joins.size > 0) {
      return { query: this.#withJoins(query, joins), read, rowsAsArrays }
    }
    return { query, read, rowsAsArrays }
  }

  #withJoins(
    query: SelectQueryBuilder<any, any, any>,
    joins: Map<string, Join>,
  ): SelectQueryBuilder<any, any, any> {
    // kysely appends joins in call order; those found while compiling ORDER BY are added here.
    const node = query.toOperationNode() as { joins?: readonly unknown[] }
    const present = node.joins?.length ?? 0
    let result = query
    let index = 0
    for (const join of joins.values()) {
      if (index++ < present) continue
      result = result.leftJoin(
        `${join.model.meta.dbTable} as ${join.alias}`,
        `${join.alias}.${join.model.meta.pk.column!}`,
        `${join.from}.${join.field.column!}`,
      )
    }
    return result
  }

  /**
   * SELECT DISTINCT may only ORDER BY selected columns (PostgreSQL enforces it; on SQLite the
   * result would depend on hidden columns). Meta.ordering on other fields is dropped for
   * `values().distinct()`; an explicit orderBy() on them is an error that says what to do.
   */
  #distinctValuesOrder(): readonly string[] | undefined {
    const { values, distinct, order } = this.#state
    if (!values || !distinct) return undefined
    const selected = new Set(values.keys)
    const outside = (key: string): boolean => !selected.has(key.replace(/^-/, ''))
    if (!order) return this.#state.model.meta.ordering.filter((key) => !outside(key))
    const bad = order.filter((key) => key !== '?' && outside(key))
    if (bad.length) {
      throw new QuerySetError(
        `distinct() on values(${values.keys.join(', ')}) cannot order by ${bad.join(', ')}: add ${bad.map((key) => key.replace(/^-/, '')).join(', ')} to values() or order by selected fields`,
      )
    }
    return undefined
  }

  #loadedFields(model: ModelRuntime): FieldMeta[] {
    const { only, defer } = this.#state
    return model.meta.concreteFields.filter((field) => {
      if (field.primaryKey) return true
      if (only && !only.includes(field.name) && !only.includes(field.attname)) return false
      return !defer.includes(field.name) && !defer.includes(field.attname)
    })
  }

  /**
   * The compiled SELECT, from the plan cache when this QuerySet's shape was seen before. Why:
   * building and compiling the SQL costs more than running a small indexed query, and most
   * queries repeat with new values. Only simple shapes are cached (plain-field comparisons, no
   * relations, annotations or expressions), and a shape is cached only after the parameters
   * extracted from the state matched the compiler's on the first run.
   */
  #compiledSelect(): Plan {
    const key = this.#planKey()
    const parameters = key === undefined ? undefined : this.#planParameters()
    if (key !== undefined && parameters) {
      const plan = planCache.get(key)
      if (plan) return { ...plan, compiled: { ...plan.compiled, parameters } }
    }
    const { query, read, rowsAsArrays } = this.#compileSelect()
    const compiled = query.compile()
    if (key !== undefined && parameters && sameParameters(parameters, compiled.parameters)) {
      if (planCache.size >= 1000) planCache.clear()
      planCache.set(key, { compiled, read, rowsAsArrays })
    }
    return { compiled, read, rowsAsArrays }
  }

  /** The cache key of this QuerySet's SQL, or undefined when its shape is not cacheable. */
  #planKey(): string | undefined {
    const state = this.#state
    if (state.annotations.length || state.selectRelated.length || state.none) return undefined
    const leaves: string[] = []
    for (const node of state.where) {
      if (node.kind !== 'leaf') return undefined
      for (const [key, value] of Object.entries(node.args)) {
        const shape = planShape(state.model, key, value)
        if (shape === undefined) return undefined
        leaves.push(shape)
      }
    }
    return [
      state.model.meta.label,
      this.db,
      this.#connection.vendor,
      leaves.join('&'),
      (state.order ?? ['<meta>']).join(','),
      state.low > 0 ? 'o' : '',
      state.high === undefined ? '' : 'l',
      state.distinct ? 'd' : '',
      state.forUpdate ? 'u' : '',
      (state.only ?? ['*']).join(','),
      state.defer.join(','),
      state.values ? `${state.values.mode}:${state.values.keys.join(',')}` : '',
    ].join('|')
  }

  /** The parameters of a cacheable shape, in SQL order (WHERE values, then LIMIT, OFFSET). */
  #planParameters(): unknown[] | undefined {
    const state = this.#state
    const backend = this.#connection.backend
    const out: unknown[] = []
    for (const node of state.where) {
      if (node.kind !== 'leaf') return undefined
      for (const [key, value] of Object.entries(node.args)) {
        const [name = '', lookup = 'exact'] = key.split('__')
        const field = fieldByName(state.model, name)!
        const kind = field.relation ? 'IntegerField' : field.kind
        const bind = (item: unknown): unknown => backend.toDb(kind, pkOrValue(item), field.options)
        if (lookup === 'in' || lookup === 'range')
          for (const item of value as unknown[]) out.push(bind(item))
        else out.push(bind(value))
      }
    }
    if (state.high !== undefined) out.push(state.high - state.low)
    else if (state.low > 0 && backend.vendor === 'sqlite') out.push(-1)
    if (state.low > 0) out.push(state.low)
    return out
  }

  /** The SQL and parameters this QuerySet would run. */
  toSQL(): { sql: string; parameters: readonly unknown[] } {
    const compiled = this.#compileSelect().query.compile()
    return { sql: compiled.sql, parameters: compiled.parameters }
  }

  /** This query as a subquery (for `in` lookups): the values() column, or the pk. */
  toSubquery(): RawBuilder<unknown> {
    const qs = this.#state.values ? this : this.values('pk' as never)
    const { query } = (qs as QuerySet<M, unknown>).#compileSelect()
    return sql`${query}`
  }

  /**
   * The typed kysely query selecting this model's table with this QuerySet's filters, ordering
   * and slice; add anything the QuerySet cannot say, then `.execute()`.
   *
   * @example
   * ```ts
   * const rows = await Question.objects.filter({ pubDate__year: 2024 }).kysely().select('question_text').execute()
   * ```
   */
  kysely(): SelectQueryBuilder<
    KyselyDatabaseOf<M>,
    M extends { dbTable: infer T extends string } ? T : never,
    KyselyDatabaseOf<M>[keyof KyselyDatabaseOf<M>]
  > {
    const ctx = this.#context()
    const joins = new Map<string, Join>()
    this.#compileAnnotations(ctx)
    const table = this.#state.model.meta.dbTable
    let query: SelectQueryBuilder<any, any, any> = this.#connection
      .executor()
      .selectFrom(table)
      .selectAll(table)
    const where = this.#whereClause(ctx)
    if (where) query = query.where(where)
    if (this.#state.distinct) query = query.distinct()
    query = this.#applyOrder(ctx, joins, query)
    query = this.#withJoins(query, joins)
    query = this.#applySlice(query)
    return query as any
  }

  // ---- evaluation -----------------------------------------------------------------------------

  async #run(query: CompiledQuery): Promise<Record<string, unknown>[]> {
    return (await this.#connection.execute<Record<string, unknown>>(query)).rows
  }

  /** Runs the query and returns every result (cached on this QuerySet). */
  async list(): Promise<R[]> {
    if (this.#cache) return this.#cache
    if (this.#state.none) return (this.#cache = [])
    const { compiled, read, rowsAsArrays } = this.#compiledSelect()
    const rows = rowsAsArrays
      ? await this.#connection.selectArrays(compiled)
      : await this.#run(compiled)
    const results = rows.map(read) as R[]
    if (!this.#state.values && this.#state.prefetch.length)
      await this.#prefetch(results as object[])
    if (!this.#isManager) this.#cache = results
    return results
  }

  /** Yields results in chunks of `chunkSize` rows (one short query per chunk), for large tables. */
  async *iterator(options: { chunkSize?: number } = {}): AsyncGenerator<R> {
    const chunkSize = options.chunkSize ?? 500
    if (!Number.isInteger(chunkSize) || chunkSize < 1)
      throw new QuerySetError(`iterator chunkSize must be a positive integer, got ${chunkSize}`)
    const pk = this.#state.model.meta.pk.name
    const order = [...this.#effectiveOrder()]
    // Why the pk tiebreak: OFFSET paging needs a total order or rows repeat across chunks.
    if (!order.includes(pk) && !order.includes(`-${pk}`)) order.push(pk)
    const base = this.#clone<R>({ order })
    const end = this.#state.high
    for (let start = 0; ; start += chunkSize) {
      const stop =
        end === undefined ? start + chunkSize : Math.min(start + chunkSize, end - this.#state.low)
      if (stop <= start) return
      const chunk = await base.slice(start, stop).list()
      for (const item of chunk) yield item
      if (chunk.length < stop - start) return
    }
  }

  /** `for await (const q of Question.objects.all())` iterates in chunks. */
  [Symbol.asyncIterator](): AsyncGenerator<R> {
    return this.iterator()
  }

  /** The single matching object; DoesNotExist or MultipleObjectsReturned otherwise. */
  async get(...args: FilterInput<M>[]): Promise<R> {
    const qs = args.length ? this.filter(...args) : this
    const limited =
      qs.#state.high === undefined && qs.#state.low === 0
        ? qs.#clone<R>({ high: 2, order: [] })
        : qs
    const results = await limited.list()
    const name = this.#state.model.meta.modelName
    if (results.length === 0) {
      const ModelDoesNotExist =
        (this.#state.model as unknown as { DoesNotExist?: typeof DoesNotExist }).DoesNotExist ??
        DoesNotExist
      throw new ModelDoesNotExist(`${name} matching query does not exist: ${describe(args)}`)
    }
    if (results.length > 1) {
      const ModelMultiple =
        (
          this.#state.model as unknown as {
            MultipleObjectsReturned?: typeof MultipleObjectsReturned
          }
        ).MultipleObjectsReturned ?? MultipleObjectsReturned
      throw new ModelMultiple(
        `get() returned more than one ${name}: ${describe(args)}; narrow the filter`,
      )
    }
    return results[0]!
  }

  /** Internal: one row's values by attname (refreshFromDb). */
  async getRow(pk: unknown): Promise<Record<string, unknown>> {
    const instance = (await (this as unknown as QuerySet<M, object>).get({
      pk,
    } as never)) as Record<string, unknown>
    return instance
  }

  /** The first result in the ordering (pk when unordered), or undefined. */
  async first(): Promise<R | undefined> {
    const qs =
      this.#state.order || this.#state.model.meta.ordering.length
        ? this
        : this.#clone<R>({ order: [this.#state.model.meta.pk.name] })
    return (await qs.slice(0, 1).list())[0]
  }

  /** The last result in the ordering (pk when unordered), or undefined. */
  async last(): Promise<R | undefined> {
    return (await this.reverse().slice(0, 1).list())[0]
  }

  /** The number of matching rows (`SELECT COUNT(*)`, not a fetch). */
  async count(): Promise<number> {
    if (this.#cache) return this.#cache.length
    if (this.#state.none) return 0
    const state = this.#state
    const ctx = this.#context()
    const db = ctx.backend.kysely
    if (state.distinct || state.low || state.high !== undefined || state.values) {
      const { query } = this.#clone({ order: [] }).#compileSelect()
      const compiled = db
        .selectFrom(query.as('sub'))
        .select(sql`COUNT(*)`.as('n'))
        .compile()
      return Number((await this.#run(compiled))[0]?.n ?? 0)
    }
    this.#compileAnnotations(ctx)
    let query: SelectQueryBuilder<any, any, any> = db
      .selectFrom(state.model.meta.dbTable)
      .select(sql`COUNT(*)`.as('n'))
    const where = this.#whereClause(ctx)
    if (where) query = query.where(where)
    return Number((await this.#run(query.compile()))[0]?.n ?? 0)
  }

  /** Whether any row matches (`SELECT 1 ... LIMIT 1`). */
  async exists(): Promise<boolean> {
    if (this.#cache) return this.#cache.length > 0
    if (this.#state.none) return false
    const ctx = this.#context()
    this.#compileAnnotations(ctx)
    let query: SelectQueryBuilder<any, any, any> = ctx.backend.kysely
      .selectFrom(this.#state.model.meta.dbTable)
      .select(sql`1`.as('one'))
    const where = this.#whereClause(ctx)
    if (where) query = query.where(where)
    query = this.#applySlice(query.limit(1))
    return (await this.#run(query.compile())).length > 0
  }

  /**
   * Aggregates over the whole QuerySet: `{ total: Sum('votes') }` gives `{ total: number | null }`.
   * Paths may cross one reverse or many-to-many relation (`Sum('choice__votes')`).
   */
  async aggregate<A extends Record<string, Aggregate>>(
    spec: A,
  ): Promise<{ [K in keyof A]: number | null | unknown }> {
    const state = this.#state
    const model = state.model
    const table = model.meta.dbTable
    const ctx = this.#context()
    const db = ctx.backend.kysely
    this.#compileAnnotations(ctx)
    const where = this.#whereClause(ctx)
    const sliced = state.low > 0 || state.high !== undefined || state.distinct
    const selections: RawBuilder<unknown>[] = []
    const converters: [string, (value: unknown) => unknown][] = []
    for (const [name, aggregate] of Object.entries(spec)) {
      if (!(aggregate instanceof Aggregate))
        throw new QuerySetError(
          `aggregate() value ${JSON.stringify(name)} must be Count/Sum/Avg/Min/Max(...)`,
        )
      const parts = aggregate.path.split('__')
      const own = fieldByName(model, parts[0]!)
      const field = own?.column && parts.length === 1 ? own : undefined
      if (field || ctx.annotations.has(aggregate.path)) {
        const source = sliced ? 'sub' : table
        const inner = field ? col(source, field.column!) : sql.ref(aggregate.path)
        const distinct = aggregate.options.distinct ? sql`DISTINCT ` : sql``
        const filter = aggregate.options.filter
          ? compileWhere(ctx, model, source, toNode([aggregate.options.filter]))
          : undefined
        const target = filter ? sql`CASE WHEN ${filter} THEN ${inner} END` : inner
        selections.push(sql`${sql.raw(aggregate.fn)}(${distinct}${target}) as ${sql.ref(name)}`)
      } else {
        // Across a relation: aggregate the related rows whose link is among this QuerySet's pks.
        const related = relatedSource(ctx, model, parts[0]!, aggregate.path)
        const innerPath = parts.length > 1 ? parts.slice(1).join('__') : 'pk'
        const relatedField = fieldByName(related.related, innerPath)
        if (!relatedField?.column)
          throw new FieldError(
            `Cannot aggregate ${JSON.stringify(aggregate.path)}: ${innerPath} is not a field of ${related.related.meta.modelName}`,
          )
        const pkQuery = this.values(model.meta.pk.name as never)
          .orderBy()
          .toSubquery()
        const distinct = aggregate.options.distinct ? sql`DISTINCT ` : sql``
        const filter = aggregate.options.filter
          ? sql` AND ${compileWhere(ctx, related.related, related.u, toNode([aggregate.options.filter]))}`
          : sql``
        selections.push(
          sql`(SELECT ${sql.raw(aggregate.fn)}(${distinct}${col(related.u, relatedField.column)}) FROM ${related.from} WHERE ${related.near} IN (${pkQuery})${filter}) as ${sql.ref(name)}`,
        )
      }
      const valueField = field
      converters.push([
        name,
        (value) => {
          if (aggregate.fn === 'COUNT') return Number(value ?? 0)
          if (value === null || value === undefined) return null
          if (
            (aggregate.fn === 'MIN' || aggregate.fn === 'MAX') &&
            valueField &&
            !/Integer|Float|Auto|Decimal/.test(valueField.kind)
          ) {
            return ctx.backend.fromDb(valueField.kind, value, valueField.options)
          }
          return Number(value)
        },
      ])
    }
    let query: SelectQueryBuilder<any, any, any>
    if (sliced) {
      const { query: inner } = this.#compileSelect()
      query = db.selectFrom(inner.as('sub')).select(selections as any)
    } else {
      query = db.selectFrom(table).select(selections as any)
      if (where) query = query.where(where)
    }
    const row = (await this.#run(query.compile()))[0] ?? {}
    return Object.fromEntries(converters.map(([name, convert]) => [name, convert(row[name])])) as {
      [K in keyof A]: unknown
    }
  }

  // ---- writes ---------------------------------------------------------------------------------

  /** Creates and saves an object (INSERT), sending preSave/postSave. */
  async create(values: CreateInput<FieldsOf<M>>): Promise<InstanceOf<M>> {
    const Model = this.#state.model as unknown as new (v: unknown) => {
      save(o: object): Promise<void>
    }
    const instance = new Model(values)
    await instance.save({ forceInsert: true, using: this.db })
    return instance as InstanceOf<M>
  }

  /** `[object, created]`: gets the match, or creates it from `lookup` plus `defaults`. */
  async getOrCreate(
    lookup: FilterArgs<FieldsOf<M>>,
    defaults: Partial<CreateInput<FieldsOf<M>>> = {},
  ): Promise<[InstanceOf<M>, boolean]> {
    const qs = this as unknown as QuerySet<M, InstanceOf<M>>
    try {
      return [await qs.get(lookup), false]
    } catch (error) {
      if (!(error instanceof DoesNotExist)) throw error
    }
    try {
      const created = await atomic(
        () => qs.create({ ...plainLookup(lookup), ...defaults } as CreateInput<FieldsOf<M>>),
        { using: this.db },
      )
      return [created, true]
    } catch (error) {
      // Why: another process created it between our get() and create(); return theirs.
      if (error instanceof IntegrityError) return [await qs.get(lookup), false]
      throw error
    }
  }

  /** `[object, created]`: updates the match with `defaults`, or creates it. */
  async updateOrCreate(
    lookup: FilterArgs<FieldsOf<M>>,
    defaults: Partial<CreateInput<FieldsOf<M>>> = {},
  ): Promise<[InstanceOf<M>, boolean]> {
    const qs = this as unknown as QuerySet<M, InstanceOf<M>>
    return atomic(
      async () => {
        try {
          const existing = (await qs.selectForUpdate().get(lookup)) as Record<string, unknown> & {
            save(o: object): Promise<void>
          }
          Object.assign(existing, defaults)
          await existing.save({ using: this.db })
          return [existing as InstanceOf<M>, false] as [InstanceOf<M>, boolean]
        } catch (error) {
          if (!(error instanceof DoesNotExist)) throw error
          return [
            await qs.create({ ...plainLookup(lookup), ...defaults } as CreateInput<FieldsOf<M>>),
            true,
          ] as [InstanceOf<M>, boolean]
        }
      },
      { using: this.db },
    )
  }

  /** UPDATE every matching row; values may be F() expressions. Returns the row count. */
  async update(values: UpdateInput<FieldsOf<M>>): Promise<number> {
    this.#assertNotSliced('update')
    const model = this.#state.model
    const table = model.meta.dbTable
    const ctx = this.#context()
    const set: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(values)) {
      const field = fieldByName(model, key)
      if (!field?.column)
        throw new FieldError(
          `update() on ${model.meta.modelName}: ${JSON.stringify(key)} is not a column field (fields: ${model.meta.concreteFields.map((f) => f.name).join(', ')})`,
        )
      set[field.column] =
        value instanceof Expression
          ? compileExpression(ctx, value, model, table)
          : ctx.backend.toDb(
              field.relation ? 'IntegerField' : field.kind,
              value && typeof value === 'object' && 'pk' in value && field.relation
                ? (value as { pk: unknown }).pk
                : value,
              field.options,
            )
    }
    if (Object.keys(set).length === 0) return 0
    if (this.#state.none) return 0
    let query = ctx.backend.kysely.updateTable(table).set(set as any)
    this.#compileAnnotations(ctx)
    const where = this.#whereClause(ctx)
    if (where) query = query.where(where)
    const result = await this.#connection.execute(query.compile())
    return Number(result.numAffectedRows ?? 0n)
  }

  /** Deletes every matching row, applying onDelete rules; returns the number of rows deleted. */
  async delete(): Promise<number> {
    this.#assertNotSliced('delete')
    if (this.#state.distinct) throw new QuerySetError('Cannot delete() a distinct() QuerySet')
    const pks = await this.#clone<unknown>({
      values: { keys: [this.#state.model.meta.pk.name], mode: 'flat' },
      order: [],
      annotations: [],
    }).list()
    if (pks.length === 0) return 0
    return deleteCollected(this.#state.model, pks, this.db)
  }

  /** Inserts many objects in few queries (no signals, like Django); sets their pks. */
  async bulkCreate(
    objects: readonly InstanceOf<M>[],
    options: { batchSize?: number } = {},
  ): Promise<InstanceOf<M>[]> {
    const model = this.#state.model
    const meta = model.meta
    const connection = this.#connection
    const backend = connection.backend
    const batchSize = options.batchSize ?? 500
    const now = new Date()
    await atomic(
      async () => {
        for (let start = 0; start < objects.length; start += batchSize) {
          const batch = objects.slice(start, start + batchSize) as unknown as Record<
            string,
            unknown
          >[]
          const withPk = batch.some(
            (object) => object[meta.pk.attname] !== undefined && object[meta.pk.attname] !== null,
          )
          const fields = meta.concreteFields.filter((field) => !field.primaryKey || withPk)
          const rows = batch.map((object) =>
            Object.fromEntries(
              fields.map((field) => {
                if (field.options.autoNow || field.options.autoNowAdd)
                  object[field.name] ??=
                    field.kind === 'DateField' ? now.toISOString().slice(0, 10) : now
                if (object[field.attname] === undefined) object[field.attname] = defaultFor(field)
                return [
                  field.column!,
                  backend.toDb(
                    field.relation ? 'IntegerField' : field.kind,
                    object[field.attname],
                    field.options,
                  ),
                ]
              }),
            ),
          )
          if (rows.length === 0) continue
          const query = backend.kysely
            .insertInto(meta.dbTable)
            .values(rows)
            .returning(meta.pk.column!)
            .compile()
          const result = await connection.execute<Record<string, unknown>>(query)
          result.rows.forEach((row, index) => {
            const object = batch[index]!
            object[meta.pk.attname] = row[meta.pk.column!]
            const state = stateOf(object)
            state.adding = false
            state.db = this.db
          })
        }
      },
      { using: this.db },
    )
    return [...objects]
  }

  /** Updates `fields` of many saved objects with one `UPDATE ... CASE` per batch. */
  async bulkUpdate(
    objects: readonly InstanceOf<M>[],
    fields: readonly FieldPath<FieldsOf<M>>[],
    options: { batchSize?: number } = {},
  ): Promise<number> {
    const model = this.#state.model
    const meta = model.meta
    const connection = this.#connection
    const backend = connection.backend
    if (fields.length === 0) throw new QuerySetError('bulkUpdate() needs at least one field name')
    const metas = fields.map((name) => {
      const field = fieldByName(model, name)
      if (!field?.column || field.primaryKey)
        throw new FieldError(
          `bulkUpdate(): ${JSON.stringify(name)} is not an updatable field of ${meta.modelName}`,
        )
      return field
    })
    const batchSize = options.batchSize ?? 200
    let total = 0
    await atomic(
      async () => {
        for (let start = 0; start < objects.length; start += batchSize) {
          const batch = objects.slice(start, start + batchSize) as unknown as Record<
            string,
            unknown
          >[]
          const pkRef = sql.ref(meta.pk.column!)
          const set: Record<string, unknown> = {}
          for (const field of metas) {
            const type =
              backend.vendor === 'postgresql' ? sql.raw(backend.columnType(field)) : undefined
            const cases = batch.map((object) => {
              const value = sql.val(
                backend.toDb(
                  field.relation ? 'IntegerField' : field.kind,
                  object[field.attname],
                  field.options,
                ),
              )
              return sql`WHEN ${pkRef} = ${object[meta.pk.attname]} THEN ${type ? sql`CAST(${value} AS ${type})` : value}`
            })
            set[field.column!] = sql`CASE ${sql.join(cases, sql` `)} END`
          }
          const ids = batch.map((object) => object[meta.pk.attname])
          const query = backend.kysely
            .updateTable(meta.dbTable)
            .set(set as any)
            .where(meta.pk.column!, 'in', ids as any)
            .compile()
          total += Number((await connection.execute(query)).numAffectedRows ?? 0n)
        }
      },
      { using: this.db },
    )
    return total
  }

  // ---- prefetch -------------------------------------------------------------------------------

  async #prefetch(instances: object[]): Promise<void> {
    if (instances.length === 0) return
    const model = this.#state.model
    for (const name of this.#state.prefetch) {
      const field = fieldByName(model, name)
      const pks = instances.map((instance) => (instance as { pk: unknown }).pk)
      if (field?.relation && field.relation.kind !== 'ManyToManyField') {
        const target = resolveTarget(model, field) as ModelRuntime & {
          objects: QuerySet<unknown, object>
        }
        const ids = [
          ...new Set(
            instances
              .map((instance) => (instance as Record<string, unknown>)[field.attname])
              .filter((id) => id !== null && id !== undefined),
          ),
        ]
        const related = ids.length
          ? await target.objects
              .using(this.db)
              .filter({ pk__in: ids } as never)
              .list()
          : []
        const byId = new Map(related.map((object) => [(object as { pk: unknown }).pk, object]))
        for (const instance of instances) {
          const id = (instance as Record<string, unknown>)[field.attname]
          stateOf(instance).related.set(
            field.name,
            id === null || id === undefined ? null : (byId.get(id) ?? null),
          )
        }
        continue
      }
      if (field?.relation?.kind === 'ManyToManyField') {
        await this.#prefetchMany(instances, pks, name, manyToManyInfo(model, field), true)
        continue
      }
      const reverse = reverseRelations(model).find(
        (relation) => relation.accessor === name || relation.queryName === name,
      )
      if (!reverse) {
        throw new FieldError(
          `prefetchRelated(${JSON.stringify(name)}): ${model.meta.modelName} has no relation by that name (relations: ${[...model.meta.fields.filter((f) => f.relation).map((f) => f.name), ...reverseRelations(model).map((r) => r.accessor)].join(', ')})`,
        )
      }
      if (reverse.field.relation!.kind === 'ManyToManyField') {
        await this.#prefetchMany(
          instances,
          pks,
          reverse.accessor,
          manyToManyInfo(reverse.model, reverse.field),
          false,
        )
        continue
      }
      const child = reverse.model as ModelRuntime & { objects: QuerySet<unknown, object> }
      const rows = await child.objects
        .using(this.db)
        .filter({ [`${reverse.field.attname}__in`]: pks } as never)
        .list()
      const groups = new Map<unknown, object[]>()
      for (const row of rows) {
        const key = (row as Record<string, unknown>)[reverse.field.attname]
        const list = groups.get(key) ?? []
        list.push(row)
        groups.set(key, list)
      }
      for (const instance of instances) {
        const list = groups.get((instance as { pk: unknown }).pk) ?? []
        for (const row of list) stateOf(row).related.set(reverse.field.name, instance)
        stateOf(instance).related.set(
          reverse.accessor,
          reverse.field.relation!.kind === 'OneToOneField' ? (list[0] ?? null) : list,
        )
      }
    }
  }

  /** One query: the far objects joined with the through rows, grouped by the near pk. */
  async #prefetchMany(
    instances: object[],
    pks: unknown[],
    accessor: string,
    info: ReturnType<typeof manyToManyInfo>,
    forward: boolean,
  ): Promise<void> {
    const near = forward ? info.sourceField : info.targetField
    const far = forward ? info.targetField : info.sourceField
    const farModel = forward
      ? info.target
      : (near.relation!.target() as ModelRuntime) === info.target
        ? (far.relation!.target() as ModelRuntime)
        : (far.relation!.target() as ModelRuntime)
    const backend = this.#connection.backend
    const fields = farModel.meta.concreteFields
    const th = 'th'
    const query = backend.kysely
      .selectFrom(farModel.meta.dbTable)
      .innerJoin(
        `${info.through.meta.dbTable} as ${th}`,
        `${th}.${far.column!}`,
        `${farModel.meta.dbTable}.${farModel.meta.pk.column!}`,
      )
      .select([
        ...fields.map(
          (field, index) =>
            sql`${col(farModel.meta.dbTable, field.column!)} as ${sql.ref(`f${index}`)}`,
        ),
        sql`${col(th, near.column!)} as ${sql.ref('near_pk')}`,
      ] as any)
      .where(`${th}.${near.column!}`, 'in', pks as any)
      .compile()
    const rows = await this.#run(query)
    const groups = new Map<unknown, object[]>()
    for (const row of rows) {
      const values: Record<string, unknown> = {}
      fields.forEach((field, index) => {
        values[field.attname] = backend.fromDb(
          field.relation ? 'IntegerField' : field.kind,
          row[`f${index}`],
          field.options,
        )
      })
      const list = groups.get(row.near_pk) ?? []
      list.push(instanceFromDb(farModel, values, this.db))
      groups.set(row.near_pk, list)
    }
    for (const instance of instances)
      stateOf(instance).related.set(accessor, groups.get((instance as { pk: unknown }).pk) ?? [])
  }

  /** Internal: seeds the result cache (related managers over prefetched rows). */
  withCache(results: R[]): QuerySet<M, R> {
    const copy = this.#clone<R>({})
    copy.#cache = results
    return copy
  }
}

/** A compiled SELECT, how to read its rows, and whether they come as arrays. */
interface Plan {
  readonly compiled: CompiledQuery
  readonly read: Reader
  readonly rowsAsArrays: boolean
}

const planCache = new Map<string, Plan>()
const PLAN_LOOKUPS = new Set(['exact', 'gt', 'gte', 'lt', 'lte', 'in', 'range'])

function pkOrValue(value: unknown): unknown {
  return value && typeof value === 'object' && !(value instanceof Date) && 'pk' in value
    ? (value as { pk: unknown }).pk
    : value
}

function isPlainValue(value: unknown): boolean {
  const v = pkOrValue(value)
  return (
    typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' || v instanceof Date
  )
}

/** A filter key's shape for the plan cache (undefined: not cacheable). */
function planShape(model: ModelRuntime, key: string, value: unknown): string | undefined {
  const parts = key.split('__')
  if (parts.length > 2) return undefined
  const field = fieldByName(model, parts[0]!)
  const lookup = parts[1] ?? 'exact'
  if (
    !field?.column ||
    !PLAN_LOOKUPS.has(lookup) ||
    field.kind === 'JSONField' ||
    field.kind === 'BinaryField'
  )
    return undefined
  if (field.relation && parts[0] === field.name && parts.length > 1 && !PLAN_LOOKUPS.has(lookup))
    return undefined
  if (lookup === 'in' || lookup === 'range') {
    if (!Array.isArray(value) || value.length === 0 || !value.every(isPlainValue)) return undefined
    return `${key}#${value.length}`
  }
  return isPlainValue(value) ? key : undefined
}

function sameParameters(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index])
}

const selectionCache = new Map<
  string,
  {
    selections: RawBuilder<unknown>[]
    refs: RawBuilder<unknown>[]
    columns: (readonly [string, FieldMeta])[]
  }
>()

/** The base table's select list, memoised per table and field set (raw builders are immutable). */
function baseSelection(
  table: string,
  fields: readonly FieldMeta[],
): {
  selections: RawBuilder<unknown>[]
  refs: RawBuilder<unknown>[]
  columns: (readonly [string, FieldMeta])[]
} {
  const key = `${table}:${fields.map((field) => field.column).join(',')}`
  let cached = selectionCache.get(key)
  if (!cached || cached.columns.some(([, field], index) => field !== fields[index])) {
    cached = {
      selections: fields.map(
        (field, index) => sql`${col(table, field.column!)} as ${sql.ref(`f${index}`)}`,
      ),
      refs: fields.map((field) => col(table, field.column!)),
      columns: fields.map((field, index) => [`f${index}`, field] as const),
    }
    selectionCache.set(key, cached)
  }
  return cached
}

function numeric(value: unknown): unknown {
  return typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value
}

function describe(args: readonly unknown[]): string {
  try {
    return JSON.stringify(args.map((arg) => (arg instanceof QObject ? arg.node : arg)))
  } catch {
    return String(args)
  }
}

/** The exact-match keys of a lookup, as field values for create(). */
function plainLookup(lookup: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(lookup)
      .filter(([key]) => !key.includes('__') || key.endsWith('__exact'))
      .map(([key, value]) => [key.replace(/__exact$/, ''), value]),
  )
}
