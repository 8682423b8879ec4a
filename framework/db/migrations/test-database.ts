/**
 * @module A fresh database for a test run, built by running every migration (Django's test
 * database creation), so a broken migration fails the tests instead of being papered over by
 * creating tables straight from the models.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { closeConnections, configureDatabases, getConnection } from '../connection/connections.ts'
import { parseDatabaseUrl } from '../connection/parse-database-url.ts'
import { migrate } from './migrate.ts'
import type { MigrationSource } from './loader.ts'

/** A test database: its URL (configured as the alias) and how to drop it. */
export interface TestDatabase {
  readonly url: string
  readonly alias: string
  /** Closes the connections and deletes the file / drops the PostgreSQL schema. */
  destroy(): Promise<void>
}

/** Options of {@link createTestDatabase}. */
export interface TestDatabaseOptions {
  /** The alias to point at the test database (default `default`). */
  readonly alias?: string
  /** Skip running migrations (an empty database). */
  readonly migrate?: boolean
}

/**
 * Creates an empty test database next to the configured one (a SQLite file in a temporary folder,
 * or a PostgreSQL schema `test_<random>` in the same database), points `alias` at it, and runs
 * every migration of `apps`.
 *
 * @example
 * ```ts
 * const apps = await setup(settings)
 * const db = await createTestDatabase(settings, apps.all())
 * // ... tests ...
 * await db.destroy()
 * ```
 */
export async function createTestDatabase(
  settings: { readonly DATABASES: Readonly<Record<string, { readonly URL: string } | string>> },
  apps: readonly MigrationSource[],
  options: TestDatabaseOptions = {},
): Promise<TestDatabase> {
  const alias = options.alias ?? 'default'
  const configured = settings.DATABASES[alias]
  const url =
    configured === undefined
      ? 'sqlite::memory:'
      : typeof configured === 'string'
        ? configured
        : configured.URL
  const target = parseDatabaseUrl(url)
  let testUrl: string
  let cleanup: () => Promise<void>
  if (target.vendor === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'framework-test-db-'))
    testUrl = `sqlite:${join(dir, 'test.sqlite3')}`
    cleanup = async () => rmSync(dir, { recursive: true, force: true })
  } else {
    const schema = `test_${randomBytes(6).toString('hex')}`
    const base = new URL(target.url)
    base.searchParams.delete('schema')
    await configureDatabases({ [alias]: base.toString() })
    await getConnection(alias).execute(
      sql.raw(`CREATE SCHEMA "${schema}"`).compile(getConnection(alias).backend.kysely),
    )
    base.searchParams.set('schema', schema)
    testUrl = base.toString()
    const admin = new URL(base)
    admin.searchParams.delete('schema')
    cleanup = async () => {
      await configureDatabases({ [alias]: admin.toString() })
      await getConnection(alias).execute(
        sql.raw(`DROP SCHEMA "${schema}" CASCADE`).compile(getConnection(alias).backend.kysely),
      )
      await getConnection(alias).close()
    }
  }
  await configureDatabases({ [alias]: testUrl })
  if (options.migrate !== false) {
    try {
      await migrate(apps, { using: alias })
    } catch (error) {
      // Why: a broken migration must not leave a test database behind.
      await closeConnections()
      await cleanup().catch(() => {})
      throw error
    }
  }
  return {
    url: testUrl,
    alias,
    async destroy() {
      await closeConnections()
      await cleanup()
    },
  }
}

/**
 * Runs every migration of `apps` on the alias as it is configured now (the test runner calls it
 * after pointing the alias at a fresh database).
 *
 * @example
 * ```ts
 * await migrateTestDatabase(getApps().all())
 * ```
 */
export async function migrateTestDatabase(
  apps: readonly MigrationSource[],
  options: { using?: string } = {},
): Promise<void> {
  await migrate(apps, options.using ? { using: options.using } : {})
}
