/**
 * @module The schema editor: CREATE TABLE / DROP TABLE from a model's *state* (not the model
 * class), per backend, so the migrations executor can replay states that no longer match the
 * code. Every constraint and index gets a deterministic name (constraint-names.ts), which is
 * what IntegrityError.constraint reports on both backends.
 */
import { sql } from 'kysely'
import { getConnection, type Connection } from '../connection/connections.ts'
import { ModelDefinitionError } from '../errors.ts'
import type { AnyModelClass } from '../models/define-model.ts'
import type { ModelRuntime } from '../models/model-meta.ts'
import { modelState, type FieldState, type ModelState } from '../models/model-state.ts'
import {
  foreignKeyName,
  indexName,
  registerUnique,
  uniqueConstraintName,
} from './constraint-names.ts'

/** Finds the state of a related model by label (`polls.Question`). */
export type StateResolver = (label: string) => ModelState

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`
}

function columnOf(state: ModelState, fieldName: string): string {
  const field = state.fields.find((f) => f.name === fieldName)
  if (!field?.column)
    throw new ModelDefinitionError(`${state.name} has no column field ${JSON.stringify(fieldName)}`)
  return field.column
}

/** The unique constraints of a state: unique fields, uniqueTogether, Meta unique constraints. */
export function uniqueConstraints(state: ModelState): { name: string; columns: string[] }[] {
  const out: { name: string; columns: string[] }[] = []
  for (const field of state.fields) {
    if (field.options.unique && !field.options.primaryKey && field.column) {
      out.push({
        name: uniqueConstraintName(state.dbTable, [field.column]),
        columns: [field.column],
      })
    }
  }
  for (const group of state.options.uniqueTogether) {
    const columns = group.map((name) => columnOf(state, name))
    out.push({ name: uniqueConstraintName(state.dbTable, columns), columns })
  }
  for (const constraint of state.constraints) {
    if (constraint.type === 'unique') {
      const columns = (constraint.fields as string[]).map((name) => columnOf(state, name))
      out.push({ name: String(constraint.name), columns })
    }
  }
  return out
}

/** Records a state's unique constraints so SQLite failures can be named (see constraint-names.ts). */
export function registerConstraints(state: ModelState): void {
  for (const unique of uniqueConstraints(state))
    registerUnique(state.dbTable, unique.columns, unique.name)
}

/**
 * Creates and drops tables for model states on one database alias.
 *
 * @example
 * ```ts
 * const editor = new SchemaEditor('default')
 * for (const statement of editor.createTableSql(Question.toState(), resolve)) console.log(statement)
 * await editor.createModel(Question.toState(), resolve)
 * ```
 */
export class SchemaEditor {
  readonly #connection: Connection

  constructor(using = 'default') {
    this.#connection = getConnection(using)
  }

  #columnSql(field: FieldState, resolve: StateResolver): string {
    const backend = this.#connection.backend
    const type = backend.columnType({ kind: field.type as never, options: field.options })
    const parts = [quote(field.column!), type]
    if (field.options.primaryKey) {
      parts.push('NOT NULL PRIMARY KEY')
      if (
        backend.vendor === 'sqlite' &&
        (field.type === 'AutoField' || field.type === 'BigAutoField')
      )
        parts.push('AUTOINCREMENT')
    } else {
      parts.push(field.options.null === true ? 'NULL' : 'NOT NULL')
    }
    if (field.type === 'JSONField' && backend.vendor === 'sqlite')
      parts.push(`CHECK (${quote(field.column!)} IS NULL OR json_valid(${quote(field.column!)}))`)
    void resolve
    return parts.join(' ')
  }

  /** The statements that create a model's table and its indexes. */
  createTableSql(state: ModelState, resolve: StateResolver): string[] {
    const table = state.dbTable
    const lines: string[] = []
    const indexes: string[] = []
    for (const field of state.fields) {
      if (!field.column) continue
      lines.push(this.#columnSql(field, resolve))
    }
    for (const unique of uniqueConstraints(state)) {
      lines.push(
        `CONSTRAINT ${quote(unique.name)} UNIQUE (${unique.columns.map(quote).join(', ')})`,
      )
    }
    for (const field of state.fields) {
      if (!field.column || !field.relation || field.relation.kind === 'ManyToManyField') continue
      const target =
        field.relation.to === `${state.appLabel}.${state.name}` ? state : resolve(field.relation.to)
      const targetPk = target.fields.find((f) => f.options.primaryKey)!
      lines.push(
        `CONSTRAINT ${quote(foreignKeyName(table, field.column))} FOREIGN KEY (${quote(field.column)}) REFERENCES ${quote(target.dbTable)} (${quote(targetPk.column!)})`,
      )
      if (!field.options.unique)
        indexes.push(
          `CREATE INDEX ${quote(indexName(table, [field.column]))} ON ${quote(table)} (${quote(field.column)})`,
        )
    }
    for (const constraint of state.constraints) {
      if (constraint.type === 'check')
        lines.push(
          `CONSTRAINT ${quote(String(constraint.name))} CHECK (${String(constraint.check)})`,
        )
    }
    for (const field of state.fields) {
      if (
        field.column &&
        field.options.dbIndex &&
        !field.options.unique &&
        !field.options.primaryKey &&
        !field.relation
      ) {
        indexes.push(
          `CREATE INDEX ${quote(indexName(table, [field.column]))} ON ${quote(table)} (${quote(field.column)})`,
        )
      }
    }
    for (const index of state.indexes) {
      const columns = index.fields.map((name) => {
        const descending = name.startsWith('-')
        return `${quote(columnOf(state, descending ? name.slice(1) : name))}${descending ? ' DESC' : ''}`
      })
      const name =
        index.name ??
        indexName(
          table,
          index.fields.map((name) => columnOf(state, name.replace(/^-/, ''))),
        )
      indexes.push(`CREATE INDEX ${quote(name)} ON ${quote(table)} (${columns.join(', ')})`)
    }
    return [`CREATE TABLE ${quote(table)} (\n  ${lines.join(',\n  ')}\n)`, ...indexes]
  }

  /** Creates the table of a model state. */
  async createModel(state: ModelState, resolve: StateResolver): Promise<void> {
    registerConstraints(state)
    for (const statement of this.createTableSql(state, resolve)) {
      await this.#connection.execute(sql.raw(statement).compile(this.#connection.backend.kysely))
    }
  }

  /** Drops the table of a model state (CASCADE on PostgreSQL, so FKs from other tables go too). */
  async deleteModel(state: ModelState): Promise<void> {
    const cascade = this.#connection.vendor === 'postgresql' ? ' CASCADE' : ''
    await this.#connection.execute(
      sql
        .raw(`DROP TABLE IF EXISTS ${quote(state.dbTable)}${cascade}`)
        .compile(this.#connection.backend.kysely),
    )
  }
}

function resolverFor(models: readonly ModelRuntime[]): StateResolver {
  return (label) => {
    const model = models.find((m) => m.meta.label === label)
    if (!model)
      throw new ModelDefinitionError(
        `Model ${label} is referenced but was not passed to createTables(); include it`,
      )
    return modelState(model)
  }
}

/**
 * Creates the tables of `models` (and their auto-created many-to-many tables) in dependency
 * order: what the tests use until migrations exist.
 *
 * @example
 * ```ts
 * await createTables([Question, Choice])
 * ```
 */
export async function createTables(
  declared: readonly AnyModelClass[] | readonly ModelRuntime[],
  options: { using?: string } = {},
): Promise<void> {
  const { throughModels } = await import('../models/define-model.ts')
  const models = declared as readonly ModelRuntime[]
  const all = [...models, ...models.flatMap((model) => throughModels(model))]
  const editor = new SchemaEditor(options.using)
  const resolve = resolverFor(all)
  const done = new Set<string>()
  const pending = [...all]
  while (pending.length) {
    const index = pending.findIndex((model) =>
      modelState(model).fields.every(
        (field) =>
          !field.relation ||
          field.relation.kind === 'ManyToManyField' ||
          field.relation.to === model.meta.label ||
          done.has(field.relation.to),
      ),
    )
    if (index === -1)
      throw new ModelDefinitionError(
        `Circular foreign keys between ${pending.map((m) => m.meta.label).join(', ')}: createTables() cannot order them`,
      )
    const [model] = pending.splice(index, 1)
    await editor.createModel(modelState(model!), resolve)
    done.add(model!.meta.label)
  }
}

/** Drops the tables of `models` and their auto-created many-to-many tables. */
export async function dropTables(
  declared: readonly AnyModelClass[] | readonly ModelRuntime[],
  options: { using?: string } = {},
): Promise<void> {
  const { throughModels } = await import('../models/define-model.ts')
  const models = declared as readonly ModelRuntime[]
  const all = [...models, ...models.flatMap((model) => throughModels(model))].reverse()
  const editor = new SchemaEditor(options.using)
  for (const model of all) await editor.deleteModel(modelState(model))
}
