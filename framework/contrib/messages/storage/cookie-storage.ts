/**
 * @module CookieStorage (Django's): messages in a signed cookie, so they survive a redirect with
 * no server state. A cookie holds about 4 kB; past MAX_COOKIE_SIZE the oldest messages are left
 * out (and handed back to FallbackStorage, which puts them in the session).
 */
import type { HttpResponseBase } from '../../../http/index.ts'
import { Message } from '../message.ts'
import { BaseStorage } from './base-storage.ts'

/** The cookie's name and signing salt. */
export const MESSAGES_COOKIE = 'messages'
const SALT = 'framework.contrib.messages'
/** Marks a cookie that could not hold every message (the rest are in the session). */
export const NOT_FINISHED = '__messagesnotfinished__'
/** Largest encoded value kept in the cookie (Django's 2048, well under browsers' 4096). */
export const MAX_COOKIE_SIZE = 2048

function encode(items: unknown[]): string {
  return Buffer.from(JSON.stringify(items), 'utf8').toString('base64url')
}

/**
 * Messages in the signed `messages` cookie.
 *
 * @example
 * ```ts
 * defineSettings({ MESSAGE_STORAGE: 'cookie' })
 * ```
 */
export class CookieStorage extends BaseStorage {
  /** True when the cookie said more messages wait in another storage. */
  notFinished = false
  /**
   * Which end gives way when the cookie is full: the oldest alone (the newest matter most), the
   * newest under FallbackStorage (they go to the session, read after the cookie: order is kept).
   */
  removeOldest = true

  loadStored(): Message[] {
    const raw = this.request.getSignedCookie(MESSAGES_COOKIE, { salt: SALT })
    if (raw === undefined) return []
    let items: unknown
    try {
      items = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'))
    } catch {
      return []
    }
    if (!Array.isArray(items)) return []
    if (items.at(-1) === NOT_FINISHED) {
      this.notFinished = true
      items = items.slice(0, -1)
    }
    return (items as unknown[]).flatMap((item) => Message.fromJSON(item) ?? [])
  }

  storeMessages(messages: Message[], response: HttpResponseBase): Message[] {
    const kept = [...messages]
    const unstored: Message[] = []
    const items = (): unknown[] =>
      unstored.length ? [...kept.map((m) => m.toJSON()), NOT_FINISHED] : kept.map((m) => m.toJSON())
    while (kept.length && encode(items()).length > MAX_COOKIE_SIZE) {
      if (this.removeOldest) unstored.push(kept.shift() as Message)
      else unstored.unshift(kept.pop() as Message)
    }
    if (kept.length || unstored.length) {
      response.setSignedCookie(MESSAGES_COOKIE, encode(items()), {
        salt: SALT,
        path: '/',
        httpOnly: true,
        sameSite: 'Lax',
        secure: this.settings.SESSION_COOKIE_SECURE,
        ...(this.settings.SESSION_COOKIE_DOMAIN
          ? { domain: this.settings.SESSION_COOKIE_DOMAIN }
          : {}),
      })
    } else if (this.request.COOKIES[MESSAGES_COOKIE] !== undefined) {
      response.deleteCookie(MESSAGES_COOKIE, {
        path: '/',
        ...(this.settings.SESSION_COOKIE_DOMAIN
          ? { domain: this.settings.SESSION_COOKIE_DOMAIN }
          : {}),
      })
    }
    return unstored
  }
}
