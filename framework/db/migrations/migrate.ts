/**
 * @module migrate as a function: load the graph, read what is applied, plan towards the target
 * and run the plan. Returns the steps taken, as values (STYLE.md rule 11).
 */
import {
  executeMigrationPlan,
  migrationPlan,
  type MigrateTarget,
  type PlanStep,
} from './executor.ts'
import { MigrationGraph } from './graph.ts'
import { loadMigrations, type MigrationSource } from './loader.ts'
import { migrationKey } from './migration.ts'
import { MigrationError } from './migration-error.ts'
import { MigrationRecorder } from './recorder.ts'
import { applyReplacements, withSquashedApplied } from './replacements.ts'

/** The graph for a database (squashed migrations resolved against what it has applied) and its applied set. */
async function graphFor(
  sources: readonly MigrationSource[],
  using: string | undefined,
): Promise<{ graph: MigrationGraph; applied: Map<string, Date> }> {
  const loaded = await loadMigrations(sources)
  const recorded = await new MigrationRecorder(using).applied()
  const applied = new Map(recorded)
  for (const key of withSquashedApplied(loaded, new Set(recorded.keys())))
    if (!applied.has(key))
      applied.set(key, new Date(Math.max(0, ...[...recorded.values()].map((d) => d.getTime()))))
  return { graph: new MigrationGraph(applyReplacements(loaded, new Set(recorded.keys()))), applied }
}

/** Options of {@link migrate}. */
export interface MigrateOptions extends MigrateTarget {
  readonly using?: string
  /** Record without running (`--fake`). */
  readonly fake?: boolean
  /** Only compute the plan (`--plan`). */
  readonly planOnly?: boolean
  readonly onStart?: (step: PlanStep) => void
  readonly onDone?: (step: PlanStep) => void
}

/**
 * Applies or unapplies migrations to reach the target; resolves to the steps taken.
 *
 * @example
 * ```ts
 * await migrate(getApps().all())                                   // everything
 * await migrate(getApps().all(), { app: 'polls', name: '0001' })   // back to polls 0001
 * await migrate(getApps().all(), { app: 'polls', name: 'zero' })   // unapply all of polls
 * ```
 */
export async function migrate(
  sources: readonly MigrationSource[],
  options: MigrateOptions = {},
): Promise<PlanStep[]> {
  if (options.app && !sources.some((s) => s.label === options.app)) {
    throw new MigrationError(
      'migrations.E008',
      `No installed app with label ${JSON.stringify(options.app)} (installed: ${sources.map((s) => s.label).join(', ')})`,
      { hint: 'check INSTALLED_APPS in your settings, or the spelling' },
    )
  }
  const { graph, applied: appliedAt } = await graphFor(sources, options.using)
  if (
    options.app &&
    !graph.appMigrations(options.app).length &&
    options.name &&
    options.name !== 'zero'
  ) {
    throw new MigrationError('migrations.E008', `App ${options.app} has no migrations`, {
      hint: `framework makemigrations ${options.app} creates its first one`,
    })
  }
  const applied = new Set(appliedAt.keys())
  const plan = migrationPlan(
    graph,
    applied,
    options,
    sources.map((s) => s.label),
  )
  if (options.planOnly) return plan
  await executeMigrationPlan(graph, plan, applied, options)
  return plan
}

/** One line of showmigrations. */
export interface MigrationStatus {
  readonly app: string
  readonly name: string
  readonly applied: Date | undefined
}

/**
 * Each app's migrations and whether they are applied (what `showmigrations` prints).
 *
 * @example
 * ```ts
 * (await showMigrations(getApps().all())).filter((m) => !m.applied) // the pending ones
 * ```
 */
export async function showMigrations(
  sources: readonly MigrationSource[],
  options: { using?: string } = {},
): Promise<MigrationStatus[]> {
  const { graph, applied } = await graphFor(sources, options.using)
  return sources.flatMap((source) =>
    graph.appMigrations(source.label).map((m) => ({
      app: m.app,
      name: m.name,
      applied: applied.get(migrationKey(m.app, m.name)),
    })),
  )
}
