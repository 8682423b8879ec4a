/**
 * @module defineSettings(): validates the project's settings once, at start-up.
 */
import { applyEnvOverrides } from './env-overrides.ts'
import { ImproperlyConfigured, type SettingsIssue } from './improperly-configured.ts'
import { settingsSchema, type Settings, type SettingsInput } from './settings-schema.ts'

/** Options of `defineSettings()`. */
export interface DefineSettingsOptions {
  /** Where overrides are read from (default `process.env`); pass `{}` to ignore the environment. */
  env?: Readonly<Record<string, string | undefined>>
}

/**
 * Validates `input` (after environment overrides), fills defaults and freezes the result.
 * Throws `ImproperlyConfigured` listing every unknown key, wrong type, and a missing SECRET_KEY
 * when DEBUG is off.
 *
 * @example
 * ```ts
 * export const settings = defineSettings({
 *   DEBUG: true,
 *   ALLOWED_HOSTS: ['localhost'],
 *   ROOT_URLCONF: 'project/urls.ts',
 * })
 * ```
 */
export function defineSettings(
  input: SettingsInput,
  options: DefineSettingsOptions = {},
): Settings {
  const withEnv = applyEnvOverrides(input as Record<string, unknown>, options.env ?? process.env)
  const parsed = settingsSchema.safeParse(withEnv)
  if (!parsed.success) {
    const issues: SettingsIssue[] = parsed.error.issues.flatMap((issue) => {
      if (issue.code === 'unrecognized_keys') {
        return issue.keys.map((key) => ({
          code: 'conf.E001',
          path: [...issue.path, key].join('.'),
          message: `unknown setting ${JSON.stringify(key)}: check its spelling against docs/settings.md, or remove it`,
        }))
      }
      const path = issue.path.join('.')
      const got = describe(valueAt(withEnv, issue.path))
      return [
        {
          code: 'conf.E002',
          path,
          message: `${path} ${issue.message.replace(/^Invalid input: /, '')}, got ${got}`,
        },
      ]
    })
    throw new ImproperlyConfigured(
      issues[0]?.code ?? 'conf.E002',
      `Invalid settings:\n${issues.map((i) => `  [${i.code}] ${i.message}`).join('\n')}`,
      issues,
      { cause: parsed.error },
    )
  }
  const settings = parsed.data
  if (!settings.DEBUG && settings.SECRET_KEY === '') {
    throw new ImproperlyConfigured(
      'conf.E003',
      'The SECRET_KEY setting must not be empty when DEBUG is false: set SECRET_KEY in settings or the SECRET_KEY environment variable to a long random string.',
      [
        {
          code: 'conf.E003',
          path: 'SECRET_KEY',
          message: 'expected a non-empty string when DEBUG is false',
        },
      ],
    )
  }
  return deepFreeze(settings)
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined
    node = (node as Record<PropertyKey, unknown>)[key]
  }
  return node
}

function describe(value: unknown): string {
  if (typeof value === 'function') return 'a function'
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}

function deepFreeze<T>(value: T): T {
  // Functions (middleware, views) and URLconf modules are frozen by their owners, not by us.
  if (Array.isArray(value)) {
    value.forEach(deepFreeze)
    return Object.freeze(value)
  }
  if (
    typeof value === 'object' &&
    value !== null &&
    Object.getPrototypeOf(value) === Object.prototype
  ) {
    for (const v of Object.values(value)) deepFreeze(v)
    return Object.freeze(value)
  }
  return value
}
