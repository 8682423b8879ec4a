/**
 * @module makemigrations as a function: load the migrations, replay them into a state, diff it
 * with the declared models, and write the next numbered file of each changed app (or report
 * what it would write). The command line (framework/cli/commands/makemigrations.ts) is a thin
 * wrapper that parses flags and prints.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ModelRuntime } from '../models/model-meta.ts'
import { modelState } from '../models/model-state.ts'
import { autodetect, stateOfModels } from './autodetector.ts'
import { stateAfter } from './executor.ts'
import { loadMigrationGraph, type MigrationSource } from './loader.ts'
import type { MigrationKey } from './migration.ts'
import type { Operation } from './operations/operation.ts'
import { MigrationError } from './migration-error.ts'
import type { Questioner } from './questioner.ts'
import { nonInteractiveQuestioner } from './questioner.ts'
import { suggestName, writeMigration } from './writer.ts'

/** An app as makemigrations needs it (an AppConfig has all of this). */
export interface MigratableApp extends MigrationSource {
  readonly models: readonly ModelRuntime[]
}

/** Options of {@link makeMigrations}. */
export interface MakeMigrationsOptions {
  /** Only these app labels (default: every app). */
  readonly appLabels?: readonly string[]
  readonly questioner?: Questioner
  /** The name after the number (`--name`); default: from the operations. */
  readonly name?: string
  /** An empty migration for each named app (`--empty`), for a data migration. */
  readonly empty?: boolean
  /** Compute and return the files without writing them (`--dry-run`, `--check`). */
  readonly dryRun?: boolean
  /** What the files import (default `framework/db`). */
  readonly importFrom?: string
}

/** A migration makemigrations wrote (or would write). */
export interface WrittenMigration {
  readonly app: string
  readonly name: string
  readonly path: string
  readonly text: string
  readonly operations: readonly Operation[]
}

function nextNumber(existing: readonly { name: string }[]): string {
  const highest = Math.max(0, ...existing.map((m) => Number.parseInt(m.name.slice(0, 4), 10)))
  return String(highest + 1).padStart(4, '0')
}

/**
 * Writes the migrations the model changes need.
 *
 * @example
 * ```ts
 * const written = await makeMigrations(getApps().all(), { appLabels: ['polls'] })
 * for (const m of written) console.log(m.path) // polls/migrations/0002_choice_votes.ts
 * ```
 */
export async function makeMigrations(
  apps: readonly MigratableApp[],
  options: MakeMigrationsOptions = {},
): Promise<WrittenMigration[]> {
  const known = new Set(apps.map((app) => app.label))
  for (const label of options.appLabels ?? []) {
    if (!known.has(label))
      throw new MigrationError(
        'migrations.E008',
        `No installed app with label ${JSON.stringify(label)} (installed: ${[...known].join(', ')})`,
        {
          hint: 'check INSTALLED_APPS in your settings, or the spelling',
        },
      )
  }
  if (options.name !== undefined && !/^\w+$/.test(options.name))
    throw new MigrationError(
      'migrations.E008',
      `--name ${JSON.stringify(options.name)} must be letters, digits and _`,
      {
        hint: '--name choice_votes',
      },
    )
  const graph = await loadMigrationGraph(apps)
  const labels = options.appLabels?.length ? options.appLabels : apps.map((app) => app.label)
  const changes = new Map<string, { operations: Operation[]; references: Set<string> }>()
  if (options.empty) {
    for (const label of labels) changes.set(label, { operations: [], references: new Set() })
  } else {
    const from = stateAfter(graph)
    const to = stateOfModels(apps.flatMap((app) => app.models.map(modelState)))
    const detected = await autodetect(
      from,
      to,
      options.questioner ?? nonInteractiveQuestioner(),
      labels,
    )
    for (const [label, change] of detected) changes.set(label, change)
  }
  // Name every new migration first, so dependencies between this run's files can be written.
  const planned = new Map<string, { name: string; initial: boolean }>()
  for (const [label, change] of changes) {
    const existing = graph.appMigrations(label)
    const leaf = graph.leaf(label)
    const name = `${nextNumber(existing)}_${options.name ?? suggestName(change.operations, !leaf && !options.empty)}`
    planned.set(label, { name, initial: !leaf })
  }
  const written: WrittenMigration[] = []
  for (const [label, change] of changes) {
    const app = apps.find((a) => a.label === label)!
    const dependencies: MigrationKey[] = []
    const leaf = graph.leaf(label)
    if (leaf) dependencies.push([label, leaf.name])
    const otherApps = [
      ...new Set([...change.references].map((target) => target.split('.')[0]!)),
    ].sort()
    for (const other of otherApps) {
      const mine = planned.get(other)
      const theirs = mine ? mine.name : graph.leaf(other)?.name
      if (theirs) dependencies.push([other, theirs])
    }
    const name = planned.get(label)!.name
    const text = writeMigration({
      dependencies,
      operations: change.operations,
      ...(options.importFrom ? { importFrom: options.importFrom } : {}),
    })
    const path = join(app.migrationsPath, `${name}.ts`)
    if (!options.dryRun) {
      mkdirSync(app.migrationsPath, { recursive: true })
      writeFileSync(path, text)
    }
    written.push({ app: label, name, path, text, operations: change.operations })
  }
  return written
}
