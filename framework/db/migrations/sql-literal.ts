/**
 * @module A value as an SQL literal, for DDL (ADD COLUMN ... DEFAULT, the SQLite rebuild's
 * INSERT ... SELECT): DDL statements take no bound parameters on PostgreSQL.
 */
import type { Vendor } from '../backends/backend.ts'
import type { FieldState } from '../models/model-state.ts'
import { MigrationError } from './migration-error.ts'

function text(value: string): string {
  return `'${value.replace(/'/g, "''")}'`
}

/**
 * The literal for `value` stored in `field` on `vendor`.
 *
 * @example
 * ```ts
 * sqlLiteral(true, { type: 'BooleanField', ... }, 'sqlite') // '1'
 * sqlLiteral("it's", { type: 'CharField', ... }, 'postgresql') // "'it''s'"
 * ```
 */
export function sqlLiteral(value: unknown, field: FieldState, vendor: Vendor): string {
  if (value === null || value === undefined) return 'NULL'
  if (field.type === 'JSONField') return text(JSON.stringify(value))
  if (value && typeof value === 'object' && 'callable' in value) {
    throw new MigrationError(
      'migrations.E006',
      `Field ${field.name} has a callable default (${String((value as { callable: unknown }).callable)}), which cannot fill existing rows`,
      {
        hint: `give a one-off value: makemigrations --default ${field.name}=VALUE, or oneOffDefault in the operation`,
      },
    )
  }
  if (typeof value === 'boolean')
    return vendor === 'sqlite' ? (value ? '1' : '0') : value ? 'TRUE' : 'FALSE'
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      throw new MigrationError(
        'migrations.E006',
        `Field ${field.name}: default ${value} is not a finite number`,
      )
    return String(value)
  }
  if (typeof value === 'string') return text(value)
  if (value instanceof Date) return text(value.toISOString())
  return text(JSON.stringify(value))
}
