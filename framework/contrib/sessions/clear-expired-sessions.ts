/**
 * @module clearExpiredSessions(): what `framework clearsessions` runs.
 */
import type { Settings } from '../../conf/index.ts'
import { sessionBackend } from './session-engine.ts'

/**
 * Deletes the expired sessions of SESSION_ENGINE's backend and returns how many went (0 for
 * signed cookies, which expire in the browser). Run it from cron: the db backend never deletes
 * expired rows by itself.
 *
 * @example
 * ```ts
 * const removed = await clearExpiredSessions(settings)
 * ```
 */
export function clearExpiredSessions(settings: Settings): Promise<number> {
  return sessionBackend(settings).clearExpired()
}
