/**
 * @module `framework showurls`: prints every route of ROOT_URLCONF (full route, name, view), and
 * the settings loader that the project commands (showurls, collectstatic) share.
 */
import { writeFileSync } from 'node:fs'
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Settings } from '../../conf/index.ts'
import { builtinConverters, URLResolver } from '../../urls/index.ts'
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

/** Where the URL-name registry is declared (the module a generated file augments). */
const URL_NAMES_MODULE = resolve(import.meta.dirname, '../../urls/url-names.ts')
const CONVERTERS_MODULE = resolve(import.meta.dirname, '../../urls/converters.ts')

function importPath(fromFile: string, target: string): string {
  const rel = relative(dirname(fromFile), target).split(sep).join('/')
  return rel.startsWith('.') ? rel : `./${rel}`
}

/**
 * The source of a generated URL-name registry for `file`: a flat `UrlNames` interface written
 * as literal types, so reverse() and redirect() inside views never make the compiler go round
 * in a circle (views → urlpatterns → views), as deriving it from `typeof urlpatterns` can.
 *
 * @example
 * ```ts
 * writeFileSync(file, urlNamesSource(resolver.routes(), file))
 * ```
 */
export function urlNamesSource(routes: ReturnType<URLResolver['routes']>, file: string): string {
  const byName = new Map<string, string[]>()
  for (const route of routes) {
    if (route.name === undefined) continue
    const fields = route.params.map(({ name, converter }) => {
      const type =
        converter === 'int'
          ? 'number'
          : converter in builtinConverters
            ? 'string'
            : `import('${importPath(file, CONVERTERS_MODULE)}').ConverterTypes['${converter}']`
      return `${name}: ${type}`
    })
    const type = fields.length ? `{ ${fields.join('; ')} }` : '{}'
    const types = byName.get(route.name) ?? []
    if (!types.includes(type)) types.push(type)
    byName.set(route.name, types)
  }
  const lines = [...byName]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, types]) => {
      // Quoted only when needed, as prettier writes keys, so formatting the file changes nothing.
      const key = /^[A-Za-z_$][\w$]*$/.test(name) ? name : `'${name}'`
      return `    ${key}: ${types.join(' | ')}`
    })
  return [
    '// Generated by `framework showurls --types` from ROOT_URLCONF: do not edit. Run it again after',
    '// changing urlpatterns (a test fails while this file is out of date).',
    '/**',
    " * @module The project's URL names and the params each needs: the compiler checks reverse()",
    ' * and redirect() calls against them.',
    ' */',
    '',
    `declare module '${importPath(file, URL_NAMES_MODULE)}' {`,
    '  interface UrlNames {',
    ...lines,
    '  }',
    '}',
    '',
    'export {}',
    '',
  ].join('\n')
}

/** `framework showurls [--settings MODULE] [--json] [--types FILE]`. */
export const showurlsCommand: Command = {
  name: 'showurls',
  summary: "Print every URL pattern of the project's ROOT_URLCONF.",
  usage: 'framework showurls [--settings MODULE] [--json] [--types FILE]',
  help: [
    'Lists each route with its full path (prefixes of include() applied), its name (with',
    'namespaces, as reverse() takes it) and its view, in the order the resolver tries them.',
    '',
    `  --settings MODULE  the settings module (default ${DEFAULT_SETTINGS_MODULE})`,
    '  --json             print a JSON array instead of the table',
    '  --types FILE       write the typed URL-name registry (UrlNames) to FILE instead',
  ].join('\n'),
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs('showurls', argv, {
      settings: { type: 'string' },
      json: { type: 'boolean' },
      types: { type: 'string' },
    })
    if (positionals.length)
      throw new CommandError('CLI-E02', `unexpected argument ${JSON.stringify(positionals[0])}`, {
        hint: 'framework showurls [--settings MODULE]',
      })
    const settings = await loadProjectSettings(ctx.cwd, values.settings)
    const routes = (await loadProjectResolver(ctx.cwd, settings)).routes()
    if (values.types !== undefined) {
      const file = resolve(ctx.cwd, values.types)
      writeFileSync(file, urlNamesSource(routes, file))
      ctx.stdout.write(`URL names of ${routes.length} routes written to ${file}\n`)
      return 0
    }
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
