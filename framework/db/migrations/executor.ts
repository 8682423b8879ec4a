/**
 * @module The executor: plans which migrations to apply or unapply to reach a target, rebuilds
 * the state before each one by replaying the operations of those before it, and runs each
 * migration in its own transaction together with its row in framework_migrations. On SQLite,
 * foreign keys are off for the migration (table rebuilds drop and recreate referenced tables)
 * and checked before COMMIT, so a migration either fully happens or not at all.
 */
import { sql } from 'kysely'
import { getConnection } from '../connection/connections.ts'
import { atomic } from '../transaction/atomic.ts'
import type { MigrationGraph } from './graph.ts'
import { migrationKey, type Migration } from './migration.ts'
import { MigrationEditor } from './migration-editor.ts'
import { MigrationError } from './migration-error.ts'
import { ProjectState } from './project-state.ts'
import { MigrationRecorder } from './recorder.ts'

/** One step of a plan: a migration and its direction. */
export interface PlanStep {
  readonly migration: Migration
  readonly backwards: boolean
}

/** What `migrate` was asked for: everything, one app's latest, one app at a migration, or zero. */
export interface MigrateTarget {
  readonly app?: string
  /** A migration name (or its unique prefix, `0002`), or `zero`. */
  readonly name?: string
}

/** Finds a migration of `app` by name or unique prefix. */
export function findMigration(graph: MigrationGraph, app: string, name: string): Migration {
  const all = graph.appMigrations(app)
  const exact = all.find((m) => m.name === name)
  if (exact) return exact
  const matches = all.filter((m) => m.name.startsWith(name))
  if (matches.length === 1) return matches[0]!
  throw new MigrationError(
    'migrations.E008',
    matches.length
      ? `${JSON.stringify(name)} matches several migrations of ${app} (${matches.map((m) => m.name).join(', ')})`
      : `App ${app} has no migration ${JSON.stringify(name)} (it has: ${all.map((m) => m.name).join(', ') || 'none'})`,
    { hint: `framework showmigrations ${app} lists them` },
  )
}

/**
 * The steps that take the database from `applied` to `target`.
 *
 * @example
 * ```ts
 * migrationPlan(graph, applied, { app: 'polls', name: 'zero' }) // every polls migration, backwards
 * ```
 */
export function migrationPlan(
  graph: MigrationGraph,
  applied: ReadonlySet<string>,
  target: MigrateTarget,
  apps: readonly string[],
): PlanStep[] {
  const isApplied = (m: Migration): boolean => applied.has(migrationKey(m.app, m.name))
  if (!target.app) {
    const wanted = new Set<string>()
    for (const app of apps)
      for (const leaf of graph.leaves(app))
        for (const m of graph.ancestors(migrationKey(leaf.app, leaf.name)))
          wanted.add(migrationKey(m.app, m.name))
    return graph
      .order()
      .filter((m) => wanted.has(migrationKey(m.app, m.name)) && !isApplied(m))
      .map((migration) => ({ migration, backwards: false }))
  }
  const app = target.app
  if (target.name === 'zero') {
    const first = graph.appMigrations(app)[0]
    if (!first) return []
    return backwardsFrom(graph, [first], isApplied)
  }
  const node = target.name ? findMigration(graph, app, target.name) : graph.leaf(app)
  if (!node) return []
  const key = migrationKey(node.app, node.name)
  if (isApplied(node) && target.name) {
    // Back to `node`: unapply the app's migrations that are not among its ancestors, and their dependants.
    const keep = new Set(graph.ancestors(key))
    return backwardsFrom(
      graph,
      graph.appMigrations(app).filter((m) => !keep.has(m)),
      isApplied,
    )
  }
  return graph
    .ancestors(key)
    .filter((m) => !isApplied(m))
    .map((migration) => ({ migration, backwards: false }))
}

function backwardsFrom(
  graph: MigrationGraph,
  roots: readonly Migration[],
  isApplied: (m: Migration) => boolean,
): PlanStep[] {
  const wanted = new Map<string, Migration>()
  for (const root of roots)
    for (const m of graph.descendants(migrationKey(root.app, root.name)))
      if (isApplied(m)) wanted.set(migrationKey(m.app, m.name), m)
  return [...wanted.values()]
    .sort((a, b) => graph.order().indexOf(b) - graph.order().indexOf(a))
    .map((migration) => ({ migration, backwards: true }))
}

/** The project state after every migration in `migrations` (in graph order). */
export function stateAfter(
  graph: MigrationGraph,
  include: (m: Migration) => boolean = () => true,
): ProjectState {
  const state = new ProjectState()
  for (const migration of graph.order()) {
    if (!include(migration)) continue
    for (const operation of migration.operations) operation.stateForwards(migration.app, state)
  }
  return state
}

/** The states before and after each migration, replaying the ones `include` selects in order. */
function statesAround(
  graph: MigrationGraph,
  include: (m: Migration) => boolean,
): Map<string, { before: ProjectState; afterEach: ProjectState[] }> {
  const out = new Map<string, { before: ProjectState; afterEach: ProjectState[] }>()
  let state = new ProjectState()
  for (const migration of graph.order()) {
    if (!include(migration)) continue
    const before = state
    const afterEach: ProjectState[] = []
    for (const operation of migration.operations) {
      state = state.clone()
      operation.stateForwards(migration.app, state)
      afterEach.push(state)
    }
    out.set(migrationKey(migration.app, migration.name), { before, afterEach })
  }
  return out
}

