/**
 * @module The error every migrations step throws: a stable `code` (`migrations.E001`...) listed in
 * docs/migrations.md, and a message that names the migration, model or field at fault and the fix.
 */
import { DatabaseError } from '../errors.ts'

/** The migration codes and what each means (docs/migrations.md lists the same). */
export const migrationErrorCodes = {
  'migrations.E001': 'a migration file does not load or does not export a migration',
  'migrations.E002': 'a dependency names a migration that does not exist',
  'migrations.E003': 'the dependency graph has a cycle, or an app has two leaf migrations',
  'migrations.E004': 'an operation names a model or field the state does not have',
  'migrations.E005': 'an operation is irreversible and a rollback needs it',
  'migrations.E006': 'a non-null field needs a default and none was given',
  'migrations.E007': 'a migration failed while running (the database was rolled back)',
  'migrations.E008': 'an unknown app or migration name was asked for',
  'migrations.E009': 'the SQLite table rebuild left foreign keys pointing nowhere',
} as const

/** One of the codes in {@link migrationErrorCodes}. */
export type MigrationErrorCode = keyof typeof migrationErrorCodes

/**
 * A migrations failure.
 *
 * @example
 * ```ts
 * try { await migrate() } catch (e) { if (e instanceof MigrationError) console.error(e.code, e.message) }
 * ```
 */
export class MigrationError extends DatabaseError {
  /** What to do about it, for the command line's `hint:` line. */
  readonly hint: string
  constructor(
    code: MigrationErrorCode,
    message: string,
    options: { hint?: string; cause?: unknown } = {},
  ) {
    super(code, message, options.cause === undefined ? undefined : { cause: options.cause })
    this.hint = options.hint ?? ''
  }
}
