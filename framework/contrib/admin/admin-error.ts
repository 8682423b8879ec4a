/**
 * @module AdminError: a registration mistake (unknown field, model registered twice), thrown at
 * `site.register()` time with a stable code, so it surfaces when urls.ts loads, not on a click.
 */

/** The codes an AdminError carries; docs/admin.md lists each. */
export type AdminErrorCode =
  'admin.E001' | 'admin.E002' | 'admin.E003' | 'admin.E004' | 'admin.E005' | 'admin.E006'

/** A mistake in an admin registration. */
export class AdminError extends Error {
  override name = 'AdminError'
  readonly code: AdminErrorCode

  constructor(code: AdminErrorCode, message: string) {
    super(`${code}: ${message}`)
    this.code = code
  }
}
