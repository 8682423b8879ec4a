/**
 * @module The database `framework test` runs the project's tests against: a fresh one beside the
 * configured database (a SQLite file in a temporary folder, or PostgreSQL's `test_<name>`), its
 * schema built from the installed apps, dropped afterwards. Django's test database.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import type { Settings } from '../conf/index.ts'
import {
  closeConnections,
  configureDatabases,
  createTables,
  getConnection,
  parseDatabaseUrl,
  type AnyModelClass,
  type AppRegistry,
} from '../db/index.ts'
import { CommandError } from './command.ts'
import { oneLine } from './dev-server/project-loading.ts'

/** A test database: its URL (for DATABASE_URL) and how to drop it. */
export interface TestDatabase {
  readonly url: string
  destroy(): Promise<void>
}

/**
 * Creates the test database for DATABASES.default and builds every installed model's table in
 * it. Leaves no connection open (the tests run in other processes).
 *
 * @example
 * ```ts
 * const testDb = await createTestDatabase(settings, apps)
 * // run the tests with DATABASE_URL=testDb.url
 * await testDb.destroy()
 * ```
 */
export async function createTestDatabase(
  settings: Settings,
  apps: AppRegistry,
): Promise<TestDatabase> {
  const url = settings.DATABASES.default?.URL ?? 'sqlite:db.sqlite3'
  const target = parseDatabaseUrl(url)
  let testDb: TestDatabase
  if (target.vendor === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'framework-test-db-'))
    testDb = {
      url: `sqlite:${join(dir, 'test.sqlite3')}`,
      async destroy() {
        rmSync(dir, { recursive: true, force: true })
      },
    }
  } else {
    testDb = await createPostgresDatabase(target.url)
  }
  try {
    await configureDatabases({ default: testDb.url })
    await buildSchema(apps)
  } catch (error) {
    await closeConnections()
    await testDb.destroy()
    throw new CommandError('CLI-E03', `cannot build the test database: ${oneLine((error as Error).message)}`, {
      hint: 'check the models of the installed apps (framework check)',
      cause: error,
    })
  }
  await closeConnections()
  return testDb
}

/** The tables of every installed model (the migrations' result, until they build it). */
async function buildSchema(apps: AppRegistry): Promise<void> {
  await createTables(apps.models() as unknown as AnyModelClass[])
}

async function createPostgresDatabase(url: string): Promise<TestDatabase> {
  const main = new URL(url)
  const name = `test_${main.pathname.slice(1) || 'postgres'}`
  if (!/^[A-Za-z0-9_]+$/.test(name)) {
    throw new CommandError('CLI-E03', `cannot name a test database after ${JSON.stringify(main.pathname.slice(1))}`, {
      hint: 'use a database name of letters, digits and underscores',
    })
  }
  const testUrl = new URL(url)
  testUrl.pathname = `/${name}`
  const admin = async (statement: string) => {
    await configureDatabases({ default: url })
    try {
      await sql.raw(statement).execute(getConnection('default').executor())
    } finally {
      await closeConnections()
    }
  }
  try {
    // A test database left by an interrupted run is replaced, as Django does with --noinput.
    await admin(`DROP DATABASE IF EXISTS ${name}`)
    await admin(`CREATE DATABASE ${name}`)
  } catch (error) {
    throw new CommandError('CLI-E03', `cannot create the test database ${name}: ${oneLine((error as Error).message)}`, {
      hint: 'the DATABASE_URL user needs the CREATEDB privilege, and PostgreSQL must be running',
      cause: error,
    })
  }
  return {
    url: testUrl.toString(),
    destroy: () => admin(`DROP DATABASE IF EXISTS ${name}`),
  }
}
