/**
 * The SQLite backend's prepared-statement cache: one prepare per SQL text, least recently used
 * evicted, emptied by DDL and by close, never handing out a statement that is still iterating;
 * and through the backend, a cached `SELECT *` still follows schema changes.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { sql } from 'kysely'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { createSqliteBackend } from '../../framework/db/backends/sqlite.ts'
import {
  cachingStatements,
  type PreparingDatabase,
} from '../../framework/db/backends/statement-cache.ts'

/** An in-memory database that counts the statements it really prepares. */
function countingDatabase(): { database: PreparingDatabase & { prepared: string[] } } {
  const raw = new Database(':memory:')
  raw.exec('CREATE TABLE t (x INTEGER)')
  raw.exec('INSERT INTO t VALUES (1), (2), (3)')
  const prepared: string[] = []
  return {
    database: {
      prepared,
      prepare(text: string) {
        prepared.push(text)
        return raw.prepare(text)
      },
      close: () => raw.close(),
    },
  }
}

describe('cachingStatements', () => {
  it('prepares each SQL text once and reuses the statement', () => {
    const { database } = countingDatabase()
    const cached = cachingStatements(database)
    const first = cached.prepare('SELECT x FROM t WHERE x >= ?')
    const second = cached.prepare('SELECT x FROM t WHERE x >= ?')
    expect(second).toBe(first)
    expect(second.all([2])).toEqual([{ x: 2 }, { x: 3 }])
    expect(database.prepared).toEqual(['SELECT x FROM t WHERE x >= ?'])
  })

  it('evicts the least recently used statement beyond its capacity', () => {
    const { database } = countingDatabase()
    const cached = cachingStatements(database, 2)
    cached.prepare('SELECT 1')
    cached.prepare('SELECT 2')
    cached.prepare('SELECT 1') // now the most recent
    cached.prepare('SELECT 3') // evicts SELECT 2
    expect(cached.cachedStatements).toBe(2)
    cached.prepare('SELECT 1')
    cached.prepare('SELECT 2')
    expect(database.prepared).toEqual(['SELECT 1', 'SELECT 2', 'SELECT 3', 'SELECT 2'])
  })

  it('empties the cache when a statement changes the schema', () => {
    const { database } = countingDatabase()
    const cached = cachingStatements(database)
    cached.prepare('SELECT x FROM t')
    const ddl = cached.prepare('  create INDEX t_x ON t (x)')
    expect(cached.cachedStatements).toBe(0)
    ddl.run([])
    cached.prepare('SELECT x FROM t')
    expect(database.prepared.filter((text) => text === 'SELECT x FROM t')).toHaveLength(2)
  })

  it('gives a new statement for SQL whose cached statement is still iterating', () => {
    const { database } = countingDatabase()
    const cached = cachingStatements(database)
    const streaming = cached.prepare('SELECT x FROM t ORDER BY x')
    const iterator = streaming.iterate([])
    expect(iterator.next().value).toEqual({ x: 1 })
    const other = cached.prepare('SELECT x FROM t ORDER BY x')
    expect(other).not.toBe(streaming)
    expect(other.all([])).toHaveLength(3)
    expect([...iterator]).toEqual([{ x: 2 }, { x: 3 }])
    // The finished iterator's statement is the cached one again.
    expect(cached.prepare('SELECT x FROM t ORDER BY x')).toBe(streaming)
  })

  it('empties the cache and closes the database on close', () => {
    const { database } = countingDatabase()
    const cached = cachingStatements(database)
    const statement = cached.prepare('SELECT x FROM t')
    cached.close()
    expect(cached.cachedStatements).toBe(0)
    expect(() => statement.all([])).toThrow(/database connection is not open/)
  })
})

describe('the SQLite backend with cached statements', () => {
  const dir = mkdtempSync(join(tmpdir(), 'orm-statements-'))
  const backends: { close(): Promise<void> }[] = []
  afterEach(async () => {
    await Promise.all(backends.splice(0).map((backend) => backend.close()))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('a repeated SELECT * sees columns added since, by this or another connection', async () => {
    const file = join(dir, 'schema.sqlite3')
    const backend = createSqliteBackend({ filename: file })
    const other = createSqliteBackend({ filename: file })
    backends.push(backend, other)
    const db = backend.kysely
    await sql`CREATE TABLE t (x INTEGER)`.execute(db)
    await sql`INSERT INTO t (x) VALUES (1)`.execute(db)
    const all = async () => (await sql`SELECT * FROM t`.execute(db)).rows
    expect(await all()).toEqual([{ x: 1 }])
    await sql`ALTER TABLE t ADD COLUMN y INTEGER`.execute(db)
    expect(await all()).toEqual([{ x: 1, y: null }])
    await sql`ALTER TABLE t ADD COLUMN z INTEGER`.execute(other.kysely)
    expect(await all()).toEqual([{ x: 1, y: null, z: null }])
    await sql`DROP TABLE t`.execute(other.kysely)
    await expect(all()).rejects.toThrow(/no such table: t/)
  })
})
