/**
 * @module ImproperlyConfigured: the error thrown when settings fail validation at start-up.
 */

/**
 * Thrown by `defineSettings()` when a setting is unknown, has the wrong type, or is missing.
 * `code` is stable (`conf.E001` unknown key, `conf.E002` wrong type, `conf.E003` missing
 * SECRET_KEY outside DEBUG, `conf.E004` bad environment override); `issues` lists every problem
 * found, so one start-up shows them all.
 *
 * @example
 * ```ts
 * try {
 *   defineSettings({ DEBUG: 'yes' })
 * } catch (error) {
 *   if (error instanceof ImproperlyConfigured) console.error(error.code, error.message)
 * }
 * ```
 */
export class ImproperlyConfigured extends Error {
  override readonly name = 'ImproperlyConfigured'
  readonly code: string
  readonly issues: readonly SettingsIssue[]

  constructor(
    code: string,
    message: string,
    issues: readonly SettingsIssue[] = [],
    options?: ErrorOptions,
  ) {
    super(message, options)
    this.code = code
    this.issues = issues
  }
}

/** One problem with one setting: its stable code, the key's path and what was expected. */
export interface SettingsIssue {
  code: string
  path: string
  message: string
}
