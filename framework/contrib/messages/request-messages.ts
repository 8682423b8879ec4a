/**
 * @module Types `request.messages` on HttpRequest (interface merging) wherever this app is
 * imported; MessageMiddleware sets it.
 */
import type { BaseStorage } from './storage/base-storage.ts'

declare module '../../http/index.ts' {
  interface HttpRequest {
    /** This request's messages (MessageMiddleware): iterate to show them. */
    messages: BaseStorage
  }
}
