/**
 * @module Environment overrides: the few settings a deployment sets from outside the code.
 * Documented in docs/settings.md.
 */
import { ImproperlyConfigured } from './improperly-configured.ts'

/** The environment variables read, each mapped onto the settings it overrides. */
export const ENV_OVERRIDES = ['DATABASE_URL', 'SECRET_KEY', 'DEBUG', 'ALLOWED_HOSTS'] as const

const truthy = new Set(['1', 'true', 'yes', 'on'])
const falsy = new Set(['0', 'false', 'no', 'off', ''])

/**
 * Applies `DATABASE_URL`, `SECRET_KEY`, `DEBUG` and `ALLOWED_HOSTS` from `env` onto `input`.
 * Returns a new object; `input` is not touched.
 *
 * @example
 * ```ts
 * applyEnvOverrides({ DEBUG: true }, { DEBUG: '0' }) // { DEBUG: false }
 * ```
 */
export function applyEnvOverrides(
  input: Record<string, unknown>,
  env: Readonly<Record<string, string | undefined>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...input }
  if (env.DATABASE_URL !== undefined) {
    const databases = (typeof input.DATABASES === 'object' && input.DATABASES) || {}
    out.DATABASES = { ...databases, default: { URL: env.DATABASE_URL } }
  }
  if (env.SECRET_KEY !== undefined) out.SECRET_KEY = env.SECRET_KEY
  if (env.DEBUG !== undefined) {
    const value = env.DEBUG.trim().toLowerCase()
    if (truthy.has(value)) out.DEBUG = true
    else if (falsy.has(value)) out.DEBUG = false
    else {
      throw new ImproperlyConfigured(
        'conf.E004',
        `The environment variable DEBUG=${JSON.stringify(env.DEBUG)} is not a boolean: use 1/0, true/false, yes/no or on/off.`,
        [{ code: 'conf.E004', path: 'DEBUG', message: 'expected a boolean word' }],
      )
    }
  }
  if (env.ALLOWED_HOSTS !== undefined) {
    // Comma-separated, as most platforms only offer one string per variable.
    out.ALLOWED_HOSTS = env.ALLOWED_HOSTS.split(',')
      .map((h) => h.trim())
      .filter(Boolean)
  }
  return out
}
