/**
 * @module The base class of model instances: save (INSERT or UPDATE), delete, refreshFromDb,
 * fullClean, related objects. Per-instance ORM state (new or saved, which database, loaded
 * relations) lives in a WeakMap so it never shows up among the instance's fields.
 */
import { sql } from 'kysely'
import { getConnection } from '../connection/connections.ts'
import { FieldError, IntegrityError, QuerySetError, ValidationError } from '../errors.ts'
import { foreignKeyName } from '../schema/constraint-names.ts'
import { postSave, preSave } from '../signals.ts'
import { resolveTarget, type FieldMeta, type ModelRuntime } from './model-meta.ts'
import { validateField } from './validate-field.ts'

/** Per-instance ORM state. */
export interface InstanceState {
  adding: boolean
  db: string
  /** Loaded forward relations and prefetched reverse ones, by accessor name. */
  readonly related: Map<string, unknown>
}

/**
 * Why a symbol-keyed property rather than a WeakMap: it is several times cheaper per row, and
 * symbols stay out of Object.keys, JSON and `for...in`, so the state never shows among fields.
 */
const STATE = Symbol('orm.state')

/** Internal: the ORM state of an instance (created lazily, `related` too). */
export function stateOf(instance: object): InstanceState {
  const holder = instance as { [STATE]?: InstanceState }
  let state = holder[STATE]
  if (!state) holder[STATE] = state = new LazyState(true, 'default')
  return state
}

class LazyState implements InstanceState {
  adding: boolean
  db: string
  #related: Map<string, unknown> | undefined
  constructor(adding: boolean, db: string) {
    this.adding = adding
    this.db = db
  }
  get related(): Map<string, unknown> {
    return (this.#related ??= new Map())
  }
}

const TEXT_KINDS = new Set(['CharField', 'TextField', 'EmailField', 'URLField', 'SlugField'])

function metaOf(instance: object): ModelRuntime {
  return instance.constructor as ModelRuntime
}

/** The default value of a field for a new instance (Django: '' for non-null text fields). */
export function defaultFor(field: FieldMeta): unknown {
  const declared = field.options.default
  if (declared !== undefined)
    return typeof declared === 'function' ? (declared as () => unknown)() : declared
  if (field.nullable) return null
  if (TEXT_KINDS.has(field.kind)) return ''
  return undefined
}

/** Internal: builds an instance from database values (by attname), marked as saved. */
export function instanceFromDb(
  model: ModelRuntime,
  values: Record<string, unknown>,
  db: string,
): object {
  const instance = Object.create((model as unknown as { prototype: object }).prototype) as Record<
    string,
    unknown
  >
  for (const key in values) instance[key] = values[key]
  ;(instance as { [STATE]?: InstanceState })[STATE] = new LazyState(false, db)
  return instance
}

const IDENTITY_KINDS = new Set([
  'AutoField',
  'CharField',
  'TextField',
  'IntegerField',
  'SmallIntegerField',
  'EmailField',
  'URLField',
  'SlugField',
  'UUIDField',
  'ForeignKey',
  'OneToOneField',
])
const hydrators = new Map<string, (row: Record<string, unknown>, db: string) => object>()

/**
 * Internal: a fast row → instance function for one model, select list and backend; `columns`
 * gives each field's key in the row (its select-list alias, or its position when rows are
 * arrays). Why generated
 * code: a constructor that assigns the same properties in the same order gives every instance one
 * hidden class, several times faster than copying keys in a loop (bench/orm-overhead.ts).
 */
export function hydrator(
  model: ModelRuntime,
  columns: readonly (readonly [string | number, FieldMeta])[],
  fromDb: (
    kind: FieldMeta['kind'],
    value: unknown,
    options: Readonly<Record<string, unknown>>,
  ) => unknown,
  vendor: string,
): (row: Record<string, unknown>, db: string) => object {
  const key = `${model.meta.label}|${vendor}|${columns.map(([alias, field]) => `${alias}=${field.attname}`).join(',')}`
  const cached = hydrators.get(key)
  if (cached && (cached as { model?: ModelRuntime }).model === model) return cached
  const converters = columns.map(([, field]) => {
    const kind = field.relation ? 'IntegerField' : field.kind
    return vendor === 'sqlite' && IDENTITY_KINDS.has(kind)
      ? undefined
      : (value: unknown) => fromDb(kind, value, field.options)
  })
  const body = columns
    .map(([alias, field], index) => {
      const read = `row[${JSON.stringify(alias)}]`
      return `this[${JSON.stringify(field.attname)}] = ${converters[index] ? `convert[${index}](${read})` : read};`
    })
    .join('\n')
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const Row = new Function(
    'convert',
    'STATE',
    'LazyState',
    `return function Row(row, db) {\n${body}\nthis[STATE] = new LazyState(false, db)\n}`,
  )(converters, STATE, LazyState) as {
    new (row: Record<string, unknown>, db: string): object
    prototype: object
  }
  Row.prototype = (model as unknown as { prototype: object }).prototype
  const hydrate = Object.assign(
    (row: Record<string, unknown>, db: string): object => new Row(row, db),
    { model },
  )
  hydrators.set(key, hydrate)
  return hydrate
}

/** Base class of every model's instances; see `defineModel`. */
export class ModelBase {
  constructor(values: Record<string, unknown> = {}) {
    const model = metaOf(this)
    const self = this as unknown as Record<string, unknown>
    const known = new Set<string>()
    for (const field of model.meta.concreteFields) {
      known.add(field.name)
      known.add(field.attname)
      if (field.relation) {
        const related = values[field.name]
        if (related !== undefined) {
          self[field.attname] = related === null ? null : (related as { pk: unknown }).pk
          stateOf(this).related.set(field.name, related)
        } else {
          self[field.attname] = field.attname in values ? values[field.attname] : defaultFor(field)
        }
      } else {
        self[field.name] = field.name in values ? values[field.name] : defaultFor(field)
      }
    }
    for (const key of Object.keys(values)) {
      if (!known.has(key)) {
        throw new FieldError(
          `${model.meta.modelName} has no field ${JSON.stringify(key)} (fields: ${model.meta.concreteFields.map((f) => f.name).join(', ')})`,
        )
      }
    }
  }

