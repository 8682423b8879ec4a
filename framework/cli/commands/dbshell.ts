/**
 * @module `framework dbshell`: the database's own command-line client on the configured
 * database: `sqlite3 FILE` or `psql URL`, with the terminal handed over to it.
 */
import { spawn } from 'node:child_process'
import { isAbsolute, resolve } from 'node:path'
import { parseDatabaseUrl } from '../../db/index.ts'
import { CommandError, parseCommandArgs } from '../command.ts'
import type { Command } from '../command.ts'
import { DEFAULT_SETTINGS, loadSettings, ProjectLoadError } from '../dev-server/project-loading.ts'
import { databaseUrl, requireDatabase } from '../project-context.ts'
import { closeConnections, configureDatabases } from '../../db/index.ts'

/** The client program and its arguments for a database URL (`--` ARGS appended). */
export function clientCommand(
  url: string,
  cwd: string,
  extra: readonly string[],
): { program: string; args: string[]; env: Record<string, string>; install: string } {
  const target = parseDatabaseUrl(url)
  if (target.vendor === 'sqlite') {
    const file = target.filename === ':memory:' || isAbsolute(target.filename)
      ? target.filename
      : resolve(cwd, target.filename)
    return { program: 'sqlite3', args: [file, ...extra], env: {}, install: 'apt-get install sqlite3 (Debian/Ubuntu) or brew install sqlite' }
  }
  // psql takes the URL as its database name, except our own ?schema= parameter, which becomes
  // the search_path the framework's connections use.
  const parsed = new URL(target.url)
  const schema = parsed.searchParams.get('schema')
  parsed.searchParams.delete('schema')
  const env: Record<string, string> = schema ? { PGOPTIONS: `-c search_path=${schema}` } : {}
  return { program: 'psql', args: [parsed.toString(), ...extra], env, install: 'apt-get install postgresql-client (Debian/Ubuntu) or brew install libpq' }
}

/**
 * @example
 * ```ts
 * // npx framework dbshell
 * // npx framework dbshell -- -cmd '.tables'
 * ```
 */
export const dbshellCommand: Command = {
  name: 'dbshell',
  summary: "Open the database's command-line client (sqlite3 or psql) on the configured database.",
  usage: 'framework dbshell [--database ALIAS] [--settings MODULE] [-- CLIENT-ARGS...]',
  help: [
    'Runs sqlite3 on the SQLite file, or psql on the PostgreSQL URL, of DATABASES[ALIAS], with',
    'this terminal. Arguments after -- go to the client. The client program must be installed.',
    '',
    '  --database ALIAS   the DATABASES alias (default: default)',
    `  --settings MODULE  the settings module (default ${DEFAULT_SETTINGS})`,
  ].join('\n'),
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs('dbshell', argv, {
      database: { type: 'string' },
      settings: { type: 'string' },
    })
    let settings
    try {
      settings = await loadSettings(ctx.cwd, values.settings)
    } catch (error) {
      if (!(error instanceof ProjectLoadError)) throw error
      throw new CommandError('CLI-E03', error.failure.message, { hint: error.failure.hint })
    }
    const alias = values.database ?? 'default'
    const url = databaseUrl(settings, alias)
    await configureDatabases(settings.DATABASES)
    try {
      await requireDatabase(settings, alias, ctx.cwd)
    } finally {
      await closeConnections()
    }
    const { program, args, env, install } = clientCommand(url, ctx.cwd, positionals)
    return new Promise<number>((resolvePromise, reject) => {
      const child = spawn(program, args, {
        cwd: ctx.cwd,
        env: { ...ctx.env, ...env },
        stdio: 'inherit',
      })
      child.once('error', (error: NodeJS.ErrnoException) => {
        reject(
          error.code === 'ENOENT'
            ? new CommandError('CLI-E03', `${program} is not installed (not found on PATH): dbshell needs it for this ${program === 'psql' ? 'PostgreSQL' : 'SQLite'} database`, { hint: `install it: ${install}` })
            : error,
        )
      })
      child.once('exit', (code, signal) => resolvePromise(code ?? (signal ? 1 : 0)))
    })
  },
}
