/**
 * @module Migrations built in code (no files) and a helper that migrates a database to a target
 * through the executor, for the engine's own tests.
 */
import { MigrationGraph, MigrationRecorder } from '../../../framework/db/index.ts'
import type { Migration, Operation } from '../../../framework/db/index.ts'
import {
  executeMigrationPlan,
  migrationPlan,
  type MigrateTarget,
} from '../../../framework/db/migrations/executor.ts'

/** A migration of `app` named `name` depending on the previous one given. */
export function migration(
  app: string,
  name: string,
  operations: Operation[],
  dependencies: [string, string][] = [],
): Migration {
  return { app, name, file: '', dependencies, operations, atomic: true, replaces: [] }
}

/** Migrates the default alias to `target` through the real executor; resolves to the step names. */
export async function migrateTo(
  migrations: readonly Migration[],
  target: MigrateTarget = {},
): Promise<string[]> {
  const graph = new MigrationGraph(migrations)
  const applied = new Set((await new MigrationRecorder().applied()).keys())
  const apps = [...new Set(migrations.map((m) => m.app))]
  const plan = migrationPlan(graph, applied, target, apps)
  await executeMigrationPlan(graph, plan, applied)
  return plan.map((step) => `${step.backwards ? '-' : '+'}${step.migration.name}`)
}
