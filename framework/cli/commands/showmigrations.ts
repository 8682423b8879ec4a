/**
 * @module `framework showmigrations [app...]`: each app's migrations, `[X]` when applied.
 */
import { closeConnections, MigrationError, showMigrations } from '../../db/index.ts'
import { parseCommandArgs } from '../command.ts'
import type { Command } from '../command.ts'
import { DEFAULT_SETTINGS } from '../dev-server/project-loading.ts'
import { asCommandError, loadMigrationProject } from './migrate.ts'

/** `framework showmigrations [APP...] [--database ALIAS] [--settings MODULE]`. */
export const showmigrationsCommand: Command = {
  name: 'showmigrations',
  summary: "List each app's migrations and whether they are applied.",
  usage: 'framework showmigrations [APP...] [--database ALIAS] [--settings MODULE]',
  help: [
    'Prints every installed app (or only the APPs named) with its migrations, [X] for applied and',
    '[ ] for not applied, in the order migrate would apply them.',
    '',
    '  --database ALIAS     the DATABASES alias (default: default)',
    `  --settings MODULE    the settings module (default ${DEFAULT_SETTINGS})`,
  ].join('\n'),
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs('showmigrations', argv, {
      database: { type: 'string' },
      settings: { type: 'string' },
    })
    const { apps } = await loadMigrationProject(ctx, values.settings)
    try {
      for (const label of positionals) {
        if (!apps.has(label))
          throw new MigrationError(
            'migrations.E008',
            `no installed app with label ${JSON.stringify(label)} (installed: ${apps
              .all()
              .map((a) => a.label)
              .join(', ')})`,
            {
              hint: 'check INSTALLED_APPS in your settings, or the spelling',
            },
          )
      }
      const wanted = positionals.length
        ? apps.all().filter((a) => positionals.includes(a.label))
        : apps.all()
      const statuses = await showMigrations(
        apps.all(),
        values.database ? { using: values.database } : {},
      )
      for (const app of wanted) {
        ctx.stdout.write(`${app.label}\n`)
        const mine = statuses.filter((s) => s.app === app.label)
        if (!mine.length) ctx.stdout.write(' (no migrations)\n')
        for (const status of mine)
          ctx.stdout.write(` [${status.applied ? 'X' : ' '}] ${status.name}\n`)
      }
      return 0
    } catch (error) {
      throw asCommandError(error)
    } finally {
      await closeConnections()
    }
  },
}
