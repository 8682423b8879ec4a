/**
 * @module FallbackStorage (Django's default): the cookie first, the session for what does not
 * fit in it. Without SessionMiddleware it behaves as the cookie storage until the cookie is full.
 */
import type { Settings } from '../../../conf/index.ts'
import type { HttpRequest, HttpResponseBase } from '../../../http/index.ts'
import type { Message } from '../message.ts'
import { BaseStorage } from './base-storage.ts'
import { CookieStorage } from './cookie-storage.ts'
import { SessionStorage } from './session-storage.ts'

/**
 * Cookie, then session.
 *
 * @example
 * ```ts
 * defineSettings({ MESSAGE_STORAGE: 'fallback' }) // the default
 * ```
 */
export class FallbackStorage extends BaseStorage {
  readonly #cookie: CookieStorage
  readonly #session: SessionStorage
  #usedSession = false

  constructor(request: HttpRequest, settings: Settings) {
    super(request, settings)
    this.#cookie = new CookieStorage(request, settings)
    this.#cookie.removeOldest = false
    this.#session = new SessionStorage(request, settings)
  }

  #hasSession(): boolean {
    return (this.request as { session?: unknown }).session !== undefined
  }

  loadStored(): Message[] {
    const fromCookie = this.#cookie.loadStored()
    if (!this.#cookie.notFinished || !this.#hasSession()) return fromCookie
    this.#usedSession = true
    return [...fromCookie, ...this.#session.loadStored()]
  }

  storeMessages(messages: Message[], response: HttpResponseBase): Message[] {
    const unstored = this.#cookie.storeMessages(messages, response)
    if (!this.#hasSession()) return unstored
    // The session gets what the cookie could not hold, and is cleared once it was read.
    if (unstored.length || this.#usedSession) {
      return this.#session.storeMessages(unstored, response)
    }
    return []
  }
}
