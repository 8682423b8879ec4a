/**
 * @module The framework's own deployment checks (Django's `check --deploy` family).
 */
import type { Settings } from '../settings-schema.ts'
import { CheckRegistry, type CheckMessage } from './registry.ts'
import { resolveApp } from '../resolve-app.ts'

/** Every built-in check id with its one-line meaning; docs/settings.md lists the same ids. */
export const BUILTIN_CHECK_IDS = {
  'security.W001': 'SECRET_KEY is shorter than 50 characters',
  'security.W002': 'DEBUG is on',
  'security.W003': 'ALLOWED_HOSTS is empty while DEBUG is off',
  'security.W004': 'SECURE_HSTS_SECONDS is 0',
  'urls.E001': 'ROOT_URLCONF is not set',
  'apps.E001': 'an INSTALLED_APPS entry is neither a folder nor an importable package',
} as const

function securityChecks(settings: Settings): CheckMessage[] {
  const out: CheckMessage[] = []
  const warn = (id: keyof typeof BUILTIN_CHECK_IDS, hint: string): void => {
    out.push({ id, level: 'warning', message: BUILTIN_CHECK_IDS[id], hint })
  }
  if (settings.SECRET_KEY.length < 50)
    warn('security.W001', 'Generate a random key of 50+ characters.')
  if (settings.DEBUG) warn('security.W002', 'Set DEBUG=0 in production.')
  if (!settings.DEBUG && settings.ALLOWED_HOSTS.length === 0) {
    warn('security.W003', 'List the host names the site answers to in ALLOWED_HOSTS.')
  }
  if (settings.SECURE_HSTS_SECONDS === 0)
    warn('security.W004', 'Set SECURE_HSTS_SECONDS once HTTPS works.')
  return out
}

function urlChecks(settings: Settings): CheckMessage[] {
  return settings.ROOT_URLCONF === undefined
    ? [
        {
          id: 'urls.E001',
          level: 'error',
          message: BUILTIN_CHECK_IDS['urls.E001'],
          hint: "Set ROOT_URLCONF to 'project/urls.ts' or a URLconf object.",
        },
      ]
    : []
}

function appChecks(settings: Settings): CheckMessage[] {
  return settings.INSTALLED_APPS.flatMap((app): CheckMessage[] => {
    try {
      resolveApp(app, process.cwd())
      return []
    } catch (error) {
      return [
        {
          id: 'apps.E001',
          level: 'error',
          message: `${BUILTIN_CHECK_IDS['apps.E001']}: ${error instanceof Error ? error.message : String(error)}`,
          hint: 'An app is a folder of the project (models, urls, views, templates, migrations) or a package path such as framework/contrib/auth; fix the entry or remove it.',
        },
      ]
    }
  })
}

/**
 * A registry holding the built-in checks; add your own with `register()`.
 *
 * @example
 * ```ts
 * const findings = builtinChecks().run(settings)
 * ```
 */
export function builtinChecks(): CheckRegistry {
  const registry = new CheckRegistry()
  registry.register('security', securityChecks)
  registry.register('urls', urlChecks)
  registry.register('apps', appChecks)
  return registry
}
