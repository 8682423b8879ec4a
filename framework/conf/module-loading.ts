/**
 * @module importProjectModule: importing a project's module by file path (ROOT_URLCONF, the
 * models of INSTALLED_APPS, migrations), Django's `import_module` for this framework.
 *
 * Why not a bare `import()`: under `serve`, workers run the project compiled to JavaScript
 * (framework/server/precompile.ts) with plain node, which cannot import a .ts file. The primary
 * then sets FRAMEWORK_PRECOMPILED to the cache folder, and a TypeScript path is mapped to its
 * compiled file there: the same URL the compiled modules import each other by, so a module is
 * never loaded twice.
 */
import { existsSync, realpathSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

// The layout of precompiledPath() in framework/server/precompile.ts (conf/ may not import server/).
const sourceExtension = /\.(m?ts|tsx)$/

function realPath(file: string): string {
  try {
    return realpathSync(file)
  } catch {
    return resolve(file)
  }
}

/**
 * The URL to import for `file`: its compiled counterpart when the process runs precompiled
 * code and `file` is TypeScript, else the file's own URL.
 *
 * @throws Error when running precompiled and the file was not compiled (it lies outside the
 *   project's folders), with what to do about it
 */
export function projectModuleUrl(
  file: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  const cacheRoot = env.FRAMEWORK_PRECOMPILED
  if (!cacheRoot || !sourceExtension.test(file) || /\.d\.m?ts$/.test(file))
    return pathToFileURL(file).href
  // The real path, as precompile.ts mirrors it: INSTALLED_APPS may name the framework through a
  // node_modules symlink (a framework linked with `npm install ../framework`).
  const compiled = join(cacheRoot, realPath(file)).replace(sourceExtension, '.mjs')
  if (!existsSync(compiled)) {
    throw new Error(
      `${file} was not precompiled: serve compiles the TypeScript files under the project's ` +
        'folder (the one with package.json) and what they import. Move the file there, or ' +
        'start serve with --no-precompile.',
    )
  }
  return pathToFileURL(compiled).href
}

/**
 * Imports a module of the project by file path; `query` (e.g. `?mtime=...`) is appended to the
 * URL, to load a rewritten file afresh.
 *
 * @example
 * ```ts
 * const urls = await importProjectModule('/srv/mysite/project/urls.ts')
 * ```
 */
export async function importProjectModule(
  file: string,
  query = '',
): Promise<Record<string, unknown>> {
  return (await import(projectModuleUrl(file) + query)) as Record<string, unknown>
}