/** Options of {@link executeMigrationPlan}. */
export interface ExecuteOptions {
  readonly using?: string
  /** Called before each migration runs ('Applying polls.0001_initial...'). */
  readonly onStart?: (step: PlanStep) => void
  /** Called after each migration committed. */
  readonly onDone?: (step: PlanStep) => void
  /** Record the migrations as applied/unapplied without running them (`migrate --fake`). */
  readonly fake?: boolean
}

/** Runs the operations of one migration in one direction on `editor`. */
export async function runMigrationOperations(
  step: PlanStep,
  editor: MigrationEditor,
  states: { before: ProjectState; afterEach: ProjectState[] },
): Promise<void> {
  const { migration } = step
  const indices = migration.operations.map((_, i) => i)
  if (step.backwards) indices.reverse()
  for (const i of indices) {
    const operation = migration.operations[i]!
    const before = i === 0 ? states.before : states.afterEach[i - 1]!
    const after = states.afterEach[i]!
    try {
      if (step.backwards) {
        if (!operation.reversible)
          throw new MigrationError(
            'migrations.E005',
            `Operation ${i + 1} of ${migration.app}.${migration.name} (${operation.describe()}) is irreversible`,
            {
              hint: 'give it a reverse (reverseSql / reverseCode), or do not migrate back past this migration',
            },
          )
        await operation.databaseBackwards(migration.app, editor, after, before)
      } else {
        await operation.databaseForwards(migration.app, editor, before, after)
      }
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      throw new MigrationError(
        error instanceof MigrationError ? (error.code as 'migrations.E007') : 'migrations.E007',
        `Migration ${migration.app}.${migration.name} failed at operation ${i + 1} (${operation.describe()}): ${reason}; the database was rolled back to before this migration`,
        {
          hint:
            error instanceof MigrationError && error.hint
              ? error.hint
              : 'fix the migration or the data, then run migrate again',
          cause: error,
        },
      )
    }
  }
}

/**
 * Applies (or unapplies) the steps of a plan, each migration in its own transaction.
 *
 * @example
 * ```ts
 * const graph = await loadMigrationGraph(getApps().all())
 * const applied = await new MigrationRecorder().applied()
 * await executeMigrationPlan(graph, migrationPlan(graph, new Set(applied.keys()), {}, ['polls']), new Set(applied.keys()))
 * ```
 */
export async function executeMigrationPlan(
  graph: MigrationGraph,
  plan: readonly PlanStep[],
  applied: ReadonlySet<string>,
  options: ExecuteOptions = {},
): Promise<void> {
  const using = options.using ?? 'default'
  const recorder = new MigrationRecorder(using)
  await recorder.ensureTable()
  const planned = new Set(plan.map((s) => migrationKey(s.migration.app, s.migration.name)))
  const forwards = plan.every((s) => !s.backwards)
  // Forwards, the state includes what is applied plus what the plan applies; backwards, what is applied.
  const states = statesAround(graph, (m) => {
    const key = migrationKey(m.app, m.name)
    return applied.has(key) || (forwards && planned.has(key))
  })
  const connection = getConnection(using)
  const sqlite = connection.vendor === 'sqlite'
  const pragma = async (statement: string): Promise<Record<string, unknown>[]> =>
    (await connection.execute(sql.raw(statement).compile(connection.backend.kysely))).rows
  for (const step of plan) {
    const { migration } = step
    options.onStart?.(step)
    const run = async (): Promise<void> => {
      if (!options.fake)
        await runMigrationOperations(
          step,
          new MigrationEditor(using),
          states.get(migrationKey(migration.app, migration.name))!,
        )
      if (sqlite && !options.fake) {
        const broken = await pragma('PRAGMA foreign_key_check')
        if (broken.length)
          throw new MigrationError(
            'migrations.E009',
            `Migration ${migration.app}.${migration.name} left ${broken.length} row(s) whose foreign keys point nowhere (first: ${JSON.stringify(broken[0])}); the database was rolled back`,
            { hint: 'fix or delete those rows in a data migration before this one' },
          )
      }
      // A squashed migration also records (or forgets) the ones it replaces, as Django's does.
      for (const [app, name] of [[migration.app, migration.name] as const, ...migration.replaces]) {
        if (step.backwards) await recorder.recordUnapplied(app, name)
        else if (app === migration.app && name === migration.name)
          await recorder.recordApplied(app, name)
        else if (!applied.has(migrationKey(app, name))) await recorder.recordApplied(app, name)
      }
    }
    // Why outside the transaction: SQLite ignores PRAGMA foreign_keys inside one.
    if (sqlite) await pragma('PRAGMA foreign_keys = OFF')
    try {
      if (migration.atomic) await atomic(run, { using })
      else await run()
    } finally {
      if (sqlite) await pragma('PRAGMA foreign_keys = ON')
    }
    options.onDone?.(step)
  }
}

/**
 * The SQL a migration runs on the `using` database (what `sqlmigrate` prints), computed from the
 * state before it without touching the database.
 *
 * @example
 * ```ts
 * const statements = await collectMigrationSql(graph, findMigration(graph, 'polls', '0002'))
 * ```
 */
export async function collectMigrationSql(
  graph: MigrationGraph,
  migration: Migration,
  options: { using?: string; backwards?: boolean } = {},
): Promise<string[]> {
  const ancestors = new Set(
    graph
      .ancestors(migrationKey(migration.app, migration.name))
      .map((m) => migrationKey(m.app, m.name)),
  )
  const states = statesAround(graph, (m) => ancestors.has(migrationKey(m.app, m.name)))
  const editor = new MigrationEditor(options.using, { collect: true })
  await runMigrationOperations(
    { migration, backwards: options.backwards === true },
    editor,
    states.get(migrationKey(migration.app, migration.name))!,
  )
  return editor.statements
}
