/**
 * @module framework/contrib/messages: one-time notifications ("Saved.") that survive a
 * redirect, in a signed cookie, the session, or both (the default). Add
 * `'framework/contrib/messages'` to INSTALLED_APPS for its `messages/messages.html` partial.
 */
import './request-messages.ts'

/** Adding and reading. */
export {
  messages,
  addMessage,
  getMessages,
  getLevel,
  setLevel,
  type AddMessageOptions,
} from './api.ts'
export { Message, DEBUG, INFO, SUCCESS, WARNING, ERROR, DEFAULT_TAGS } from './message.ts'

/** The middleware and storages. */
export { MessageMiddleware, messageStorage } from './message-middleware.ts'
export { BaseStorage } from './storage/base-storage.ts'
export { CookieStorage, MAX_COOKIE_SIZE } from './storage/cookie-storage.ts'
export { SessionStorage } from './storage/session-storage.ts'
export { FallbackStorage } from './storage/fallback-storage.ts'
