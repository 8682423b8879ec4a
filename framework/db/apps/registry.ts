/**
 * @module The app registry (Django's `apps`): the installed apps in INSTALLED_APPS order, each
 * with its label, folder, models and migrations folder. Built once at startup by `setup()`;
 * makemigrations, migrate, the admin and the test runner read it.
 *
 * An app is a folder. What the registry looks for in it, all optional:
 * - `models.ts` (or `models/index.ts`): every exported model is the app's (its `appLabel` must be
 *   the app's label, so table names and labels agree);
 * - `migrations/`: the app's migration files;
 * - `templates/`, `static/`, `commands/`: read by the template loader, staticfiles and the CLI.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { ImproperlyConfigured, importProjectModule } from '../../conf/index.ts'
import type { ModelRuntime } from '../models/model-meta.ts'
import { resolveApp, type AppLocation } from '../../conf/index.ts'

/** One installed app. */
export interface AppConfig extends AppLocation {
  /** The app's models, in declaration (export) order; auto-created through models excluded. */
  readonly models: readonly ModelRuntime[]
  /** `<app>/migrations`, whether or not it exists yet. */
  readonly migrationsPath: string
}

function isModel(value: unknown): value is ModelRuntime {
  return (
    typeof value === 'function' &&
    typeof (value as { meta?: { label?: unknown } }).meta?.label === 'string' &&
    typeof (value as { meta?: { appLabel?: unknown } }).meta?.appLabel === 'string'
  )
}

function modelsFile(path: string): string | undefined {
  for (const candidate of ['models.ts', 'models/index.ts', 'models.js', 'models/index.js']) {
    const file = join(path, candidate)
    if (existsSync(file)) return file
  }
  return undefined
}

async function loadModels(location: AppLocation): Promise<ModelRuntime[]> {
  const file = modelsFile(location.path)
  if (!file) return []
  let module: Record<string, unknown>
  try {
    module = await importProjectModule(file)
  } catch (cause) {
    throw new ImproperlyConfigured(
      'apps.E002',
      `The models of app ${JSON.stringify(location.label)} (${file}) failed to load: ${cause instanceof Error ? cause.message : String(cause)}`,
      [],
      { cause },
    )
  }
  const models = [...new Set(Object.values(module).filter(isModel))]
  for (const model of models) {
    if (model.meta.appLabel !== location.label) {
      throw new ImproperlyConfigured(
        'apps.E003',
        `Model ${model.meta.modelName} in ${file} declares appLabel ${JSON.stringify(model.meta.appLabel)}, ` +
          `but it lives in app ${JSON.stringify(location.label)}: set { appLabel: ${JSON.stringify(location.label)} } in its defineModel options.`,
      )
    }
  }
  return models.filter((model) => model.meta.options.autoCreated !== true)
}

/** The installed apps, looked up by label. */
export class AppRegistry {
  readonly #apps: ReadonlyMap<string, AppConfig>

  constructor(apps: readonly AppConfig[]) {
    const byLabel = new Map<string, AppConfig>()
    for (const app of apps) {
      const clash = byLabel.get(app.label)
      if (clash) {
        throw new ImproperlyConfigured(
          'apps.E004',
          `Two INSTALLED_APPS entries have the label ${JSON.stringify(app.label)} (${clash.name} and ${app.name}): app labels must be unique; rename one folder.`,
        )
      }
      byLabel.set(app.label, app)
    }
    this.#apps = byLabel
  }

  /** Every app, in INSTALLED_APPS order. */
  all(): AppConfig[] {
    return [...this.#apps.values()]
  }

  /** Whether an app with this label is installed. */
  has(label: string): boolean {
    return this.#apps.has(label)
  }

  /** The app with this label; a clear error names the installed ones otherwise. */
  get(label: string): AppConfig {
    const app = this.#apps.get(label)
    if (!app) {
      throw new ImproperlyConfigured(
        'apps.E005',
        `No installed app with label ${JSON.stringify(label)} (installed: ${[...this.#apps.keys()].join(', ') || 'none'}): check INSTALLED_APPS in your settings.`,
      )
    }
    return app
  }

  /** Every model of every installed app, in app order. */
  models(): ModelRuntime[] {
    return this.all().flatMap((app) => app.models)
  }
}

/**
 * Reads INSTALLED_APPS: resolves each entry, imports its models, checks labels.
 *
 * @example
 * ```ts
 * const apps = await loadApps(['framework/contrib/auth', 'polls'], process.cwd())
 * apps.get('polls').models // [Question, Choice]
 * ```
 */
export async function loadApps(installedApps: readonly string[], cwd: string): Promise<AppRegistry> {
  const configs: AppConfig[] = []
  for (const name of installedApps) {
    const location = resolveApp(name, cwd)
    configs.push({
      ...location,
      models: await loadModels(location),
      migrationsPath: join(location.path, 'migrations'),
    })
  }
  return new AppRegistry(configs)
}
