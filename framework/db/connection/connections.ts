/**
 * @module The connections registry: DATABASES aliases to backends, opened on first use. Every ORM
 * query goes through `Connection.execute`, which routes it to the current transaction (if any),
 * retries SQLITE_BUSY outside transactions without blocking the event loop, and turns driver
 * errors into IntegrityError.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import type { CompiledQuery, Kysely, LogEvent, QueryResult } from 'kysely'
import type { Settings } from '../../conf/index.ts'
import type { Backend, Vendor } from '../backends/backend.ts'
import { createPostgresBackend } from '../backends/postgres.ts'
import { createSqliteBackend } from '../backends/sqlite.ts'
import { ConnectionError, DatabaseError } from '../errors.ts'
import { parseDatabaseUrl } from './parse-database-url.ts'
import { emitQuery } from './query-events.ts'

/** One DATABASES entry: the settings shape (`{ URL }`) or a bare URL string. */
export type DatabaseConfig = { readonly URL: string } | string

/** The DATABASES setting (framework/conf's shape), or a plain alias → URL map. */
export type DatabasesConfig = Settings['DATABASES'] | Readonly<Record<string, DatabaseConfig>>

/** Per-alias transaction state, kept in AsyncLocalStorage so concurrent requests never mix. */
export interface TransactionState {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly db: Kysely<any>
  savepoints: number
  onCommit: (() => unknown)[]
}

/** Internal: the transactions active in the current async context, by alias. */
export const transactionStorage = new AsyncLocalStorage<ReadonlyMap<string, TransactionState>>()

/** How long a statement may wait for a busy SQLite database in total before failing. */
const BUSY_DEADLINE_MS = 30_000

/** A database alias: its backend (opened lazily) and the query path. */
export class Connection {
  readonly alias: string
  readonly url: string
  #backend: Backend | undefined
  #vendor: Vendor | undefined

  constructor(alias: string, url: string) {
    this.alias = alias
    this.url = url
  }

  /** The backend, opened on first use. */
  get backend(): Backend {
    if (!this.#backend) {
      const target = parseDatabaseUrl(this.url)
      const log = (event: LogEvent): void => {
        emitQuery({
          alias: this.alias,
          sql: event.query.sql,
          parameters: event.query.parameters,
          durationMs: event.queryDurationMillis,
        })
      }
      try {
        this.#backend =
          target.vendor === 'sqlite'
            ? createSqliteBackend({ filename: target.filename, log })
            : createPostgresBackend({ url: target.url, log })
      } catch (cause) {
        throw new ConnectionError(
          `Cannot open database ${JSON.stringify(this.alias)} at ${JSON.stringify(this.url)}: ${String(cause)}`,
          {
            cause,
          },
        )
      }
    }
    return this.#backend
  }

