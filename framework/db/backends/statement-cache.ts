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
  run(parameters: readonly unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint }
  iterate(parameters: readonly unknown[]): IterableIterator<unknown>
}

/** What kysely's SqliteDialect needs of a database (better-sqlite3's Database fits). */
export interface PreparingDatabase {
  prepare(sql: string): CachedStatement
  close(): unknown
}

/** The wrapped database: kysely's SqliteDatabase, plus the cache's size (for tests). */
export interface StatementCachingDatabase {
  prepare(sql: string): CachedStatement
  close(): void
  readonly cachedStatements: number
}

/** Statements kept per connection: far more than the distinct queries of a typical app. */
export const STATEMENT_CACHE_SIZE = 256

// Statements that change the schema: the cache is emptied when one is prepared.
const SCHEMA_CHANGE = /^\s*(?:create|alter|drop|attach|detach|vacuum|reindex)\b/i

/**
 * Wraps `database` so that `prepare(sql)` returns a cached statement for SQL it has seen (least
 * recently used evicted beyond `capacity`).
 *
 * @example
 * ```ts
 * const kysely = new Kysely({ dialect: new SqliteDialect({ database: cachingStatements(database) }) })
 * ```
 */
export function cachingStatements(
  database: PreparingDatabase,
  capacity = STATEMENT_CACHE_SIZE,
): StatementCachingDatabase {
  const cache = new Map<string, CachedStatement>()
  return {
    prepare(sql: string): CachedStatement {
      const cached = cache.get(sql)
      if (cached && !cached.busy) {
        // Map order is insertion order: moving a hit to the end keeps the least recent first.
        cache.delete(sql)
        cache.set(sql, cached)
        return cached
      }
      if (SCHEMA_CHANGE.test(sql)) {
        cache.clear()
        return database.prepare(sql)
      }
      const statement = database.prepare(sql)
      if (cached) return statement // the cached one is busy iterating: leave it in place
      if (cache.size >= capacity) cache.delete(cache.keys().next().value!)
      cache.set(sql, statement)
      return statement
    },
    close(): void {
      cache.clear()
      database.close()
    },
    get cachedStatements(): number {
      return cache.size
    },
  }
}
