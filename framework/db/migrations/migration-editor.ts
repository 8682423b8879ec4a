/**
 * @module The schema editor the migration operations drive: create, drop and alter tables given
 * the model's state before and after. PostgreSQL alters in place (ALTER TABLE); SQLite, whose
 * ALTER TABLE cannot change a column or a constraint, rebuilds the table: create the new one,
 * copy the rows, drop the old one, rename, recreate the indexes (sqlite.org/lang_altertable.html,
 * "making other kinds of table schema changes"). The executor runs all of it inside the
 * migration's transaction with foreign keys off, then checks them.
 *
 * In collect mode (sqlmigrate) statements are recorded instead of run.
 */
import { sql } from 'kysely'
import { getConnection, type Connection } from '../connection/connections.ts'
import type { FieldState, ModelState } from '../models/model-state.ts'
import { registerConstraints, SchemaEditor } from '../schema/schema-editor.ts'
import type { ProjectState } from './project-state.ts'
import { autoThroughState, labelOf } from './project-state.ts'
import { artefactsOf, columnDefinition, quote, type Artefact } from './schema-artefacts.ts'
import { sqlLiteral } from './sql-literal.ts'
import { MigrationError } from './migration-error.ts'

/** How the rows of the old table fill the new one. */
export interface AlterOptions {
  /** New field name → old field name, for renamed fields (the rest match by name). */
  readonly renamed?: ReadonlyMap<string, string>
  /** Field name → value for rows that have none yet (added non-null fields, null → not null). */
  readonly fill?: ReadonlyMap<string, unknown>
}

/** Runs (or records) the DDL of migration operations on one database alias. */
export class MigrationEditor {
  readonly connection: Connection
  readonly #tables: SchemaEditor
  readonly #collect: boolean
  /** Every statement run or recorded, in order. */
  readonly statements: string[] = []

  constructor(using = 'default', options: { collect?: boolean } = {}) {
    this.connection = getConnection(using)
    this.#tables = new SchemaEditor(using)
    this.#collect = options.collect === true
  }

  /** True for sqlmigrate: statements are recorded, not run. */
  get collecting(): boolean {
    return this.#collect
  }

  get vendor(): 'sqlite' | 'postgresql' {
    return this.connection.vendor
  }

