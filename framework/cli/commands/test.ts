/**
 * @module `framework test [VITEST-ARGS...]`: the project's tests (vitest) against a test database
 * of their own, built before the run and dropped after it, so the development database is never
 * touched.
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { CommandError, parseCommandArgs } from '../command.ts'
import type { Command } from '../command.ts'
import { DEFAULT_SETTINGS } from '../dev-server/project-loading.ts'
import { loadProject } from '../project-context.ts'
import { createTestDatabase } from '../test-database.ts'

/**
 * @example
 * ```ts
 * // npx framework test
 * // npx framework test polls -- -t "voting"
 * ```
 */
export const testCommand: Command = {
  name: 'test',
  summary: "Run the project's tests (vitest) on a fresh test database.",
  usage: 'framework test [FILTER...] [--keepdb] [--settings MODULE] [-- VITEST-ARGS...]',
  help: [
    'Creates a test database next to DATABASES.default (a temporary SQLite file, or',
    'test_<name> on PostgreSQL), builds the tables of every installed app, then runs',
    '`vitest run` with DATABASE_URL pointing at it, one test file at a time (the files share',
    'the database). FILTERs narrow the test files, as vitest takes them; arguments after --',
    'go to vitest. The exit code is vitest\'s. The test database is dropped afterwards.',
    '',
    '  --keepdb           keep the test database (its URL is printed)',
    `  --settings MODULE  the settings module (default ${DEFAULT_SETTINGS})`,
  ].join('\n'),
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs('test', argv, {
      keepdb: { type: 'boolean' },
      settings: { type: 'string' },
    })
    const { settings, apps } = await loadProject(ctx.cwd, values.settings)
    const vitest = join(ctx.cwd, 'node_modules', '.bin', 'vitest')
    if (!existsSync(vitest)) {
      throw new CommandError('CLI-E03', `vitest is not installed in ${ctx.cwd}`, {
        hint: 'run npm install (a project made by startproject lists vitest in devDependencies)',
      })
    }
    const testDb = await createTestDatabase(settings, apps)
    ctx.stdout.write(`Created the test database ${testDb.url}\n`)
    try {
      return await new Promise<number>((resolve, reject) => {
        const child = spawn(vitest, ['run', '--no-file-parallelism', ...positionals], {
          cwd: ctx.cwd,
          env: { ...ctx.env, DATABASE_URL: testDb.url, FRAMEWORK_TEST: '1' },
          stdio: ['ignore', 'pipe', 'pipe'],
        })
        child.stdout.on('data', (chunk: Buffer) => ctx.stdout.write(chunk))
        child.stderr.on('data', (chunk: Buffer) => ctx.stderr.write(chunk))
        child.once('error', reject)
        child.once('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)))
      })
    } finally {
      if (values.keepdb) ctx.stdout.write(`Kept the test database ${testDb.url}\n`)
      else {
        await testDb.destroy()
        ctx.stdout.write('Destroyed the test database\n')
      }
    }
  },
}
