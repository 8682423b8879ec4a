/**
 * @module `framework makemigrations [app...]`: writes the migrations the model changes need, one
 * numbered file per changed app, named after what it does. Asks about renames and about values
 * for new non-null fields on stdin, or takes the answers from flags for non-interactive runs.
 */
import { relative } from 'node:path'
import {
  closeConnections,
  interactiveQuestioner,
  makeMigrations,
  nonInteractiveQuestioner,
  parseDefaultValue,
  type QuestionerAnswers,
} from '../../db/index.ts'
import { CommandError, parseCommandArgs } from '../command.ts'
import type { Command } from '../command.ts'
import { DEFAULT_SETTINGS } from '../dev-server/project-loading.ts'
import { asCommandError, loadMigrationProject } from './migrate.ts'

function parseDefaults(given: readonly string[]): Map<string, unknown> {
  const out = new Map<string, unknown>()
  for (const entry of given) {
    const at = entry.indexOf('=')
    if (at <= 0)
      throw new CommandError(
        'CLI-E02',
        `--default ${JSON.stringify(entry)} must be FIELD=VALUE (or Model.FIELD=VALUE)`,
        {
          hint: '--default votes=0 --default Question.slug=untitled',
        },
      )
    out.set(entry.slice(0, at), parseDefaultValue(entry.slice(at + 1)))
  }
  return out
}

/** `framework makemigrations [APP...] [--name NAME] [--empty] [--dry-run] [--check] [--noinput] ...`. */
export const makemigrationsCommand: Command = {
  name: 'makemigrations',
  summary: 'Write new migrations from the changes to the models.',
  usage:
    'framework makemigrations [APP...] [--name NAME] [--empty] [--dry-run] [--check] [--noinput] [--rename yes|no] [--default FIELD=VALUE]... [--settings MODULE]',
  help: [
    'Replays the existing migrations into a state, compares it with the models of the installed',
    'apps (or only the APPs named), and writes <app>/migrations/NNNN_<what_it_does>.ts for each',
    'app that changed. Prints "No changes detected" when nothing did.',
    '',
    '  --name NAME            the name after the number (default: from the operations)',
    '  --empty                an empty migration for each APP named, for a data migration',
    '  --dry-run              print the files that would be written, write nothing',
    '  --check                exit 1 if a migration is missing (for CI), write nothing',
    '  --noinput              ask nothing: renames are treated as remove + add unless --rename yes,',
    '                         and a non-null field without a default needs --default',
    '  --rename yes|no        answer every "was X renamed to Y?" question',
    '  --default FIELD=VALUE  the value existing rows get for a new non-null field (JSON or text;',
    '                         FIELD may be Model.field), repeatable',
    `  --settings MODULE      the settings module (default ${DEFAULT_SETTINGS})`,
  ].join('\n'),
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs('makemigrations', argv, {
      name: { type: 'string' },
      empty: { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      check: { type: 'boolean' },
      noinput: { type: 'boolean' },
      rename: { type: 'string' },
      default: { type: 'string', multiple: true },
      settings: { type: 'string' },
    })
    if (values.rename !== undefined && values.rename !== 'yes' && values.rename !== 'no')
      throw new CommandError(
        'CLI-E02',
        `--rename must be yes or no, got ${JSON.stringify(values.rename)}`,
        {
          hint: 'framework makemigrations --noinput --rename yes',
        },
      )
    if (values.empty && !positionals.length)
      throw new CommandError('CLI-E02', '--empty needs the APP to make the migration for', {
        hint: 'framework makemigrations polls --empty --name fill_slugs',
      })
    const answers: QuestionerAnswers = {
      ...(values.rename ? { rename: values.rename as 'yes' | 'no' } : {}),
      defaults: parseDefaults(values.default ?? []),
    }
    const questioner = values.noinput
      ? nonInteractiveQuestioner(answers)
      : interactiveQuestioner(ctx.stdin, ctx.stdout, answers)
    const { apps } = await loadMigrationProject(ctx, values.settings)
    const dryRun = values['dry-run'] === true || values.check === true
    try {
      const written = await makeMigrations(apps.all(), {
        ...(positionals.length ? { appLabels: positionals } : {}),
        questioner,
        ...(values.name ? { name: values.name } : {}),
        empty: values.empty ?? false,
        dryRun,
      })
      if (!written.length) {
        ctx.stdout.write(
          `No changes detected${positionals.length ? ` in app${positionals.length > 1 ? 's' : ''} ${positionals.map((p) => `'${p}'`).join(', ')}` : ''}\n`,
        )
        return 0
      }
      for (const migration of written) {
        ctx.stdout.write(
          `Migrations for '${migration.app}':\n  ${relative(ctx.cwd, migration.path)}\n`,
        )
        for (const operation of migration.operations)
          ctx.stdout.write(`    - ${operation.describe()}\n`)
        if (values['dry-run']) ctx.stdout.write(`\n${migration.text}\n`)
      }
      if (values.check) {
        throw new CommandError(
          'CLI-E03',
          `${written.length} migration(s) missing for the model changes above`,
          {
            hint: 'run framework makemigrations and commit the files',
          },
        )
      }
      return 0
    } catch (error) {
      throw asCommandError(error)
    } finally {
      await closeConnections()
    }
  },
}
