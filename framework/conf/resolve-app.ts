/**
 * @module Where an INSTALLED_APPS entry lives on disk. An entry is either a folder of the project
 * (`'polls'`, `'project/blog'`, an absolute path) or a package specifier that a package's
 * `exports` maps to the app's index.ts (`'framework/contrib/auth'`), resolved from the project's
 * folder as an import in the project would be.
 */
import { existsSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { basename, dirname, isAbsolute, join, resolve } from 'node:path'
import { ImproperlyConfigured } from './improperly-configured.ts'

/** An installed app's identity: the entry as written, its label and its folder. */
export interface AppLocation {
  /** The INSTALLED_APPS entry, as written. */
  readonly name: string
  /** The short name used in model labels, table names and commands (`auth`, `polls`). */
  readonly label: string
  /** The app's folder, absolute. */
  readonly path: string
}

function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory()
}

/**
 * Resolves one INSTALLED_APPS entry. A local folder wins over a package of the same name, as a
 * relative import would.
 *
 * @example
 * ```ts
 * resolveApp('project/blog', '/srv/site')          // { label: 'blog', path: '/srv/site/project/blog', ... }
 * resolveApp('framework/contrib/auth', '/srv/site') // { label: 'auth', path: '/srv/site/node_modules/framework/framework/contrib/auth', ... }
 * ```
 */
export function resolveApp(name: string, cwd: string): AppLocation {
  const local = isAbsolute(name) ? name : resolve(cwd, name)
  if (isDirectory(local)) return { name, label: basename(local), path: local }
  let resolved: string
  try {
    resolved = createRequire(join(cwd, 'package.json')).resolve(name)
  } catch {
    throw new ImproperlyConfigured(
      'apps.E001',
      `INSTALLED_APPS entry ${JSON.stringify(name)} is neither a folder under ${cwd} nor an importable package: ` +
        `check the spelling, or run \`npm install\` if it comes from a package.`,
    )
  }
  const path = dirname(resolved)
  return { name, label: basename(path), path }
}
