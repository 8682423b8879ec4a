/**
 * @module setup(): what a project does once before serving or running a command (Django's
 * `django.setup()`): declare the databases and load the installed apps and their models.
 */
import type { Settings } from '../../conf/index.ts'
import { configureDatabases } from '../connection/connections.ts'
import { AppRegistry, loadApps } from './registry.ts'

let current: AppRegistry | undefined

/**
 * Configures DATABASES and loads INSTALLED_APPS. Call it once, before the application is built;
 * calling it again reloads (the development server does after a change).
 *
 * @example
 * ```ts
 * // project/wsgi.ts
 * import { getGatewayApplication, setup } from 'framework'
 * import { settings } from './settings.ts'
 *
 * await setup(settings)
 * export const application = getGatewayApplication(settings)
 * ```
 */
export async function setup(
  settings: Pick<Settings, 'DATABASES' | 'INSTALLED_APPS'>,
  options: { cwd?: string } = {},
): Promise<AppRegistry> {
  await configureDatabases(settings.DATABASES)
  current = await loadApps(settings.INSTALLED_APPS, options.cwd ?? process.cwd())
  return current
}

/**
 * The registry built by the last setup(); a clear error when setup() has not run.
 *
 * @example
 * ```ts
 * getApps().get('polls').models
 * ```
 */
export function getApps(): AppRegistry {
  if (!current) {
    throw new Error(
      'The app registry is not ready: call `await setup(settings)` (from framework) before using installed apps.',
    )
  }
  return current
}
