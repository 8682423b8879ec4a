/**
 * @module The password validator protocol and validatePassword(): every validator of
 * AUTH_PASSWORD_VALIDATORS runs, and all their complaints come back together as values.
 */

/** One complaint about a password: a stable code and a sentence for the user. */
export interface PasswordIssue {
  readonly code: string
  readonly message: string
}

/** The user a password is checked against (similarity), when there is one. */
export type PasswordUser = Readonly<Record<string, unknown>>

/** A password validator (Django's protocol, asynchronous for list loading). */
export interface PasswordValidator {
  /** Issues with `password` (an empty list when it is acceptable). */
  validate(password: string, user?: PasswordUser): PasswordIssue[] | Promise<PasswordIssue[]>
  /** One sentence for the form's help text. */
  getHelpText(): string
}
