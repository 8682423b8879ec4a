/**
 * @module MessageMiddleware (Django's): `request.messages` for the view, stored after it.
 */
import type { Settings } from '../../conf/index.ts'
import { trustedMiddleware, whenReady, type Middleware } from '../../core/index.ts'
import type { HttpRequest } from '../../http/index.ts'
import type { BaseStorage } from './storage/base-storage.ts'
import { CookieStorage } from './storage/cookie-storage.ts'
import { FallbackStorage } from './storage/fallback-storage.ts'
import { SessionStorage } from './storage/session-storage.ts'
import './request-messages.ts'

/** The storage MESSAGE_STORAGE names. */
export function messageStorage(request: HttpRequest, settings: Settings): BaseStorage {
  switch (settings.MESSAGE_STORAGE) {
    case 'cookie':
      return new CookieStorage(request, settings)
    case 'session':
      return new SessionStorage(request, settings)
    default:
      return new FallbackStorage(request, settings)
  }
}

/**
 * The messages middleware. List it after SessionMiddleware.
 *
 * @example
 * ```ts
 * import { MessageMiddleware } from 'framework/contrib/messages'
 *
 * defineSettings({ MIDDLEWARE: [SessionMiddleware, CsrfViewMiddleware, MessageMiddleware] })
 * ```
 */
export const MessageMiddleware: Middleware = trustedMiddleware(function MessageMiddleware(getResponse, { settings }) {
  return (request) => {
    const storage = messageStorage(request, settings)
    request.messages = storage
    return whenReady(getResponse(request), (response) => {
      storage.update(response)
      return response
    })
  }
})
