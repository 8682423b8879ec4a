/**
 * @module ValidationError: what a clean step throws to reject a value, and FormIssue, the
 * zod-style record (code, path, message) every form error is kept as.
 */

/** One problem found while validating a form: `path` is `[field]`, or `[]` for the whole form. */
export interface FormIssue {
  /** A stable code: `required`, `invalid`, `too_big`, `unique`... or zod's issue code. */
  readonly code: string
  readonly path: readonly string[]
  readonly message: string
}

/**
 * Thrown from a clean step (`cleanField.x`, `clean()`, a validator) to reject a value. A string
 * is one message; a record maps field names to messages (only from `clean()`).
 *
 * @example
 * ```ts
 * cleanField: {
 *   username(value) {
 *     if (value === 'admin') throw new ValidationError('That name is reserved.', 'reserved')
 *     return value
 *   },
 * }
 * ```
 */
export class ValidationError extends Error {
  readonly code: string
  /** Messages by field name, when thrown with a record. */
  readonly byField: Readonly<Record<string, readonly string[]>> | undefined

  constructor(message: string | Record<string, string | readonly string[]>, code = 'invalid') {
    const byField =
      typeof message === 'string'
        ? undefined
        : Object.fromEntries(
            Object.entries(message).map(([k, v]) => [k, typeof v === 'string' ? [v] : [...v]]),
          )
    super(typeof message === 'string' ? message : Object.values(byField ?? {}).flat().join(' '))
    this.name = 'ValidationError'
    this.code = code
    this.byField = byField
  }
}

/** A programming error in a form's use (not bad input): carries a stable `forms.*` code. */
export class FormUsageError extends Error {
  readonly code: string
  constructor(code: string, message: string) {
    super(message)
    this.name = 'FormUsageError'
    this.code = code
  }
}
