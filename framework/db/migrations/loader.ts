/**
 * @module Loading migration files: `<app>/migrations/NNNN_name.ts` for each installed app, each
 * exporting (as default) what `migrations.define()` returns.
 */
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { importProjectModule } from '../../conf/index.ts'
import { MigrationGraph } from './graph.ts'
import { isDefinedMigration, type Migration } from './migration.ts'
import { MigrationError } from './migration-error.ts'
import { applyReplacements } from './replacements.ts'

/** Where an app keeps its migrations (an AppConfig has both). */
export interface MigrationSource {
  readonly label: string
  readonly migrationsPath: string
}

/** `0001_initial.ts` → `0001_initial`; other files (helpers, index.ts, .d.ts) are not migrations. */
export function migrationName(file: string): string | undefined {
  const match = /^(\d{4}_\w+)\.(ts|js|mts|mjs)$/.exec(file)
  return match && !file.endsWith('.d.ts') ? match[1] : undefined
}

/** The migration files of an app folder, by name. */
export function migrationFiles(source: MigrationSource): { name: string; file: string }[] {
  if (!existsSync(source.migrationsPath)) return []
  return readdirSync(source.migrationsPath)
    .map((file) => ({ name: migrationName(file), file: join(source.migrationsPath, file) }))
    .filter((entry): entry is { name: string; file: string } => entry.name !== undefined)
    .sort((a, b) => a.name.localeCompare(b.name))
}

/**
 * Imports every app's migrations.
 *
 * @example
 * ```ts
 * const graph = await loadMigrationGraph(getApps().all())
 * graph.leaf('polls')?.name // '0003_choice_votes'
 * ```
 */
export async function loadMigrations(sources: readonly MigrationSource[]): Promise<Migration[]> {
  const out: Migration[] = []
  for (const source of sources) {
    for (const { name, file } of migrationFiles(source)) {
      let module: Record<string, unknown>
      try {
        // Why the mtime query: a file rewritten in this process (tests, makemigrations then migrate) is re-read.
        module = await importProjectModule(file, `?mtime=${statSync(file).mtimeMs}`)
      } catch (cause) {
        throw new MigrationError(
          'migrations.E001',
          `Migration ${file} failed to load: ${cause instanceof Error ? cause.message.split('\n')[0] : String(cause)}`,
          { hint: 'fix the file (run npx tsc --noEmit to see the error in place)', cause },
        )
      }
      const defined = module.default ?? module.migration
      if (!isDefinedMigration(defined)) {
        throw new MigrationError(
          'migrations.E001',
          `Migration ${file} does not export a migration`,
          {
            hint: 'end the file with `export default migrations.define({ dependencies: [...], operations: [...] })`',
          },
        )
      }
      out.push({
        app: source.label,
        name,
        file,
        dependencies: defined.dependencies ?? [],
        operations: defined.operations,
        atomic: defined.atomic ?? true,
        replaces: defined.replaces ?? [],
      })
    }
  }
  return out
}

/**
 * Loads every app's migrations into a graph (checking dependencies and cycles), a squashed
 * migration standing in for the ones it replaces unless only some of those are applied.
 */
export async function loadMigrationGraph(
  sources: readonly MigrationSource[],
  applied: ReadonlySet<string> = new Set(),
): Promise<MigrationGraph> {
  return new MigrationGraph(applyReplacements(await loadMigrations(sources), applied))
}
