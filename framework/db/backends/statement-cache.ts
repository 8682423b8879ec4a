/**
 * @module A bounded cache of prepared better-sqlite3 statements, keyed by SQL text, in front of
 * kysely's SQLite driver (which calls `prepare()` again for every query it runs).
 *
 * Why: preparing parses and plans the SQL, which cost W3's page (20 rows through the QuerySet)
 * more than running the query itself; the ORM's plan cache hands the driver the same SQL text
 * again and again, so almost every prepare() can be a map lookup.
 *
 * Why it stays correct:
 * - SQLite re-prepares a statement by itself when the schema changed under it (another
 *   connection's migration included), and better-sqlite3 reads the result columns on every run,
 *   so a cached `SELECT *` sees added columns and a dropped table fails with the same error as
 *   a fresh prepare. DDL run through this connection still empties the cache, so statements of
 *   dropped or rebuilt tables are not kept alive.
 * - A statement that is iterating (kysely's streamQuery) is `busy`: the same SQL asked for while
 *   it is open gets a new, uncached statement rather than the busy one.
 * - Closing the database empties the cache (its statements die with it).
 */

/** What kysely's SqliteDialect needs of a statement (better-sqlite3's Statement fits). */
export interface CachedStatement {
  readonly reader: boolean
  readonly busy: boolean
  all(parameters: readonly unknown[]): unknown[]
  run(parameters: readonly unknown[]): {
    changes: number | bigint
    lastInsertRowid: number | bigint
  }
  iterate(parameters: readonly unknown[]): IterableIterator<unknown>
  /** better-sqlite3: rows as arrays of column values instead of objects (readers only). */
  raw(toggle?: boolean): unknown
}

/** What kysely's SqliteDialect needs of a database (better-sqlite3's Database fits). */
export interface PreparingDatabase {
  prepare(sql: string): CachedStatement
  close(): unknown
}

/** The wrapped database: kysely's SqliteDatabase, plus array-row statements and the size. */
export interface StatementCachingDatabase {
  prepare(sql: string): CachedStatement
  /**
   * The statement of `sql` returning rows as arrays of column values, in select-list order
   * (cheaper for better-sqlite3 to build than objects); a statement returning no rows as is.
   */
  prepareArrays(sql: string): CachedStatement
  close(): void
  readonly cachedStatements: number
}

/** Statements kept per connection and row shape: far more than a typical app's distinct queries. */
export const STATEMENT_CACHE_SIZE = 256

// Statements that change the schema: the cache is emptied when one is prepared.
const SCHEMA_CHANGE = /^\s*(?:create|alter|drop|attach|detach|vacuum|reindex)\b/i

/** One least-recently-used map of statements (Map order is insertion order). */
class StatementLru {
  readonly #statements = new Map<string, CachedStatement>()
  readonly #capacity: number

  constructor(capacity: number) {
    this.#capacity = capacity
  }

  get size(): number {
    return this.#statements.size
  }

  /** The cached statement of `sql`, unless there is none or it is busy iterating. */
  hit(sql: string): CachedStatement | undefined {
    const cached = this.#statements.get(sql)
    if (!cached || cached.busy) return undefined
    // Moving a hit to the end keeps the least recently used first.
    this.#statements.delete(sql)
    this.#statements.set(sql, cached)
    return cached
  }

  /** Prepares `sql` and keeps it, unless a busy statement of the same SQL holds the place. */
  add(sql: string, prepare: (sql: string) => CachedStatement): CachedStatement {
    const statement = prepare(sql)
    if (this.#statements.has(sql)) return statement // the cached one is iterating: leave it
    if (this.#statements.size >= this.#capacity)
      this.#statements.delete(this.#statements.keys().next().value!)
    this.#statements.set(sql, statement)
    return statement
  }

  clear(): void {
    this.#statements.clear()
  }
}

/**
 * Wraps `database` so that `prepare(sql)` returns a cached statement for SQL it has seen (least
 * recently used evicted beyond `capacity`).
 *
 * @example
 * ```ts
 * const dialect = new SqliteDialect({ database: cachingStatements(new Database('db.sqlite3')) })
 * ```
 */
export function cachingStatements(
  database: PreparingDatabase,
  capacity = STATEMENT_CACHE_SIZE,
): StatementCachingDatabase {
  const objects = new StatementLru(capacity)
  const arrays = new StatementLru(capacity)
  const prepare = (sql: string): CachedStatement => database.prepare(sql)
  const prepareArrays = (sql: string): CachedStatement => {
    const statement = database.prepare(sql)
    if (statement.reader) statement.raw(true)
    return statement
  }
  /** Whether `sql` changes the schema; if so the caches are emptied (and it is not cached). */
  const schemaChange = (sql: string): boolean => {
    if (!SCHEMA_CHANGE.test(sql)) return false
    objects.clear()
    arrays.clear()
    return true
  }
  return {
    prepare(sql: string): CachedStatement {
      return objects.hit(sql) ?? (schemaChange(sql) ? prepare(sql) : objects.add(sql, prepare))
    },
    prepareArrays(sql: string): CachedStatement {
      return (
        arrays.hit(sql) ??
        (schemaChange(sql) ? prepareArrays(sql) : arrays.add(sql, prepareArrays))
      )
    },
    close(): void {
      objects.clear()
      arrays.clear()
      database.close()
    },
    get cachedStatements(): number {
      return objects.size + arrays.size
    },
  }
}