  /** Parsed once: the QuerySet asks on every query, and a PostgreSQL URL is parsed by new URL(). */
  get vendor(): Vendor {
    return (this.#vendor ??= parseDatabaseUrl(this.url).vendor)
  }

  /** The transaction state of this alias in the current async context, if inside `atomic()`. */
  get transaction(): TransactionState | undefined {
    return transactionStorage.getStore()?.get(this.alias)
  }

  /** The kysely instance queries should run on: the transaction's connection, or the pool. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  executor(): Kysely<any> {
    return this.transaction?.db ?? this.backend.kysely
  }

  /**
   * Runs a compiled query. Outside a transaction a busy SQLite database is retried with an async
   * back-off (bounded); inside one, BEGIN IMMEDIATE already holds the write lock.
   */
  async execute<R = Record<string, unknown>>(query: CompiledQuery): Promise<QueryResult<R>> {
    return this.#execute<R>(query, false)
  }

  /**
   * Runs a SELECT like execute(), each row an array of its column values in select-list order:
   * what SQLite builds fastest (the QuerySet's hydration reads columns by position). Select-list
   * names must be distinct and not integer-like: where rows come from kysely as objects (in a
   * transaction, on PostgreSQL) the arrays are built from their keys' order.
   */
  async selectArrays(query: CompiledQuery): Promise<unknown[][]> {
    return (await this.#execute<unknown[]>(query, true)).rows
  }

  async #execute<R>(query: CompiledQuery, rowsAsArrays: boolean): Promise<QueryResult<R>> {
    const backend = this.backend
    const transaction = this.transaction
    const db = transaction?.db ?? backend.kysely
    const started = Date.now()
    for (let attempt = 0; ; attempt++) {
      try {
        // Outside a transaction, an idle SQLite connection runs the query synchronously.
        const now = transaction ? undefined : backend.runIfIdle?.<R>(query, rowsAsArrays)
        if (now) return now
        const result = await db.executeQuery<R>(query)
        return rowsAsArrays ? asArrayRows(result) : result
      } catch (error) {
        if (backend.isBusy(error) && !transaction && Date.now() - started < BUSY_DEADLINE_MS) {
          await sleep(Math.min(100, 2 + attempt * 3) + Math.random() * 5)
          continue
        }
        throw this.translate(error)
      }
    }
  }

  /** A driver error as the ORM's error (IntegrityError keeps the constraint name). */
  translate(error: unknown): unknown {
    if (error instanceof DatabaseError) return error
    const translated = this.backend.translateError(error)
    if (this.backend.isBusy(translated)) {
      return new DatabaseError(
        'db.E012',
        `Database ${JSON.stringify(this.alias)} stayed locked for ${BUSY_DEADLINE_MS} ms: a transaction is holding it too long`,
        {
          cause: error,
        },
      )
    }
    return translated
  }

  /** Closes the backend (the next use reopens it). */
  async close(): Promise<void> {
    const backend = this.#backend
    this.#backend = undefined
    await backend?.close()
  }
}

/** kysely's object rows as arrays (object keys keep select-list order: names are not indices). */
function asArrayRows<R>(result: QueryResult<R>): QueryResult<R> {
  return { ...result, rows: result.rows.map((row) => Object.values(row as object)) as R[] }
}

const registry = new Map<string, Connection>()

/**
 * Declares the databases, by alias. Call it once at startup with `settings.DATABASES`;
 * connections open on first use. Reconfiguring an alias closes its previous connection.
 *
 * @example
 * ```ts
 * configureDatabases({ default: { URL: 'sqlite:db.sqlite3' } })
 * configureDatabases({ default: 'postgres://postgres@127.0.0.1:5432/test' })
 * ```
 */
export async function configureDatabases(databases: DatabasesConfig): Promise<void> {
  for (const [alias, config] of Object.entries(databases)) {
    const url = typeof config === 'string' ? config : config.URL
    parseDatabaseUrl(url)
    await registry.get(alias)?.close()
    registry.set(alias, new Connection(alias, url))
  }
}

/**
 * The connection of an alias (default: `'default'`, which falls back to `sqlite:db.sqlite3`
 * when nothing was configured, like the DATABASES default).
 *
 * @example
 * ```ts
 * const rows = await getConnection().backend.kysely.selectFrom('polls_question').selectAll().execute()
 * ```
 */
export function getConnection(alias = 'default'): Connection {
  let connection = registry.get(alias)
  if (!connection) {
    if (alias !== 'default') {
      throw new ConnectionError(
        `Database alias ${JSON.stringify(alias)} is not configured: add it to DATABASES (known: ${[...registry.keys()].join(', ') || 'none'})`,
      )
    }
    connection = new Connection('default', process.env.DATABASE_URL ?? 'sqlite:db.sqlite3')
    registry.set(alias, connection)
  }
  return connection
}

/** Closes every open connection (end of tests, graceful shutdown). */
export async function closeConnections(): Promise<void> {
  await Promise.all([...registry.values()].map((connection) => connection.close()))
}
