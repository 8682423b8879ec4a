/**
 * @module `framework dumpdata [APP_LABEL[.Model] ...]`: the database's rows as a JSON fixture in
 * Django's format, for loaddata, tests and moving data between databases.
 */
import { writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { closeConnections } from '../../db/index.ts'
import { CommandError, parseCommandArgs } from '../command.ts'
import type { Command } from '../command.ts'
import { DEFAULT_SETTINGS } from '../dev-server/project-loading.ts'
import { dumpModel, selectModels, type FixtureEntry } from '../fixtures.ts'
import { databaseUrl, loadProject, requireDatabase } from '../project-context.ts'

/**
 * @example
 * ```ts
 * // npx framework dumpdata polls --indent 2 > polls.json
 * // npx framework dumpdata polls.Question --output questions.json
 * ```
 */
export const dumpdataCommand: Command = {
  name: 'dumpdata',
  summary: 'Print the rows of the database (all apps, an app or a model) as a JSON fixture.',
  usage:
    'framework dumpdata [APP_LABEL[.Model] ...] [--indent N] [--output FILE] [--database ALIAS] [--settings MODULE]',
  help: [
    'Writes [{ "model": "polls.question", "pk": 1, "fields": { ... } }, ...] to stdout (or FILE),',
    'every installed app when no label is given, foreign-key targets before the rows that point',
    "at them, so 'framework loaddata' can read the file back.",
    '',
    '  --indent N         pretty-print with N spaces',
    '  --output FILE      write to FILE instead of stdout',
    '  --database ALIAS   the DATABASES alias to read (default: default)',
    `  --settings MODULE  the settings module (default ${DEFAULT_SETTINGS})`,
  ].join('\n'),
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs('dumpdata', argv, {
      indent: { type: 'string' },
      output: { type: 'string', short: 'o' },
      database: { type: 'string' },
      settings: { type: 'string' },
    })
    const indent = values.indent === undefined ? undefined : Number(values.indent)
    if (indent !== undefined && !(Number.isInteger(indent) && indent >= 0 && indent <= 10)) {
      throw new CommandError('CLI-E02', `--indent must be a number from 0 to 10, not ${JSON.stringify(values.indent)}`, {
        hint: 'framework dumpdata --indent 2',
      })
    }
    const { settings, apps } = await loadProject(ctx.cwd, values.settings)
    const using = values.database ?? 'default'
    databaseUrl(settings, using)
    try {
      const models = selectModels(apps, positionals)
      await requireDatabase(settings, using, ctx.cwd)
      const entries: FixtureEntry[] = []
      for (const model of models) entries.push(...(await dumpModel(model, using)))
      const text = `${JSON.stringify(entries, null, indent)}\n`
      if (values.output) writeFileSync(resolve(ctx.cwd, values.output), text)
      else ctx.stdout.write(text)
      if (values.output) ctx.stderr.write(`Dumped ${entries.length} object(s) to ${values.output}\n`)
      return 0
    } catch (error) {
      throw missingTable(error)
    } finally {
      await closeConnections()
    }
  },
}

/** "no such table" / "relation does not exist": the schema is older than the models. */
export function missingTable(error: unknown): unknown {
  const message = error instanceof Error ? error.message : ''
  const cause = (error as { cause?: { message?: string } }).cause?.message ?? ''
  const match = /no such table: (\S+)|relation "([^"]+)" does not exist/.exec(`${message} ${cause}`)
  if (!match) return error
  return new CommandError('CLI-E03', `the database has no table ${match[1] ?? match[2]}`, {
    hint: "run 'framework migrate' to create the tables of the installed apps",
    cause: error,
  })
}