  /** Runs one statement (or records it in collect mode). */
  async execute(statement: string): Promise<void> {
    this.statements.push(statement)
    if (this.#collect) return
    await this.connection.execute(sql.raw(statement).compile(this.connection.backend.kysely))
  }

  /** Runs a query and returns its rows (nothing in collect mode). */
  async query(statement: string): Promise<Record<string, unknown>[]> {
    if (this.#collect) return []
    const result = await this.connection.execute(
      sql.raw(statement).compile(this.connection.backend.kysely),
    )
    return result.rows
  }

  /** CREATE TABLE for a model and its auto-created many-to-many tables. */
  async createModel(model: ModelState, state: ProjectState): Promise<void> {
    const resolve = state.resolver()
    registerConstraints(model)
    for (const statement of this.#tables.createTableSql(model, resolve))
      await this.execute(statement)
    for (const field of model.fields) {
      if (field.relation?.kind === 'ManyToManyField' && !field.relation.through)
        await this.createModel(this.#throughOf(model, field, state), state)
    }
  }

  /** DROP TABLE for a model and its auto-created many-to-many tables. */
  async deleteModel(model: ModelState, state: ProjectState): Promise<void> {
    for (const field of model.fields) {
      if (field.relation?.kind === 'ManyToManyField' && !field.relation.through)
        await this.deleteModel(this.#throughOf(model, field, state), state)
    }
    const cascade = this.vendor === 'postgresql' ? ' CASCADE' : ''
    await this.execute(`DROP TABLE ${quote(model.dbTable)}${cascade}`)
  }

  #throughOf(model: ModelState, field: FieldState, state: ProjectState): ModelState {
    const to = field.relation!.to
    return autoThroughState(model, field, to === labelOf(model) ? model : state.get(to))
  }

  /**
   * Takes a model's table from `before` (in `fromState`) to `after` (in `toState`): table name,
   * columns, constraints, indexes and auto-created many-to-many tables.
   */
  async alterModel(
    before: ModelState,
    after: ModelState,
    fromState: ProjectState,
    toState: ProjectState,
    options: AlterOptions = {},
  ): Promise<void> {
    const oldName = (field: FieldState): string => options.renamed?.get(field.name) ?? field.name
    if (before.dbTable !== after.dbTable)
      await this.execute(`ALTER TABLE ${quote(before.dbTable)} RENAME TO ${quote(after.dbTable)}`)
    registerConstraints(after)
    if (this.vendor === 'postgresql')
      await this.#alterInPlace(before, after, fromState, toState, options, oldName)
    else await this.#alterByRebuild(before, after, fromState, toState, options, oldName)
    // The many-to-many tables: matched by field (renames included), rows kept by position.
    const manyBefore = new Map(
      before.fields
        .filter((f) => f.relation?.kind === 'ManyToManyField' && !f.relation.through)
        .map((f) => [f.name, f]),
    )
    for (const field of after.fields) {
      if (field.relation?.kind !== 'ManyToManyField' || field.relation.through) continue
      const previous = manyBefore.get(oldName(field))
      manyBefore.delete(oldName(field))
      const throughAfter = this.#throughOf(after, field, toState)
      if (!previous) {
        await this.createModel(throughAfter, toState)
        continue
      }
      const throughBefore = this.#throughOf(before, previous, fromState)
      const renamed = new Map(
        throughAfter.fields.map((f, i) => [f.name, throughBefore.fields[i]!.name]),
      )
      await this.alterModel(throughBefore, throughAfter, fromState, toState, { renamed })
    }
    for (const field of manyBefore.values())
      await this.deleteModel(this.#throughOf(before, field, fromState), fromState)
  }

  async #alterInPlace(
    before: ModelState,
    after: ModelState,
    fromState: ProjectState,
    toState: ProjectState,
    options: AlterOptions,
    oldName: (field: FieldState) => string,
  ): Promise<void> {
    const backend = this.connection.backend
    const table = quote(after.dbTable)
    const oldArtefacts = artefactsOf(before, fromState.resolver(), this.#tables)
    const newArtefacts = artefactsOf(after, toState.resolver(), this.#tables)
    const same = (a: Artefact, list: Artefact[]): boolean =>
      list.some((b) => b.name === a.name && b.create === a.create)
    const fromRenamed = before.dbTable !== after.dbTable
    for (const artefact of oldArtefacts) {
      // Why drop on rename too: names carry the table name, and the new ones get created below.
      if (fromRenamed || !same(artefact, newArtefacts))
        await this.execute(artefact.drop(after.dbTable))
    }
    const beforeColumns = new Map(before.fields.filter((f) => f.column).map((f) => [f.name, f]))
    const kept = new Set<string>()
    for (const field of after.fields) {
      if (!field.column) continue
      const previous = beforeColumns.get(oldName(field))
      if (!previous) continue
      kept.add(previous.name)
      if (previous.column !== field.column)
        await this.execute(
          `ALTER TABLE ${table} RENAME COLUMN ${quote(previous.column!)} TO ${quote(field.column)}`,
        )
    }
    for (const field of before.fields) {
      if (field.column && !kept.has(field.name))
        await this.execute(`ALTER TABLE ${table} DROP COLUMN ${quote(field.column)}`)
    }
    for (const field of after.fields) {
      if (!field.column) continue
      const previous = beforeColumns.get(oldName(field))
      const column = quote(field.column)
      if (!previous) {
        const fill = this.#fillValue(field, options)
        const defaultSql = fill === undefined ? undefined : sqlLiteral(fill, field, 'postgresql')
        await this.execute(
          `ALTER TABLE ${table} ADD COLUMN ${columnDefinition(backend, field, defaultSql === undefined ? {} : { defaultSql })}`,
        )
        // Why drop it again: the default only fills existing rows; the ORM supplies values after.
        if (defaultSql !== undefined)
          await this.execute(`ALTER TABLE ${table} ALTER COLUMN ${column} DROP DEFAULT`)
        continue
      }
      const auto = (f: FieldState): boolean => f.type === 'AutoField' || f.type === 'BigAutoField'
      const oldType = backend.columnType({
        kind: previous.type as never,
        options: previous.options,
      })
      const newType = backend.columnType({ kind: field.type as never, options: field.options })
      if (oldType !== newType && !auto(previous) && !auto(field))
        await this.execute(
          `ALTER TABLE ${table} ALTER COLUMN ${column} TYPE ${newType} USING ${column}::${newType}`,
        )
      const wasNull = previous.options.null === true
      const isNull = field.options.null === true
      if (wasNull && !isNull && !field.options.primaryKey) {
        const fill = options.fill?.get(field.name)
        if (fill !== undefined)
          await this.execute(
            `UPDATE ${table} SET ${column} = ${sqlLiteral(fill, field, 'postgresql')} WHERE ${column} IS NULL`,
          )
        await this.execute(`ALTER TABLE ${table} ALTER COLUMN ${column} SET NOT NULL`)
      } else if (!wasNull && isNull) {
        await this.execute(`ALTER TABLE ${table} ALTER COLUMN ${column} DROP NOT NULL`)
      }
    }
    for (const artefact of newArtefacts) {
      if (fromRenamed || !same(artefact, oldArtefacts)) await this.execute(artefact.create)
    }
  }

  /** The value rows get for a field they did not have: a one-off value, else the field's default. */
  #fillValue(field: FieldState, options: AlterOptions): unknown {
    if (options.fill?.has(field.name)) return options.fill.get(field.name)
    if ('default' in field.options && field.options.default !== undefined)
      return field.options.default
    return undefined
  }

  async #alterByRebuild(
    before: ModelState,
    after: ModelState,
    fromState: ProjectState,
    toState: ProjectState,
    options: AlterOptions,
    oldName: (field: FieldState) => string,
  ): Promise<void> {
    const beforeAsRenamed = { ...before, dbTable: after.dbTable }
    const [oldTable, ...oldIndexes] = this.#tables.createTableSql(
      beforeAsRenamed,
      fromState.resolver(),
    )
    const [newTable, ...newIndexes] = this.#tables.createTableSql(after, toState.resolver())
    if (oldTable === newTable) {
      // Only indexes changed: SQLite can drop and create those in place.
      for (const statement of oldIndexes)
        if (!newIndexes.includes(statement))
          await this.execute(`DROP INDEX IF EXISTS ${indexNameOf(statement)}`)
      for (const statement of newIndexes)
        if (!oldIndexes.includes(statement)) await this.execute(statement)
      return
    }
    const table = after.dbTable
    const temporary = `${table}__new`
    const beforeColumns = new Map(before.fields.filter((f) => f.column).map((f) => [f.name, f]))
    const columns: string[] = []
    const values: string[] = []
    for (const field of after.fields) {
      if (!field.column) continue
      const previous = beforeColumns.get(oldName(field))
      const fill = previous ? options.fill?.get(field.name) : this.#fillValue(field, options)
      const literal = fill === undefined ? undefined : sqlLiteral(fill, field, 'sqlite')
      columns.push(quote(field.column))
      if (previous && literal !== undefined)
        values.push(`COALESCE(${quote(previous.column!)}, ${literal})`)
      else if (previous) values.push(quote(previous.column!))
      else if (literal !== undefined) values.push(literal)
      else if (field.options.null === true) values.push('NULL')
      else {
        // A non-null column without a value can only be added to an empty table.
        const rows = await this.query(`SELECT 1 AS one FROM ${quote(table)} LIMIT 1`)
        if (rows.length)
          throw new MigrationError(
            'migrations.E006',
            `Cannot add non-null field ${labelOf(after)}.${field.name} without a default: table ${table} has rows`,
            {
              hint: `give the field a default, or run makemigrations with --default ${field.name}=VALUE`,
            },
          )
        values.push('NULL')
      }
    }
    await this.execute(
      newTable!.replace(/^CREATE TABLE "(?:[^"]|"")+"/, `CREATE TABLE ${quote(temporary)}`),
    )
    await this.execute(
      `INSERT INTO ${quote(temporary)} (${columns.join(', ')}) SELECT ${values.join(', ')} FROM ${quote(table)}`,
    )
    await this.execute(`DROP TABLE ${quote(table)}`)
    await this.execute(`ALTER TABLE ${quote(temporary)} RENAME TO ${quote(table)}`)
    for (const statement of newIndexes) await this.execute(statement)
    const broken = await this.query(`PRAGMA foreign_key_check(${quote(table)})`)
    if (broken.length) {
      throw new MigrationError(
        'migrations.E009',
        `Rebuilding table ${table} left ${broken.length} row(s) whose foreign keys point nowhere (first: ${JSON.stringify(broken[0])})`,
        {
          hint: 'fix or delete those rows in a data migration (migrations.runSql / runCode) before this one',
        },
      )
    }
  }
}

function indexNameOf(statement: string): string {
  return /^CREATE INDEX ("(?:[^"]|"")+")/.exec(statement)![1]!
}
