/**
 * @module `framework showurls`: prints every route of ROOT_URLCONF (full route, name, view), and
 * the settings loader that the project commands (showurls, collectstatic) share.
 */
import { isAbsolute, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Settings } from '../../conf/index.ts'
import { URLResolver } from '../../urls/index.ts'
import { CommandError, parseCommandArgs } from '../command.ts'
import type { Command } from '../command.ts'

/** The default settings module, relative to the working directory. */
export const DEFAULT_SETTINGS_MODULE = 'project/settings.ts'

async function importFrom(
  cwd: string,
  file: string,
  what: string,
): Promise<Record<string, unknown>> {
  const full = isAbsolute(file) ? file : resolve(cwd, file)
  try {
    return (await import(pathToFileURL(full).href)) as Record<string, unknown>
  } catch (error) {
    throw new CommandError(
      'CLI-E03',
      `cannot import ${what} ${JSON.stringify(file)} (${full}): ${(error as Error).message}`,
      {
        hint: `pass --settings path/to/settings.ts (default ${DEFAULT_SETTINGS_MODULE})`,
        cause: error,
      },
    )
  }
}

/**
 * Imports the settings module (its `settings` export, a defineSettings() result).
 *
 * @example
 * ```ts
 * const settings = await loadProjectSettings(ctx.cwd, 'project/settings.ts')
 * ```
 */
export async function loadProjectSettings(
  cwd: string,
  module = DEFAULT_SETTINGS_MODULE,
): Promise<Settings> {
  const mod = await importFrom(cwd, module, 'the settings module')
  const settings = mod['settings']
  if (typeof settings !== 'object' || settings === null || !('INSTALLED_APPS' in settings)) {
    throw new CommandError(
      'CLI-E03',
      `${JSON.stringify(module)} has no 'settings' export made by defineSettings()`,
      {
        hint: 'export const settings = defineSettings({ ... })',
      },
    )
  }
  return settings as Settings
}

/** The resolver of the project's ROOT_URLCONF. */
export async function loadProjectResolver(cwd: string, settings: Settings): Promise<URLResolver> {
  const root = settings.ROOT_URLCONF
  if (root === undefined)
    throw new CommandError('CLI-E03', 'ROOT_URLCONF is not set', {
      hint: "ROOT_URLCONF: 'project/urls.ts'",
    })
  const mod =
    typeof root === 'string'
      ? await importFrom(cwd, root, 'ROOT_URLCONF')
      : (root as Record<string, unknown>)
  if (!('urlpatterns' in mod))
    throw new CommandError('CLI-E03', 'ROOT_URLCONF has no urlpatterns export', {
      hint: 'export const urlpatterns = [path(...)]',
    })
  return new URLResolver(mod['urlpatterns'])
}

/**
 * The table showurls prints: one line per route, columns aligned.
 *
 * @example
 * ```ts
 * formatUrlTable(resolver.routes()) // '/polls/<int:id>/  polls:detail  detail\n...'
 * ```
 */
export function formatUrlTable(routes: ReturnType<URLResolver['routes']>): string {
  const rows = routes.map((r) => [`/${r.route}`, r.name ?? '', r.viewName])
  const header = ['ROUTE', 'NAME', 'VIEW']
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)))
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd()
  return [line(header), ...rows.map(line)].join('\n') + '\n'
}

/** `framework showurls [--settings MODULE] [--json]`. */
export const showurlsCommand: Command = {
  name: 'showurls',
  summary: "Print every URL pattern of the project's ROOT_URLCONF.",
  usage: 'framework showurls [--settings MODULE] [--json]',
  help: [
    'Lists each route with its full path (prefixes of include() applied), its name (with',
    'namespaces, as reverse() takes it) and its view, in the order the resolver tries them.',
    '',
    `  --settings MODULE  the settings module (default ${DEFAULT_SETTINGS_MODULE})`,
    '  --json             print a JSON array instead of the table',
  ].join('\n'),
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs('showurls', argv, {
      settings: { type: 'string' },
      json: { type: 'boolean' },
    })
    if (positionals.length)
      throw new CommandError('CLI-E02', `unexpected argument ${JSON.stringify(positionals[0])}`, {
        hint: 'framework showurls [--settings MODULE]',
      })
    const settings = await loadProjectSettings(ctx.cwd, values.settings)
    const routes = (await loadProjectResolver(ctx.cwd, settings)).routes()
    ctx.stdout.write(
      values.json
        ? `${JSON.stringify(
            routes.map((r) => ({ ...r, route: `/${r.route}` })),
            null,
            2,
          )}\n`
        : formatUrlTable(routes),
    )
    return 0
  },
}
