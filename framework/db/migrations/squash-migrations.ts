/**
 * @module squashmigrations as a function: one migration with the operations of a run of an app's
 * migrations, `replaces` naming them, so new databases run one file and old ones carry on. A
 * light optimiser folds addField and alterField into a createModel of the same run.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { AnyField } from '../models/fields.ts'
import { findMigration } from './executor.ts'
import { MigrationGraph } from './graph.ts'
import { loadMigrations, type MigrationSource } from './loader.ts'
import { migrationKey, type MigrationKey } from './migration.ts'
import { MigrationError } from './migration-error.ts'
import { createModel, type CreateModelOptions } from './operations/model-operations.ts'
import type { Operation } from './operations/operation.ts'
import { writeMigration } from './writer.ts'

/** What squashMigrations wrote (or would write). */
export interface SquashedMigration {
  readonly app: string
  readonly name: string
  readonly path: string
  readonly text: string
  readonly replaces: readonly MigrationKey[]
  readonly operations: readonly Operation[]
}

type CreateArgs = {
  name: string
  fields: Readonly<Record<string, AnyField>>
  options?: CreateModelOptions
}

/** Folds addField / alterField into an earlier createModel of the same model (nothing else moves). */
export function optimize(operations: readonly Operation[]): Operation[] {
  const out: Operation[] = []
  for (const operation of operations) {
    const args = operation.args as { model?: string; name?: string; field?: AnyField }
    if (
      (operation.factory === 'addField' || operation.factory === 'alterField') &&
      args.model &&
      args.field
    ) {
      const index = out.findIndex(
        (op) => op.factory === 'createModel' && (op.args as CreateArgs).name === args.model,
      )
      const between = index === -1 ? [] : out.slice(index + 1)
      // Why only when nothing later touches the model: an operation in between may rely on the old shape.
      const touched = between.some((op) => JSON.stringify(op.args).includes(`"${args.model}"`))
      if (index !== -1 && !touched) {
        const create = out[index]!.args as CreateArgs
        out[index] = createModel({
          ...create,
          fields: { ...create.fields, [args.name!]: args.field },
        })
        continue
      }
    }
    out.push(operation)
  }
  return out
}

/**
 * Squashes `app`'s migrations from `start` (default: its first) to `end` into one file.
 *
 * @example
 * ```ts
 * const squashed = await squashMigrations(getApps().all(), 'polls', '0004')
 * squashed.path // polls/migrations/0001_squashed_0004_choice_votes.ts
 * ```
 */
export async function squashMigrations(
  sources: readonly MigrationSource[],
  app: string,
  end: string,
  options: { start?: string; name?: string; dryRun?: boolean } = {},
): Promise<SquashedMigration> {
  const source = sources.find((s) => s.label === app)
  if (!source)
    throw new MigrationError(
      'migrations.E008',
      `No installed app with label ${JSON.stringify(app)} (installed: ${sources.map((s) => s.label).join(', ')})`,
      {
        hint: 'check INSTALLED_APPS in your settings, or the spelling',
      },
    )
  const graph = new MigrationGraph(await loadMigrations(sources))
  const ordinary = graph.appMigrations(app).filter((m) => !m.replaces.length)
  const last = findMigration(graph, app, end)
  const first = options.start ? findMigration(graph, app, options.start) : ordinary[0]!
  const run = ordinary.filter((m) => m.name >= first.name && m.name <= last.name)
  if (run.length < 2)
    throw new MigrationError(
      'migrations.E008',
      `Squashing ${app} from ${first.name} to ${last.name} covers ${run.length} migration: nothing to squash`,
      {
        hint: `name a later migration: framework squashmigrations ${app} ${ordinary.at(-1)?.name.slice(0, 4) ?? '0002'}`,
      },
    )
  const inRun = new Set(run.map((m) => migrationKey(m.app, m.name)))
  const dependencies: MigrationKey[] = []
  for (const migration of run)
    for (const dep of migration.dependencies)
      if (
        !inRun.has(migrationKey(...dep)) &&
        !dependencies.some((d) => migrationKey(...d) === migrationKey(...dep))
      )
        dependencies.push(dep)
  const operations = optimize(run.flatMap((m) => m.operations))
  const name = `${first.name.slice(0, 4)}_squashed_${options.name ?? last.name}`
  const replaces: MigrationKey[] = run.map((m) => [m.app, m.name])
  const text = writeMigration({ dependencies, operations, replaces })
  const path = join(source.migrationsPath, `${name}.ts`)
  if (!options.dryRun) {
    mkdirSync(source.migrationsPath, { recursive: true })
    writeFileSync(path, text)
  }
  return { app, name, path, text, replaces, operations }
}
