/**
 * @module The backends every ORM test file loops over (`describe.each(backends)`): SQLite always,
 * PostgreSQL at 127.0.0.1:5432 (db `test`, user postgres) when reachable. Each use gets its own
 * SQLite file or PostgreSQL schema, so test files run in parallel.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { afterAll, beforeAll, beforeEach, describe } from 'vitest'
import {
  closeConnections,
  configureDatabases,
  createTables,
  type AnyModelClass,
} from '../../framework/db/index.ts'
import type { ModelRuntime } from '../../framework/db/models/model-meta.ts'
import { commandSucceeds, requireCondition } from '../support/require-program.ts'

export const PG_URL = 'postgres://postgres@127.0.0.1:5432/test'

const pgReachable =
  commandSucceeds('pg_isready', ['-h', '127.0.0.1', '-p', '5432', '-t', '3']) ||
  commandSucceeds('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'test', '-c', 'select 1'])
const pgRequirement = requireCondition(
  pgReachable,
  'PostgreSQL at 127.0.0.1:5432 (database test, user postgres) is not reachable',
)

/** One backend under test. */
export interface BackendCase {
  readonly name: 'sqlite' | 'postgresql'
  readonly available: boolean
  readonly reason: string
}

/** The cases for `describe.each`; the PostgreSQL one is skipped visibly when unreachable. */
export const backends: BackendCase[] = [
  { name: 'sqlite', available: true, reason: '' },
  { name: 'postgresql', available: pgRequirement.available, reason: pgRequirement.reason },
]

/** A fresh database for one describe block: a SQLite file in a temp dir, or a new PostgreSQL schema. */
export interface TestDatabase {
  readonly url: string
  dispose(): Promise<void>
}

/** Creates the database and points the `alias` connection at it. */
export async function openTestDatabase(
  backend: BackendCase['name'],
  alias = 'default',
): Promise<TestDatabase> {
  if (backend === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'orm-test-'))
    const url = `sqlite:${join(dir, 'db.sqlite3')}`
    await configureDatabases({ [alias]: url })
    return {
      url,
      dispose: async () => {
        await closeConnections()
        rmSync(dir, { recursive: true, force: true })
      },
    }
  }
  const schema = `t_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: PG_URL })
  await admin.connect()
  await admin.query(`CREATE SCHEMA ${schema}`)
  await admin.end()
  const url = `${PG_URL}?schema=${schema}`
  await configureDatabases({ [alias]: url })
  return {
    url,
    dispose: async () => {
      await closeConnections()
      const cleanup = new pg.Client({ connectionString: PG_URL })
      await cleanup.connect()
      await cleanup.query(`DROP SCHEMA ${schema} CASCADE`)
      await cleanup.end()
    },
  }
}

/** Creates the tables of `models` on the alias. */
export async function createModelTables(
  models: readonly AnyModelClass[],
  using = 'default',
): Promise<void> {
  await createTables(models, { using })
}

/** Empties the tables of `models` (through tables first, then children before parents). */
export async function truncate(models: readonly AnyModelClass[], using = 'default'): Promise<void> {
  const { throughModels, getConnection } = await import('../../framework/db/index.ts')
  const { sql } = await import('kysely')
  const runtimes = models as unknown as ModelRuntime[]
  const all = [...runtimes.flatMap((model) => throughModels(model)), ...[...runtimes].reverse()]
  const connection = getConnection(using)
  for (const model of all) {
    await connection.execute(
      sql`DELETE FROM ${sql.table(model.meta.dbTable)}`.compile(connection.backend.kysely),
    )
  }
}

/**
 * Declares one suite per backend around `body`: a fresh database, the tables of `models`, and
 * empty tables before each test. PostgreSQL is skipped visibly when unreachable (failing under CI).
 */
export function describeEachBackend(
  title: string,
  models: readonly AnyModelClass[],
  body: (backend: BackendCase) => void,
): void {
  describe.each(backends)(`${title} on $name`, (backend) => {
    describe.skipIf(!backend.available)(backend.reason || 'fresh database', () => {
      let database: TestDatabase | undefined
      beforeAll(async () => {
        database = await openTestDatabase(backend.name)
        await createModelTables(models)
      })
      afterAll(async () => {
        await database?.dispose()
      })
      beforeEach(async () => {
        await truncate(models)
      })
      body(backend)
    })
  })
}
