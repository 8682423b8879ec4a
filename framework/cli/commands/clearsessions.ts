/**
 * @module `framework clearsessions`: deletes expired sessions (Django's command of the same
 * name). The database backend never deletes a row by itself, so run it daily from cron.
 */
import { isAbsolute, resolve } from 'node:path'
import type { Settings } from '../../conf/index.ts'
import { clearExpiredSessions } from '../../contrib/sessions/index.ts'
import { closeConnections, configureDatabases } from '../../db/index.ts'
import { CommandError, parseCommandArgs } from '../command.ts'
import type { Command } from '../command.ts'
import { DEFAULT_SETTINGS, loadSettings, ProjectLoadError } from '../dev-server/project-loading.ts'

/** DATABASES with relative SQLite paths made relative to the project directory, not the process's. */
function databasesFrom(settings: Settings, cwd: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(settings.DATABASES).map(([alias, { URL }]) => {
      const m = /^sqlite:(?!\/\/)(.+)$/.exec(URL)
      const path = m?.[1]
      return [
        alias,
        path && path !== ':memory:' && !isAbsolute(path) ? `sqlite:${resolve(cwd, path)}` : URL,
      ]
    }),
  )
}

/** `framework clearsessions [--settings MODULE]`. */
export const clearsessionsCommand: Command = {
  name: 'clearsessions',
  summary: 'Delete expired sessions from the session store (run it daily from cron).',
  usage: 'framework clearsessions [--settings MODULE]',
  help: [
    "Deletes the sessions whose expiry date has passed from SESSION_ENGINE's store and prints how",
    'many went. With the signed_cookies engine there is nothing to delete (browsers drop expired',
    'cookies, and the signature check refuses old ones).',
    '',
    `  --settings MODULE  the settings module (default ${DEFAULT_SETTINGS})`,
  ].join('\n'),
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs('clearsessions', argv, {
      settings: { type: 'string' },
    })
    if (positionals.length) {
      throw new CommandError('CLI-E02', `unexpected argument ${JSON.stringify(positionals[0])}`, {
        hint: 'framework clearsessions [--settings MODULE]',
      })
    }
    let settings: Settings
    try {
      settings = await loadSettings(ctx.cwd, values.settings)
    } catch (error) {
      if (!(error instanceof ProjectLoadError)) throw error
      throw new CommandError('CLI-E03', error.failure.message, {
        hint: error.failure.hint,
        cause: error,
      })
    }
    try {
      await configureDatabases(databasesFrom(settings, ctx.cwd))
      const removed = await clearExpiredSessions(settings)
      ctx.stdout.write(`Deleted ${removed} expired session${removed === 1 ? '' : 's'}.\n`)
      return 0
    } catch (error) {
      const text = `${(error as Error).message} ${String((error as { cause?: Error }).cause?.message ?? '')}`
      if (/no such table|does not exist/.test(text)) {
        throw new CommandError('CLI-E03', 'the database has no sessions table', {
          hint: "add 'framework/contrib/sessions' to INSTALLED_APPS and run 'framework migrate'",
          cause: error,
        })
      }
      throw new CommandError(
        'CLI-E03',
        `cannot clear sessions: ${(error as Error).message.split('\n')[0]}`,
        {
          hint: 'check DATABASES in your settings module',
          cause: error,
        },
      )
    } finally {
      await closeConnections()
    }
  },
}