  /** The primary key value. */
  get pk(): number | string | undefined {
    return (this as unknown as Record<string, number | string | undefined>)[
      metaOf(this).meta.pk.attname
    ]
  }

  /** INSERT when new (or when an UPDATE finds no row), UPDATE otherwise. */
  async save(
    options: { updateFields?: readonly string[]; using?: string; forceInsert?: boolean } = {},
  ): Promise<void> {
    const model = metaOf(this)
    const meta = model.meta
    const state = stateOf(this)
    const using = options.using ?? state.db
    const connection = getConnection(using)
    const backend = connection.backend
    const self = this as unknown as Record<string, unknown>
    await preSave.send({
      sender: model,
      instance: this,
      created: false,
      using,
      updateFields: options.updateFields,
    })
    const now = new Date()
    for (const field of meta.concreteFields) {
      if (field.options.autoNow || (state.adding && field.options.autoNowAdd)) {
        self[field.name] = field.kind === 'DateField' ? now.toISOString().slice(0, 10) : now
      }
    }
    const row = (fields: readonly FieldMeta[]): Record<string, unknown> =>
      Object.fromEntries(
        fields.map((field) => [
          field.column!,
          backend.toDb(
            field.relation ? 'IntegerField' : field.kind,
            self[field.attname],
            field.options,
          ),
        ]),
      )
    let created = false
    try {
      if (!state.adding && !options.forceInsert && this.pk !== undefined && this.pk !== null) {
        const names = options.updateFields
        const fields = meta.concreteFields.filter(
          (field) =>
            !field.primaryKey &&
            (!names || names.includes(field.name) || names.includes(field.attname)),
        )
        if (names) {
          const unknown = names.filter(
            (name) => !meta.concreteFields.some((f) => f.name === name || f.attname === name),
          )
          if (unknown.length)
            throw new FieldError(
              `updateFields names unknown fields of ${meta.modelName}: ${unknown.join(', ')}`,
            )
        }
        let updated = 1
        if (fields.length > 0) {
          const query = backend.kysely
            .updateTable(meta.dbTable)
            .set(row(fields))
            .where(meta.pk.column!, '=', this.pk)
            .compile()
          const result = await connection.execute(query)
          updated = Number(result.numAffectedRows ?? 0n)
        }
        if (updated === 0) {
          if (names)
            throw new QuerySetError(
              `save(updateFields) on ${meta.modelName} pk=${String(this.pk)} updated no row: it was deleted`,
            )
          await this.#insert(connection, row)
          created = true
        }
      } else {
        await this.#insert(connection, row)
        created = true
      }
    } catch (error) {
      throw await nameForeignKeyFailure(error, model, self, using)
    }
    state.adding = false
    state.db = using
    await postSave.send({
      sender: model,
      instance: this,
      created,
      using,
      updateFields: options.updateFields,
    })
  }

