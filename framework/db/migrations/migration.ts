/**
 * @module A migration: the operations of one numbered file of an app's migrations/ folder and the
 * migrations it depends on. Files build it with `migrations.define()` and export it as default.
 */
import type { Operation } from './operations/operation.ts'

/** `[app, migration name]`, e.g. `['auth', '0001_initial']`. */
export type MigrationKey = readonly [app: string, name: string]

/** What a migration file declares. */
export interface MigrationDefinition {
  /** Migrations that must be applied first (the previous one of the same app included). */
  readonly dependencies?: readonly MigrationKey[]
  readonly operations: readonly Operation[]
  /** Run without a transaction (PostgreSQL statements such as CREATE INDEX CONCURRENTLY). */
  readonly atomic?: boolean
  /** The migrations this one squashes (squashmigrations writes it; see replacements.ts). */
  readonly replaces?: readonly MigrationKey[]
}

/** A loaded migration: its definition, app and name. */
export interface Migration {
  readonly app: string
  readonly name: string
  /** The file it was loaded from ('' for migrations built in code). */
  readonly file: string
  readonly dependencies: readonly MigrationKey[]
  readonly operations: readonly Operation[]
  readonly atomic: boolean
  /** The migrations this one squashes ([] for an ordinary one). */
  readonly replaces: readonly MigrationKey[]
}

const brand = Symbol.for('framework.migration')

/** A migration file's default export, before the loader names it. */
export interface DefinedMigration extends MigrationDefinition {
  readonly [brand]: true
}

/**
 * Declares a migration. The file name gives its name; the folder, its app.
 *
 * @example
 * ```ts
 * import { fields, migrations } from 'framework/db'
 *
 * export default migrations.define({
 *   dependencies: [['polls', '0001_initial']],
 *   operations: [
 *     migrations.addField({ model: 'Choice', name: 'votes', field: fields.integer({ default: 0 }) }),
 *   ],
 * })
 * ```
 */
export function define(definition: MigrationDefinition): DefinedMigration {
  return { ...definition, [brand]: true }
}

/** Whether a module export is a migration made by define() (by brand, so copies of the framework agree). */
export function isDefinedMigration(value: unknown): value is DefinedMigration {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[brand] === true
  )
}

/** `app.name`, the key of a migration in the graph. */
export function migrationKey(app: string, name: string): string {
  return `${app}.${name}`
}

/**
 * A function that stands for a callable default in a migration file (`default: Date.now` in
 * the model). Migrations never call it; it keeps the field's state equal to the model's.
 *
 * @example
 * ```ts
 * fields.dateTime({ default: migrations.callable('now') })
 * ```
 */
export function callable(name: string): () => never {
  const fn = (): never => {
    throw new Error(
      `migrations.callable(${JSON.stringify(name)}) stands for a model's default and is never called`,
    )
  }
  Object.defineProperty(fn, 'name', { value: name })
  return fn
}
