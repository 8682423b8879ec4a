/**
 * @module The database `framework test` runs the project's tests against: db's
 * createTestDatabase() (a SQLite file in a temporary folder, or a `test_<random>` schema on
 * PostgreSQL, built by running every migration), plus, as Django's `--run-syncdb`, the tables of
 * apps that have models but no migrations yet. Failures become one-line CommandErrors.
 */
import { existsSync, readdirSync } from 'node:fs'
import type { Settings } from '../conf/index.ts'
import {
  closeConnections,
  createTables,
  createTestDatabase as createMigratedDatabase,
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

function hasMigrations(folder: string): boolean {
  return existsSync(folder) && readdirSync(folder).some((file) => /^\d{4}_.*\.[jt]s$/.test(file))
}

/**
 * Creates the test database for DATABASES.default, migrated. Leaves no connection open (the
 * tests run in other processes).
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
  let created: Awaited<ReturnType<typeof createMigratedDatabase>> | undefined
  try {
    created = await createMigratedDatabase(settings, apps.all())
    const unmigrated = apps.all().filter((app) => app.models.length && !hasMigrations(app.migrationsPath))
    await createTables(unmigrated.flatMap((app) => app.models) as unknown as AnyModelClass[])
    await closeConnections()
  } catch (error) {
    await created?.destroy().catch(() => {})
    await closeConnections()
    throw new CommandError('CLI-E03', `cannot build the test database: ${oneLine((error as Error).message)}`, {
      hint: "check the migrations (framework showmigrations) and the models (framework makemigrations --check)",
      cause: error,
    })
  }
  const testDb = created
  return { url: testDb.url, destroy: () => testDb.destroy() }
}
