/**
 * @module loadApplication: turns `MODULE:ATTR` (Gunicorn's and uWSGI's way of naming an
 * application) into the Application function, for the CGI host and for `serve`. Errors say what
 * was tried: the paths looked at, the exports that exist.
 */
import { existsSync, statSync } from 'node:fs'
import { isAbsolute, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Application } from './contract.ts'

/**
 * The error loadApplication throws. `code` says which step failed:
 * - `GW-L01`: the spec is malformed (empty module, bad attribute name);
 * - `GW-L02`: no file matches the module (the message lists the paths tried);
 * - `GW-L03`: the module was found but importing it threw (the original error is `cause`);
 * - `GW-L04`: the module has no such export (the message lists the exports it has);
 * - `GW-L05`: the export is not a function.
 *
 * @example
 * ```ts
 * import { LoadApplicationError, loadApplication } from 'framework/gateway'
 *
 * try {
 *   await loadApplication('project/wsgi.ts:aplication')
 * } catch (error) {
 *   if (error instanceof LoadApplicationError && error.code === 'GW-L04') console.error(error.message)
 * }
 * ```
 */
export class LoadApplicationError extends Error {
  override name = 'LoadApplicationError'
  readonly code: 'GW-L01' | 'GW-L02' | 'GW-L03' | 'GW-L04' | 'GW-L05'

  constructor(code: LoadApplicationError['code'], message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
  }
}

/** A parsed `MODULE:ATTR`. */
export interface ApplicationSpec {
  /** The module part, as written (a path, with or without extension). */
  module: string
  /** The export's name; `application` when the spec has no `:ATTR`. */
  attribute: string
}

/** Extensions tried, in order, when the module is written without one. */
// The order docs/gateway.md ("Loading an application") gives, so every server resolves alike.
const extensions = ['.ts', '.mts', '.js', '.mjs', '.tsx', '.cts', '.cjs'] as const

/**
 * Splits `MODULE[:ATTR]`. ATTR defaults to `application`, as in PEP 3333 servers.
 *
 * @example
 * ```ts
 * import { parseApplicationSpec } from 'framework/gateway'
 *
 * parseApplicationSpec('examples/hello_world.ts:processHttpRequest')
 * // { module: 'examples/hello_world.ts', attribute: 'processHttpRequest' }
 * parseApplicationSpec('project/wsgi') // { module: 'project/wsgi', attribute: 'application' }
 * ```
 */
export function parseApplicationSpec(spec: string): ApplicationSpec {
  // The last colon separates the attribute, so a Windows drive letter (C:\app.ts) is not one.
  const colon = spec.lastIndexOf(':')
  const hasAttribute = colon >= 0 && !(colon === 1 && /^[A-Za-z]:[\\/]/.test(spec))
  const module = (hasAttribute ? spec.slice(0, colon) : spec).trim()
  const attribute = hasAttribute ? spec.slice(colon + 1).trim() : 'application'
  if (module === '') {
    throw new LoadApplicationError(
      'GW-L01',
      `${JSON.stringify(spec)} names no module; write MODULE[:ATTR], e.g. 'project/wsgi.ts:application'`,
    )
  }
  if (!/^[A-Za-z_$][\w$]*$/.test(attribute)) {
    throw new LoadApplicationError(
      'GW-L01',
      `${JSON.stringify(attribute)} in ${JSON.stringify(spec)} is not an export name; ` +
        "write MODULE[:ATTR] where ATTR is an identifier such as 'application'",
    )
  }
  return { module, attribute }
}

/**
 * The candidate files for a module, in the order they are tried: the path itself, then with each
 * extension, then as a folder's index, then (for a dotted name like `project.wsgi`, as Gunicorn
 * users write) with dots as folder separators.
 *
 * @example
 * ```ts
 * import { candidatePaths } from 'framework/gateway'
 *
 * candidatePaths('app', '/srv') // ['/srv/app', '/srv/app.ts', '/srv/app.mts', ...]
 * ```
 */