  async #insert(
    connection: ReturnType<typeof getConnection>,
    row: (fields: readonly FieldMeta[]) => Record<string, unknown>,
  ): Promise<void> {
    const meta = metaOf(this).meta
    const self = this as unknown as Record<string, unknown>
    const fields = meta.concreteFields.filter(
      (field) =>
        !(field.primaryKey && (self[field.attname] === undefined || self[field.attname] === null)),
    )
    const base = connection.backend.kysely.insertInto(meta.dbTable)
    const values = row(fields)
    const query = (Object.keys(values).length ? base.values(values) : base.defaultValues())
      .returning(meta.pk.column!)
      .compile()
    const result = await connection.execute<Record<string, unknown>>(query)
    self[meta.pk.attname] = result.rows[0]?.[meta.pk.column!]
  }

  /** Deletes this row (and what CASCADE takes with it); returns the number of rows deleted. */
  async delete(options: { using?: string } = {}): Promise<number> {
    const model = metaOf(this)
    if (this.pk === undefined || this.pk === null) {
      throw new QuerySetError(
        `${model.meta.modelName} object can't be deleted because its pk is unset: save it first`,
      )
    }
    const { deleteCollected } = await import('../query/deletion.ts')
    const count = await deleteCollected(model, [this.pk], options.using ?? stateOf(this).db)
    ;(this as unknown as Record<string, unknown>)[model.meta.pk.attname] = undefined
    stateOf(this).adding = true
    return count
  }

  /** Reloads fields (all, or `fields`) from the database; forgets loaded relations. */
  async refreshFromDb(options: { fields?: readonly string[]; using?: string } = {}): Promise<void> {
    const model = metaOf(this) as ModelRuntime & {
      objects: { using(alias: string): { getRow(pk: unknown): Promise<Record<string, unknown>> } }
    }
    const state = stateOf(this)
    const values = await model.objects.using(options.using ?? state.db).getRow(this.pk)
    const self = this as unknown as Record<string, unknown>
    for (const field of model.meta.concreteFields) {
      if (
        !options.fields ||
        options.fields.includes(field.name) ||
        options.fields.includes(field.attname)
      ) {
        self[field.attname] = values[field.attname]
        state.related.delete(field.name)
      }
    }
    if (!options.fields) for (const key of [...state.related.keys()]) state.related.delete(key)
  }

