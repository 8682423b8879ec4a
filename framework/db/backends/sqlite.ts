/**
 * @module The SQLite backend on better-sqlite3: WAL journal, foreign keys on, a short busy
 * timeout (the ORM retries SQLITE_BUSY asynchronously, so no call blocks the event loop for long),
 * and a REGEXP function so the `regex` lookup works as on PostgreSQL.
 */
import Database from 'better-sqlite3'
import { Kysely, type CompiledQuery, type LogEvent, type QueryResult } from 'kysely'
import { IntegrityError } from '../errors.ts'
import type { FieldKind } from '../models/fields.ts'
import { findUnique } from '../schema/constraint-names.ts'
import type { Backend, ColumnField } from './backend.ts'
import { parseIsoDateTime } from './iso-datetime.ts'
import { DriverSqliteDialect, IdleRunSqliteDriver } from './sqlite-driver.ts'
import { cachingStatements } from './statement-cache.ts'

/** Options of {@link createSqliteBackend}. */
export interface SqliteOptions {
  /** A file path, or `:memory:`. */
  readonly filename: string
  /** Milliseconds SQLite itself waits on a lock before reporting SQLITE_BUSY (kept short). */
  readonly busyTimeoutMs?: number
  readonly log?: (event: LogEvent) => void
}

/**
 * Opens a SQLite database file and wraps it in a backend.
 *
 * @example
 * ```ts
 * const backend = createSqliteBackend({ filename: 'db.sqlite3' })
 * ```
 */
export function createSqliteBackend(options: SqliteOptions): Backend {
  const database = new Database(options.filename)
  // Why WAL: readers never wait for the writer, and two processes can share the file.
  if (options.filename !== ':memory:') database.pragma('journal_mode = WAL')
  database.pragma('foreign_keys = ON')
  database.pragma('synchronous = NORMAL')
  // Why short: better-sqlite3 waits synchronously, blocking the event loop; longer waits are
  // done by the ORM's async retry loop (see connection.ts).
  database.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 50}`)
  database.function('regexp', { deterministic: true }, (pattern: unknown, value: unknown) => {
    if (value === null || pattern === null) return null
    return new RegExp(String(pattern)).test(String(value)) ? 1 : 0
  })
  database.function('iregexp', { deterministic: true }, (pattern: unknown, value: unknown) => {
    if (value === null || pattern === null) return null
    return new RegExp(String(pattern), 'i').test(String(value)) ? 1 : 0
  })
  // Why the wrapper: kysely's driver prepares every query again (see statement-cache.ts).
  const statements = cachingStatements(database)
  const driver = new IdleRunSqliteDriver(statements)
  const kysely = new Kysely({
    dialect: new DriverSqliteDialect(driver, statements),
    ...(options.log ? { log: options.log } : {}),
  })
  return {
    vendor: 'sqlite',
    kysely,
    runIfIdle: (query, rowsAsArrays) => runIfIdle(driver, query, rowsAsArrays, options.log),
    beginSql: 'BEGIN IMMEDIATE',
    columnType,
    toDb,
    fromDb,
    translateError,
    isBusy: (error) => {
      const code = (error as { code?: unknown } | null)?.code
      return (
        typeof code === 'string' &&
        (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
      )
    },
    close: async () => {
      await kysely.destroy()
    },
  }
}

/** The driver's runIfIdle, reporting the query (or its error) to `log` as kysely's path does. */
function runIfIdle<R>(
  driver: IdleRunSqliteDriver,
  query: CompiledQuery,
  rowsAsArrays: boolean | undefined,
  log: ((event: LogEvent) => void) | undefined,
): QueryResult<R> | undefined {
  if (!log) return driver.runIfIdle<R>(query, rowsAsArrays)
  const started = performance.now()
  let result: QueryResult<R> | undefined
  try {
    result = driver.runIfIdle<R>(query, rowsAsArrays)
  } catch (error) {
    log({ level: 'error', error, query, queryDurationMillis: performance.now() - started })
    throw error
  }
  if (result) {
    const queryDurationMillis = performance.now() - started
    log({ level: 'query', isStream: false, query, queryDurationMillis })
  }
  return result
}

function columnType(field: ColumnField): string {
  const o = field.options
  switch (field.kind) {
    case 'AutoField':
    case 'BigAutoField':
      return 'integer'
    case 'CharField':
    case 'EmailField':
    case 'URLField':
    case 'SlugField':
      return `varchar(${Number(o.maxLength ?? 255)})`
    case 'TextField':
      return 'text'
    case 'IntegerField':
    case 'ForeignKey':
    case 'OneToOneField':
      return 'integer'
    case 'BigIntegerField':
    case 'DurationField':
      return 'bigint'
    case 'SmallIntegerField':
      return 'smallint'
    case 'FloatField':
      return 'real'
    case 'DecimalField':
      return `decimal(${Number(o.maxDigits)}, ${Number(o.decimalPlaces)})`
    case 'BooleanField':
      return 'bool'
    case 'DateField':
      return 'date'
    case 'DateTimeField':
      return 'datetime'
    case 'TimeField':
      return 'time'
    case 'UUIDField':
      return 'char(36)'
    case 'JSONField':
      return 'text'
    case 'BinaryField':
      return 'blob'
    case 'ManyToManyField':
      throw new Error('ManyToManyField has no column')
  }
}

function toDb(kind: FieldKind, value: unknown): unknown {
  if (value === null || value === undefined) return null
  switch (kind) {
    case 'BooleanField':
      return value ? 1 : 0
    case 'DateTimeField':
      // Why ISO with Z: sorts as text, and SQLite's date functions read it.
      return value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString()
    case 'JSONField':
      return JSON.stringify(value)
    case 'DecimalField':
      return String(value)
    case 'BinaryField':
      return Buffer.from(value as Uint8Array)
    default:
      return value
  }
}

function fromDb(
  kind: FieldKind,
  value: unknown,
  options?: Readonly<Record<string, unknown>>,
): unknown {
  if (value === null || value === undefined) return null
  switch (kind) {
    case 'BooleanField':
      return Boolean(value)
    case 'DateTimeField':
      return typeof value === 'string' ? parseIsoDateTime(value) : new Date(String(value))
    case 'JSONField':
      return typeof value === 'string' ? JSON.parse(value) : value
    case 'DecimalField':
      return Number(value).toFixed(Number(options?.decimalPlaces ?? 2))
    case 'BigIntegerField':
    case 'DurationField':
      return Number(value)
    default:
      return value
  }
}

/** SQLite error messages name columns (UNIQUE) or the constraint (CHECK); FKs get the name from the caller. */
function translateError(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code
  if (typeof code !== 'string' || !code.startsWith('SQLITE_CONSTRAINT')) return error
  const message = (error as Error).message
  let constraint: string | undefined
  const unique = /UNIQUE constraint failed: (.+)$/.exec(message)
  if (unique?.[1]) {
    const parts = unique[1].split(', ').map((part) => part.split('.'))
    const table = parts[0]?.[0] ?? ''
    const columns = parts.map((part) => part[1] ?? '')
    constraint = findUnique(table, columns)
    if (!constraint && columns.length === 1 && columns[0] === 'id') constraint = `${table}_pkey`
  }
  const check = /CHECK constraint failed: (\w+)/.exec(message)
  if (check?.[1]) constraint = check[1]
  return new IntegrityError(
    `${message} (SQLite; fix the data or the constraint)`,
    constraint,
    error,
  )
}
