/**
 * @module The template search path: TEMPLATES.DIRS, then each installed app's templates/ folder
 * when TEMPLATES.APP_DIRS is on (Django's filesystem and app_directories loaders).
 */
import { existsSync } from 'node:fs'
import { isAbsolute, join, resolve } from 'node:path'
import { resolveApp, type Settings } from '../conf/index.ts'

/**
 * An app's folder as setup() finds it: a project folder, else a package export
 * (`'framework/contrib/messages'` from node_modules); an entry that is neither keeps the old
 * guess, and the apps check reports it.
 */
function appFolder(app: string, cwd: string): string {
  try {
    return resolveApp(app, cwd).path
  } catch {
    return isAbsolute(app) ? app : resolve(cwd, app)
  }
}

/**
 * The directories searched for templates, in order, as absolute paths. An app is a folder path
 * relative to `cwd` (`'project/blog'`), or an absolute one.
 *
 * @example
 * ```ts
 * templateDirs(settings) // ['/srv/site/templates', '/srv/site/project/blog/templates']
 * ```
 */
export function templateDirs(settings: Settings, cwd = process.cwd()): string[] {
  const dirs = settings.TEMPLATES.DIRS.map((dir) => resolve(cwd, dir))
  if (settings.TEMPLATES.APP_DIRS) {
    for (const app of settings.INSTALLED_APPS) {
      const dir = join(appFolder(app, cwd), 'templates')
      // Why the check: an app without templates/ is normal and must not lengthen every error.
      if (existsSync(dir)) dirs.push(dir)
    }
  }
  return [...new Set(dirs)]
}
