/**
 * @module Types `request.user` and `request.auser()` on HttpRequest (interface merging) wherever
 * the auth app is imported; AuthenticationMiddleware sets them.
 */
import type { AnonymousUser } from './anonymous-user.ts'
import type { AuthUser } from './user-model.ts'

declare module '../../http/index.ts' {
  interface HttpRequest {
    /** The logged-in user or AnonymousUser (AuthenticationMiddleware). */
    user: AuthUser | AnonymousUser
    /** The same user as a promise (Django 5's `request.auser()`). */
    auser(): Promise<AuthUser | AnonymousUser>
  }
}
