/**
 * @module A throwaway project on disk for the migration tests: package.json, project/settings.ts
 * reading DATABASE_URL, node_modules/framework linked to this checkout (so generated files import
 * `framework/db` as a real project does), app folders, and the CLI run as a real process.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'

export const repo = resolve(import.meta.dirname, '../../..')

/** A project folder and how to drive it. */
export interface TestProject {
  readonly dir: string
  /** Writes (or rewrites) a file of the project. */
  write(path: string, text: string): void
  /** Runs `framework <args>` in the project with DATABASE_URL set; stdin is closed (or `input`). */
  cli(args: readonly string[], input?: string): { code: number; stdout: string; stderr: string }
  remove(): void
}

/**
 * Creates a project whose settings install `apps` and use `databaseUrl`.
 *
 * @example
 * ```ts
 * const project = createProject(['library'], 'sqlite:/tmp/x/db.sqlite3')
 * project.write('library/models.ts', "...")
 * project.cli(['makemigrations', '--noinput'])
 * ```
 */
export function createProject(apps: readonly string[], databaseUrl: string): TestProject {
  const dir = mkdtempSync(join(tmpdir(), 'migrations-project-'))
  const write = (path: string, text: string): void => {
    mkdirSync(dirname(join(dir, path)), { recursive: true })
    writeFileSync(join(dir, path), text)
  }
  write('package.json', JSON.stringify({ name: 'history', type: 'module', private: true }))
  mkdirSync(join(dir, 'node_modules'))
  symlinkSync(repo, join(dir, 'node_modules', 'framework'))
  write(
    'project/settings.ts',
    `import { defineSettings } from 'framework'
export const settings = defineSettings({
  DEBUG: true,
  SECRET_KEY: '${'k'.repeat(64)}',
  INSTALLED_APPS: ${JSON.stringify(apps)},
  DATABASES: { default: { URL: process.env.DATABASE_URL ?? 'sqlite:db.sqlite3' } },
}, { env: {} })
`,
  )
  for (const app of apps) write(`${app}/models.ts`, 'export {}\n')
  return {
    dir,
    write,
    cli(args, input) {
      const result = spawnSync(process.execPath, [join(repo, 'bin/framework.js'), ...args], {
        cwd: dir,
        env: { ...process.env, DATABASE_URL: databaseUrl },
        input: input ?? '',
        encoding: 'utf8',
        timeout: 60_000,
      })
      return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr }
    },
    remove() {
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
