/**
 * @module `framework sqlmigrate app migration`: prints the SQL a migration runs on the configured
 * database's backend, without running it.
 */
import {
  closeConnections,
  collectMigrationSql,
  findMigration,
  loadMigrations,
  MigrationError,
  MigrationGraph,
} from '../../db/index.ts'
import { CommandError, parseCommandArgs } from '../command.ts'
import type { Command } from '../command.ts'
import { DEFAULT_SETTINGS } from '../dev-server/project-loading.ts'
import { asCommandError, loadMigrationProject } from './migrate.ts'

/** `framework sqlmigrate APP MIGRATION [--backwards] [--database ALIAS] [--settings MODULE]`. */
export const sqlmigrateCommand: Command = {
  name: 'sqlmigrate',
  summary: 'Print the SQL of one migration for the configured database.',
  usage: 'framework sqlmigrate APP MIGRATION [--backwards] [--database ALIAS] [--settings MODULE]',
  help: [
    'Prints the statements migrate would run for MIGRATION of APP (a name or its number, e.g.',
    '0002) on the backend of the database alias (SQLite or PostgreSQL), without running them.',
    '',
    '  --backwards          the SQL that unapplies it',
    '  --database ALIAS     the DATABASES alias (default: default)',
    `  --settings MODULE    the settings module (default ${DEFAULT_SETTINGS})`,
  ].join('\n'),
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs('sqlmigrate', argv, {
      backwards: { type: 'boolean' },
      database: { type: 'string' },
      settings: { type: 'string' },
    })
    if (positionals.length !== 2)
      throw new CommandError(
        'CLI-E02',
        positionals.length < 2
          ? 'missing APP or MIGRATION'
          : `unexpected argument ${JSON.stringify(positionals[2])}`,
        {
          hint: 'framework sqlmigrate polls 0002',
        },
      )
    const [app, name] = positionals as [string, string]
    const { apps } = await loadMigrationProject(ctx, values.settings)
    try {
      if (!apps.has(app))
        throw new MigrationError(
          'migrations.E008',
          `no installed app with label ${JSON.stringify(app)} (installed: ${apps
            .all()
            .map((a) => a.label)
            .join(', ')})`,
          {
            hint: 'check INSTALLED_APPS in your settings, or the spelling',
          },
        )
      // Every file, squashed or replaced, so any of them can be shown.
      const graph = new MigrationGraph(await loadMigrations(apps.all()))
      const migration = findMigration(graph, app, name)
      const statements = await collectMigrationSql(graph, migration, {
        backwards: values.backwards ?? false,
        ...(values.database ? { using: values.database } : {}),
      })
      ctx.stdout.write(`-- ${app}.${migration.name}${values.backwards ? ' (backwards)' : ''}\n`)
      ctx.stdout.write('BEGIN;\n')
      for (const statement of statements)
        ctx.stdout.write(statement.startsWith('--') ? `${statement}\n` : `${statement};\n`)
      ctx.stdout.write('COMMIT;\n')
      return 0
    } catch (error) {
      throw asCommandError(error)
    } finally {
      await closeConnections()
    }
  },
}
