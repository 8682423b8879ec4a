/**
 * @module What the project commands (shell, dbshell, dumpdata, loaddata, test and the apps' own
 * commands) do before their work: load the settings module, then setup() (DATABASES and
 * INSTALLED_APPS), with every failure turned into a one-line CommandError and a hint. Also the
 * check that the database they are about to use exists.
 */
import { existsSync } from 'node:fs'
import { dirname, isAbsolute, resolve } from 'node:path'
import type { Settings } from '../conf/index.ts'
import { getConnection, parseDatabaseUrl, setup, type AppRegistry } from '../db/index.ts'
import { CommandError } from './command.ts'
import {
  DEFAULT_SETTINGS,
  loadSettings,
  oneLine,
  ProjectLoadError,
} from './dev-server/project-loading.ts'

/** A loaded project: its settings and its installed apps. */
export interface LoadedProject {
  readonly settings: Settings
  readonly apps: AppRegistry
}

/**
 * Loads `settingsModule` from `cwd` and runs setup(); a CommandError (exit 1) names the file or
 * the app that failed and what to do.
 *
 * @example
 * ```ts
 * const { settings, apps } = await loadProject(ctx.cwd, values.settings)
 * ```
 */
export async function loadProject(
  cwd: string,
  settingsModule = DEFAULT_SETTINGS,
): Promise<LoadedProject> {
  let settings: Settings
  try {
    settings = await loadSettings(cwd, settingsModule)
  } catch (error) {
    if (error instanceof ProjectLoadError) {
      throw new CommandError('CLI-E03', error.failure.message, {
        hint: error.failure.hint,
        cause: error,
      })
    }
    throw error
  }
  try {
    return { settings, apps: await setup(settings, { cwd }) }
  } catch (error) {
    throw setupError(error, settingsModule)
  }
}

/** An app that cannot be found, models that do not load, a bad DATABASES URL: one line each. */
function setupError(error: unknown, settingsModule: string): CommandError {
  const err = error instanceof Error ? error : new Error(String(error))
  const code = String((err as { code?: unknown }).code ?? '')
  const message = oneLine(err.message)
  if (code === 'apps.E001' || code === 'apps.E004' || code === 'apps.E003') {
    return new CommandError('CLI-E03', message, {
      hint: `fix INSTALLED_APPS in ${settingsModule} (each entry a folder of the project or an installed package)`,
      cause: error,
    })
  }
  if (code === 'apps.E002') {
    const cause = (err as { cause?: unknown }).cause
    const where = cause instanceof Error ? firstUserFrame(cause) : undefined
    return new CommandError('CLI-E03', message, {
      hint: where ? `fix the error at ${where}` : 'fix the models module named above',
      cause: error,
    })
  }
  return new CommandError('CLI-E03', `cannot set up the project: ${message}`, {
    hint: `check DATABASES and INSTALLED_APPS in ${settingsModule}`,
    cause: error,
  })
}

function firstUserFrame(error: Error): string | undefined {
  const compiled = /(\/[^\s:]+\.[cm]?[jt]sx?):(\d+):(\d+)/.exec(error.message)
  if (compiled) return `${compiled[1]}:${compiled[2]}:${compiled[3]}`
  const frame = /\n\s+at .*?\(?(?:file:\/\/)?(\/[^():]+):(\d+):(\d+)/.exec(error.stack ?? '')
  return frame && !frame[1]!.includes('/node_modules/')
    ? `${frame[1]}:${frame[2]}:${frame[3]}`
    : undefined
}

/**
 * Fails with "database ... does not exist" unless the database of `alias` can be opened: a
 * SQLite file must exist (opening would otherwise create an empty one and every query would say
 * "no such table"), a PostgreSQL database must accept a connection.
 *
 * @example
 * ```ts
 * await requireDatabase(settings, 'default', ctx.cwd)
 * ```
 */
export async function requireDatabase(settings: Settings, alias: string, cwd: string) {
  const url = databaseUrl(settings, alias)
  const target = parseDatabaseUrl(url)
  if (target.vendor === 'sqlite') {
    if (target.filename === ':memory:') return
    const file = isAbsolute(target.filename) ? target.filename : resolve(cwd, target.filename)
    if (!existsSync(file)) {
      throw new CommandError('CLI-E03', `database ${JSON.stringify(alias)} does not exist: no file ${file}`, {
        hint: existsSync(dirname(file))
          ? "run 'framework migrate' first to create it, or set DATABASE_URL to the right file"
          : `the folder ${dirname(file)} does not exist either: fix DATABASES (or DATABASE_URL)`,
      })
    }
    return
  }
  try {
    await getConnection(alias).executor().selectNoFrom((eb) => eb.lit(1).as('one')).execute()
  } catch (error) {
    const reason = oneLine(error instanceof Error ? error.message : String(error))
    const missing = (error as { code?: unknown }).code === '3D000'
    throw new CommandError('CLI-E03', `cannot connect to database ${JSON.stringify(alias)}: ${reason}`, {
      hint: missing
        ? `create it (createdb ${new URL(url).pathname.slice(1)}) then run 'framework migrate'`
        : 'is PostgreSQL running, and are the host, port and user in DATABASE_URL right?',
      cause: error,
    })
  }
}

/** The URL of DATABASES[alias], or a CommandError naming the aliases that exist. */
export function databaseUrl(settings: Settings, alias: string): string {
  const entry = (settings.DATABASES as Record<string, { URL: string } | undefined>)[alias]
  if (!entry) {
    throw new CommandError('CLI-E03', `no database alias ${JSON.stringify(alias)} in DATABASES`, {
      hint: `use one of: ${Object.keys(settings.DATABASES).join(', ')}`,
    })
  }
  return entry.URL
}
