/**
 * @module A throwaway project on disk for the migration tests: package.json, project/settings.ts
 * naming the database (overridable by MIGRATIONS_TEST_DATABASE_URL), node_modules/framework
 * linked to this checkout (so generated files import
 * `framework/db` as a real project does), app folders, and the CLI run as a real process.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'

export const repo = resolve(import.meta.dirname, '../../..')
const tsxCli = join(repo, 'node_modules/tsx/dist/cli.mjs')

/** A project folder and how to drive it. */
export interface TestProject {
  readonly dir: string
  /** Writes (or rewrites) a file of the project. */
  write(path: string, text: string): void
  /** Runs `framework <args>` in the project with its database URL set; stdin is closed (or `input`). */
  cli(args: readonly string[], input?: string): { code: number; stdout: string; stderr: string }
  /**
   * Runs several `framework` commands in one new process, one after the other through the CLI's
   * main() (a process start costs seconds on a loaded machine; the models stay the same within it).
   */
  commands(list: readonly (readonly string[])[]): { code: number; stdout: string; stderr: string }[]
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
export function createProject(apps: readonly string[], databaseUrl?: string): TestProject {
  const dir = mkdtempSync(join(tmpdir(), 'migrations-project-'))
  // Absolute, so main() in a test process (whose cwd is the repository) finds the same file.
  const url = databaseUrl ?? `sqlite:${join(dir, 'db.sqlite3')}`
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
  DATABASES: { default: { URL: process.env.MIGRATIONS_TEST_DATABASE_URL ?? ${JSON.stringify(url)} } },
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
        env: { ...process.env, MIGRATIONS_TEST_DATABASE_URL: url },
        input: input ?? '',
        encoding: 'utf8',
        timeout: 60_000,
      })
      return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr }
    },
    commands(list) {
      const result = spawnSync(
        process.execPath,
        [tsxCli, join(repo, 'test/db/migrations/run-commands.ts'), JSON.stringify(list)],
        {
          cwd: dir,
          env: { ...process.env, MIGRATIONS_TEST_DATABASE_URL: url },
          input: '',
          encoding: 'utf8',
          timeout: 120_000,
        },
      )
      if (result.status !== 0)
        throw new Error(`run-commands exited ${result.status}\n${result.stdout}\n${result.stderr}`)
      return JSON.parse(
        result.stdout.slice(result.stdout.lastIndexOf('\n@@results ') + '\n@@results '.length),
      ) as {
        code: number
        stdout: string
        stderr: string
      }[]
    },
    remove() {
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
