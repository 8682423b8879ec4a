/**
 * @module `framework migrate [app] [target]`: applies the project's migrations in dependency order
 * (or rolls an app back to a migration, or to `zero`), each in its own transaction, and records
 * them in framework_migrations. Also home of the project loading the other migration commands share.
 */
import { ImproperlyConfigured } from '../../conf/index.ts'
import type { Settings } from '../../conf/index.ts'
import {
  closeConnections,
  makeMigrations,
  MigrationError,
  MigrationRecorder,
  migrate,
} from '../../db/index.ts'
import type { AppRegistry, PlanStep } from '../../db/index.ts'
import { CommandError, parseCommandArgs } from '../command.ts'
import { loadProject } from '../project-context.ts'
import type { Command, CommandContext } from '../command.ts'
import { DEFAULT_SETTINGS, oneLine } from '../dev-server/project-loading.ts'

/**
 * Loads the settings module and runs setup(): databases configured, apps and models loaded. The
 * one loader every project command uses (framework/cli/project-context.ts), so a settings or app
 * error reads the same whatever the command.
 */
export async function loadMigrationProject(
  ctx: CommandContext,
  settingsModule: string | undefined,
): Promise<{ settings: Settings; apps: AppRegistry }> {
  return loadProject(ctx.cwd, settingsModule)
}

/**
 * A failure of the migrations engine or the database as a one-line CommandError with a hint
 * (a MigrationError carries its own; a database that cannot be reached gets one here).
 */
export function asCommandError(error: unknown): unknown {
  if (error instanceof CommandError) return error
  if (error instanceof MigrationError)
    return new CommandError('CLI-E03', `${error.code}: ${oneLine(error.message)}`, {
      hint: error.hint,
      cause: error,
    })
  if (error instanceof ImproperlyConfigured)
    return new CommandError('CLI-E03', `${error.code}: ${oneLine(error.message)}`, {
      hint: 'fix INSTALLED_APPS or the app named above',
      cause: error,
    })
  const code = (error as { code?: unknown } | null)?.code
  const message = error instanceof Error ? oneLine(error.message) : String(error)
  if (
    code === '3D000' ||
    code === 'ECONNREFUSED' ||
    code === 'SQLITE_CANTOPEN' ||
    (error instanceof Error && error.name === 'ConnectionError')
  )
    return new CommandError('CLI-E03', `cannot use the database: ${message}`, {
      hint: 'check DATABASES in the settings (or DATABASE_URL); create the database first (createdb NAME) or fix the path',
      cause: error,
    })
  return error
}

/** Django's reminder: model changes that no migration holds yet are not applied by migrate. */
async function warnUnmigratedChanges(apps: AppRegistry, ctx: CommandContext): Promise<void> {
  let changed: string[]
  try {
    const pending = await makeMigrations(apps.all(), {
      dryRun: true,
      // Only "is anything missing?" matters here: answer every question without asking.
      questioner: {
        askRenameModel: async () => false,
        askRenameField: async () => false,
        askNotNullAddition: async () => null,
        askNotNullAlteration: async () => null,
      },
    })
    changed = pending.map((m) => m.app)
  } catch {
    return
  }
  if (!changed.length) return
  ctx.stdout.write(
    `  Your models in app(s): ${changed.map((a) => `'${a}'`).join(', ')} have changes that are not yet reflected in a migration, and so won't be applied.\n` +
      "  Run 'framework makemigrations' to make new migrations, and then re-run 'framework migrate' to apply them.\n",
  )
}

/**
 * Django's post_migrate for auth: once auth's tables exist, every installed model gets its
 * add/change/delete/view permissions, so the admin and permissionRequired work right after
 * `migrate` (not only after createsuperuser).
 */
async function createDefaultPermissions(apps: AppRegistry, using: string): Promise<void> {
  if (!apps.has('auth') || using !== 'default') return
  const applied = await new MigrationRecorder(using).applied()
  if (![...applied.keys()].some((key) => key.startsWith('auth.'))) return
  const { createPermissions } = await import('../../contrib/auth/index.ts')
  await createPermissions(apps)
}

function describeStep(step: PlanStep): string {
  return `${step.backwards ? 'Unapplying' : 'Applying'} ${step.migration.app}.${step.migration.name}`
}

/** `framework migrate [app] [target] [--fake] [--plan] [--database ALIAS] [--settings MODULE]`. */
export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'Apply (or roll back) database migrations.',
  usage:
    'framework migrate [APP [MIGRATION|zero]] [--plan] [--fake] [--database ALIAS] [--settings MODULE]',
  help: [
    'Without arguments, applies every unapplied migration of every installed app, in dependency',
    'order, each in its own transaction. With APP, migrates that app to its latest migration; with',
    'APP MIGRATION (a name or its number, e.g. 0002), forwards or back to that migration; with',
    "APP zero, unapplies all of the app's migrations (and those of other apps that depend on them).",
    '',
    '  --plan               print what would run, run nothing',
    '  --fake               record the migrations as applied/unapplied without running them',
    '  --database ALIAS     the DATABASES alias (default: default)',
    `  --settings MODULE    the settings module (default ${DEFAULT_SETTINGS})`,
  ].join('\n'),
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs('migrate', argv, {
      plan: { type: 'boolean' },
      fake: { type: 'boolean' },
      database: { type: 'string' },
      settings: { type: 'string' },
    })
    if (positionals.length > 2)
      throw new CommandError('CLI-E02', `unexpected argument ${JSON.stringify(positionals[2])}`, {
        hint: 'framework migrate [APP [MIGRATION|zero]]',
      })
    const [app, name] = positionals
    const { apps } = await loadMigrationProject(ctx, values.settings)
    let running = false
    try {
      if (app && !apps.has(app))
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
      ctx.stdout.write(
        `Operations to perform:\n  ${
          app
            ? `Target ${app} ${name ?? '(latest)'}`
            : `Apply all migrations: ${
                apps
                  .all()
                  .map((a) => a.label)
                  .join(', ') || '(no apps)'
              }`
        }\n`,
      )
      const steps = await migrate(apps.all(), {
        ...(app ? { app } : {}),
        ...(name ? { name } : {}),
        ...(values.database ? { using: values.database } : {}),
        fake: values.fake ?? false,
        planOnly: values.plan ?? false,
        onStart: (step) => {
          running = true
          ctx.stdout.write(`  ${describeStep(step)}...`)
        },
        onDone: () => {
          running = false
          ctx.stdout.write(values.fake ? ' FAKED\n' : ' OK\n')
        },
      })
      if (values.plan) {
        ctx.stdout.write('Planned operations:\n')
        for (const step of steps) {
          ctx.stdout.write(
            `${step.migration.app}.${step.migration.name}${step.backwards ? ' (backwards)' : ''}\n`,
          )
          for (const operation of step.migration.operations)
            ctx.stdout.write(`    ${operation.describe()}\n`)
        }
      }
      if (!steps.length) ctx.stdout.write('  No migrations to apply.\n')
      if (!values.plan) {
        await createDefaultPermissions(apps, values.database ?? 'default')
        await warnUnmigratedChanges(apps, ctx)
      }
      return 0
    } catch (error) {
      if (running) ctx.stdout.write(' FAILED\n')
      throw asCommandError(error)
    } finally {
      await closeConnections()
    }
  },
}
