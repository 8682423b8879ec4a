/**
 * @module SessionStorage (Django's): messages under `_messages` in request.session (needs
 * SessionMiddleware before MessageMiddleware).
 */
import type { HttpResponseBase } from '../../../http/index.ts'
import { Message } from '../message.ts'
import { BaseStorage } from './base-storage.ts'

/** The session key. */
export const SESSION_KEY = '_messages'

interface SessionLike {
  get(key: string): unknown
  set(key: string, value: unknown): void
  delete(key: string): boolean
  has(key: string): boolean
}

/**
 * Messages in the session.
 *
 * @example
 * ```ts
 * defineSettings({ MESSAGE_STORAGE: 'session', MIDDLEWARE: [SessionMiddleware, MessageMiddleware] })
 * ```
 */
export class SessionStorage extends BaseStorage {
  #session(): SessionLike {
    const session = (this.request as { session?: unknown }).session
    if (!session) {
      throw Object.assign(
        new Error(
          'The session message storage needs request.session: list SessionMiddleware before MessageMiddleware in MIDDLEWARE.',
        ),
        { code: 'messages.no_session' },
      )
    }
    return session as SessionLike
  }

  loadStored(): Message[] {
    const items = this.#session().get(SESSION_KEY)
    if (!Array.isArray(items)) return []
    return items.flatMap((item) => Message.fromJSON(item) ?? [])
  }

  storeMessages(messages: Message[], _response: HttpResponseBase): Message[] {
    const session = this.#session()
    if (messages.length)
      session.set(
        SESSION_KEY,
        messages.map((m) => m.toJSON()),
      )
    else if (session.has(SESSION_KEY)) session.delete(SESSION_KEY)
    return []
  }
}
