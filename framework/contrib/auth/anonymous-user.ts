/**
 * @module AnonymousUser: what `request.user` is when nobody is logged in. It answers the same
 * questions as a user (isAuthenticated, hasPerm...) with "no", so views need no null checks.
 */

/**
 * The user of a request without a login (Django's AnonymousUser).
 *
 * @example
 * ```ts
 * if (!request.user.isAuthenticated) return redirectToLogin(request, settings)
 * ```
 */
export class AnonymousUser {
  readonly id = null
  readonly pk = null
  readonly username = ''
  readonly email = ''
  readonly isStaff = false
  readonly isActive = false
  readonly isSuperuser = false
  readonly isAuthenticated = false
  readonly isAnonymous = true

  getUsername(): string {
    return ''
  }

  toString(): string {
    return 'AnonymousUser'
  }
}
