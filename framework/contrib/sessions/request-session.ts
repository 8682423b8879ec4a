/**
 * @module Types `request.session` on HttpRequest (TypeScript interface merging) wherever this
 * app is imported; SessionMiddleware sets it.
 */
import type { SessionBase } from './session-base.ts'

declare module '../../http/index.ts' {
  interface HttpRequest {
    /** The session (SessionMiddleware); undefined without the middleware. */
    session: SessionBase
  }
}
