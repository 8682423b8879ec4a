/**
 * @module The template search path: TEMPLATES.DIRS, then each installed app's templates/ folder
 * when TEMPLATES.APP_DIRS is on (Django's filesystem and app_directories loaders).
 */
import { existsSync } from 'node:fs'
import { isAbsolute, join, resolve } from 'node:path'
import type { Settings } from '../conf/index.ts'

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
      const dir = join(isAbsolute(app) ? app : resolve(cwd, app), 'templates')
      // Why the check: an app without templates/ is normal and must not lengthen every error.
      if (existsSync(dir)) dirs.push(dir)
    }
  }
  return [...new Set(dirs)]
}