export function candidatePaths(module: string, cwd: string): string[] {
  const bases = [isAbsolute(module) ? module : resolve(cwd, module)]
  if (/^[\w-]+(\.[\w-]+)+$/.test(module) && !extensions.some((ext) => module.endsWith(ext))) {
    bases.push(resolve(cwd, module.replaceAll('.', '/')))
  }
  return bases.flatMap((base) => [
    base,
    ...extensions.map((ext) => base + ext),
    ...extensions.map((ext) => resolve(base, `index${ext}`)),
  ])
}

function firstFile(paths: readonly string[]): string | undefined {
  return paths.find((path) => existsSync(path) && statSync(path).isFile())
}

/**
 * The file the module of `spec` names (the first of {@link candidatePaths} that exists), or
 * undefined; what loadApplication would import.
 *
 * @example
 * ```ts
 * findApplicationFile('project/wsgi:application', '/srv/mysite') // '/srv/mysite/project/wsgi.ts'
 * ```
 */
export function findApplicationFile(spec: string, cwd: string): string | undefined {
  return firstFile(candidatePaths(parseApplicationSpec(spec).module, cwd))
}

/**
 * Loads the application `spec` names: resolves MODULE against `cwd` (default: process.cwd()),
 * imports it (TypeScript files need a TypeScript-aware loader, such as tsx, which
 * bin/framework.js registers), and returns the export ATTR after checking it is a function.
 *
 * @param spec `MODULE[:ATTR]`, e.g. `examples/hello_world.ts:processHttpRequest`
 * @param options.cwd the directory a relative MODULE is resolved against
 * @param options.importModule how the found file is imported (default: `import()` of its URL);
 *   `serve` passes one that loads the file's precompiled JavaScript
 * @throws LoadApplicationError with a code from GW-L01 to GW-L05
 *
 * @example
 * ```ts
 * import { loadApplication } from 'framework/gateway'
 *
 * const application = await loadApplication('project/wsgi.ts')
 * ```
 */
export async function loadApplication(
  spec: string,
  options: { cwd?: string; importModule?: (file: string) => Promise<Record<string, unknown>> } = {},
): Promise<Application> {
  const { module, attribute } = parseApplicationSpec(spec)
  const tried = candidatePaths(module, options.cwd ?? process.cwd())
  const file = firstFile(tried)
  if (file === undefined) {
    throw new LoadApplicationError(
      'GW-L02',
      `cannot find module ${JSON.stringify(module)} of ${JSON.stringify(spec)}; tried:\n` +
        tried.map((path) => `  ${path}`).join('\n') +
        '\nfix the path (relative paths are resolved against the working directory)',
    )
  }
  let namespace: Record<string, unknown>
  try {
    namespace = options.importModule
      ? await options.importModule(file)
      : ((await import(pathToFileURL(file).href)) as Record<string, unknown>)
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    // A module using `export` in a folder whose package.json lacks "type": "module" is loaded
    // as CommonJS and fails with one of these; the fix is in package.json, not in the module.
    const notModule = /require\(\) ES Module|outside a module|Unexpected token 'export'/.test(
      reason,
    )
    throw new LoadApplicationError(
      'GW-L03',
      `importing ${JSON.stringify(file)} failed: ${reason}; ` +
        (notModule
          ? 'it is loaded as CommonJS: add "type": "module" to the nearest package.json, or name the file .mts'
          : "fix the error in that module (its stack is in this error's cause)"),
      { cause: error },
    )
  }
  if (!(attribute in namespace)) {
    const names = Object.keys(namespace).filter(
      (name) => name !== 'default' || namespace[name] !== undefined,
    )
    throw new LoadApplicationError(
      'GW-L04',
      `${JSON.stringify(file)} has no export ${JSON.stringify(attribute)}; it exports ` +
        (names.length ? names.map((name) => JSON.stringify(name)).join(', ') : 'nothing') +
        `; write MODULE:ATTR with one of those names`,
    )
  }
  const value = namespace[attribute]
  if (typeof value !== 'function') {
    throw new LoadApplicationError(
      'GW-L05',
      `${JSON.stringify(file)}'s export ${JSON.stringify(attribute)} is ${describe(value)}, not a ` +
        'function; an application is a function (environ, startResponse) => body',
    )
  }
  return value as Application
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'object'
    ? 'an object'
    : `a ${typeof value} (${String(value).slice(0, 40)})`
}