  /** Field validation, then unique checks against the database; throws ValidationError. */
  async fullClean(
    options: { exclude?: readonly string[]; validateUnique?: boolean; using?: string } = {},
  ): Promise<void> {
    const model = metaOf(this)
    const self = this as unknown as Record<string, unknown>
    const errors: Record<string, string[]> = {}
    for (const field of model.meta.concreteFields) {
      if (options.exclude?.includes(field.name)) continue
      const messages = validateField(field, self[field.attname])
      if (messages.length) errors[field.name] = messages
    }
    if (options.validateUnique !== false) {
      const objects = (
        model as unknown as {
          objects: {
            using(a: string): {
              filter(a: object): { exclude(a: object): { exists(): Promise<boolean> } }
            }
          }
        }
      ).objects.using(options.using ?? stateOf(this).db)
      const groups: string[][] = [
        ...model.meta.concreteFields
          .filter((f) => f.options.unique && !f.primaryKey)
          .map((f) => [f.name]),
        ...model.meta.uniqueTogether.map((g) => [...g]),
        ...model.meta.constraints.flatMap((c) => (c.type === 'unique' ? [[...c.fields]] : [])),
      ]
      for (const group of groups) {
        if (group.some((name) => errors[name] || options.exclude?.includes(name))) continue
        const lookup: Record<string, unknown> = {}
        for (const name of group) {
          const field = model.meta.byName.get(name)!
          lookup[field.attname] = self[field.attname]
        }
        if (Object.values(lookup).some((value) => value === null || value === undefined)) continue
        const exclude = this.pk === undefined || this.pk === null ? { pk__in: [] } : { pk: this.pk }
        if (await objects.filter(lookup).exclude(exclude).exists()) {
          const key = group.length === 1 ? group[0]! : '__all__'
          const label = group
            .map((name) => model.meta.byName.get(name)!.options.verboseName ?? name)
            .join(' and ')
          ;(errors[key] ??= []).push(`${model.meta.verboseName} with this ${label} already exists.`)
        }
      }
    }
    if (Object.keys(errors).length) throw new ValidationError(errors)
  }

  /** The URL from the model's `getAbsoluteUrl` option. */
  getAbsoluteUrl(): string {
    const model = metaOf(this)
    const build = model.meta.options.getAbsoluteUrl as ((instance: unknown) => string) | undefined
    if (!build)
      throw new QuerySetError(
        `${model.meta.modelName} has no getAbsoluteUrl: pass { getAbsoluteUrl: (obj) => ... } to defineModel`,
      )
    return build(this)
  }

  /** Loads (and caches) the target of a foreign key. */
  async getRelated(name: string): Promise<unknown> {
    const model = metaOf(this)
    const field = model.meta.byName.get(name)
    if (!field?.relation || field.relation.kind === 'ManyToManyField') {
      throw new FieldError(`${model.meta.modelName}.${name} is not a foreign key`)
    }
    const state = stateOf(this)
    if (state.related.has(name)) return state.related.get(name)
    const id = (this as unknown as Record<string, unknown>)[field.attname]
    const target = resolveTarget(model, field) as ModelRuntime & {
      objects: { using(a: string): { get(a: object): Promise<unknown> } }
    }
    const value =
      id === null || id === undefined ? null : await target.objects.using(state.db).get({ pk: id })
    state.related.set(name, value)
    return value
  }

  /** Column values by attname, for JSON. */
  toJSON(): Record<string, unknown> {
    const self = this as unknown as Record<string, unknown>
    return Object.fromEntries(
      metaOf(this)
        .meta.concreteFields.filter((f) => f.attname in self)
        .map((f) => [f.attname, self[f.attname]]),
    )
  }
}

/**
 * SQLite reports "FOREIGN KEY constraint failed" without naming it; find which FK of the row
 * points nowhere so IntegrityError.constraint is the same as on PostgreSQL's... naming scheme.
 */
async function nameForeignKeyFailure(
  error: unknown,
  model: ModelRuntime,
  values: Record<string, unknown>,
  using: string,
): Promise<unknown> {
  if (!(error instanceof IntegrityError) || error.constraint || !/FOREIGN KEY/i.test(error.message))
    return error
  const connection = getConnection(using)
  for (const field of model.meta.concreteFields) {
    const id = values[field.attname]
    if (!field.relation || id === null || id === undefined) continue
    const target = resolveTarget(model, field)
    const found = await connection.execute(
      sql`SELECT 1 FROM ${sql.table(target.meta.dbTable)} WHERE ${sql.ref(target.meta.pk.column!)} = ${id}`.compile(
        connection.backend.kysely,
      ),
    )
    if (found.rows.length === 0) {
      return new IntegrityError(
        `${error.message}: ${model.meta.modelName}.${field.name} = ${JSON.stringify(id)} has no ${target.meta.modelName}`,
        foreignKeyName(model.meta.dbTable, field.column!),
        error,
      )
    }
  }
  return error
}
