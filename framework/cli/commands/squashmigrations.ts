/**
 * @module `framework squashmigrations app [start] end`: one migration standing for a run of an
 * app's migrations (Django's squashmigrations), with `replaces` so databases that applied the
 * old ones carry on.
 */
import { relative } from 'node:path'
import { closeConnections, squashMigrations } from '../../db/index.ts'
import { CommandError, parseCommandArgs } from '../command.ts'
import type { Command } from '../command.ts'
import { DEFAULT_SETTINGS } from '../dev-server/project-loading.ts'
import { asCommandError, loadMigrationProject } from './migrate.ts'

/** `framework squashmigrations APP [START] END [--name NAME] [--dry-run] [--settings MODULE]`. */
export const squashmigrationsCommand: Command = {
  name: 'squashmigrations',
  summary: "Squash a run of an app's migrations into one.",
  usage: 'framework squashmigrations APP [START] END [--name NAME] [--dry-run] [--settings MODULE]',
  help: [
    "Writes <app>/migrations/NNNN_squashed_<END>.ts with the operations of the app's migrations",
    'from START (default: the first) to END, and `replaces` listing them. New databases run the',
    'squashed file; databases that applied the old ones go on as before. Once every database has',
    'migrated past it, delete the replaced files and the `replaces` line.',
    '',
    "  --name NAME          the name after `_squashed_` (default: END's name)",
    '  --dry-run            print the file, write nothing',
    `  --settings MODULE    the settings module (default ${DEFAULT_SETTINGS})`,
  ].join('\n'),
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs('squashmigrations', argv, {
      name: { type: 'string' },
      'dry-run': { type: 'boolean' },
      settings: { type: 'string' },
    })
    if (positionals.length < 2 || positionals.length > 3)
      throw new CommandError(
        'CLI-E02',
        positionals.length < 2
          ? 'missing APP or END'
          : `unexpected argument ${JSON.stringify(positionals[3])}`,
        {
          hint: 'framework squashmigrations polls 0004',
        },
      )
    const [app, startOrEnd, maybeEnd] = positionals as [string, string, string | undefined]
    const { apps } = await loadMigrationProject(ctx, values.settings)
    try {
      const squashed = await squashMigrations(apps.all(), app, maybeEnd ?? startOrEnd, {
        ...(maybeEnd ? { start: startOrEnd } : {}),
        ...(values.name ? { name: values.name } : {}),
        dryRun: values['dry-run'] ?? false,
      })
      ctx.stdout.write(
        `Squashed ${squashed.replaces.length} migrations of '${app}' (${squashed.replaces.map(([, n]) => n).join(', ')}) into:\n  ${relative(ctx.cwd, squashed.path)}\n`,
      )
      for (const operation of squashed.operations)
        ctx.stdout.write(`    - ${operation.describe()}\n`)
      if (values['dry-run']) ctx.stdout.write(`\n${squashed.text}\n`)
      return 0
    } catch (error) {
      throw asCommandError(error)
    } finally {
      await closeConnections()
    }
  },
}
