/**
 * @module SESSION_ENGINE: the setting's value turned into a SessionBackend.
 */
import type { Settings } from '../../conf/index.ts'
import { DatabaseSessionBackend } from './backends/database-backend.ts'
import { SignedCookieSessionBackend } from './backends/signed-cookie-backend.ts'
import type { SessionBackend } from './session-backend.ts'

/**
 * The backend SESSION_ENGINE names: `db`, `signed_cookies`, or a factory `(settings) => backend`.
 *
 * @example
 * ```ts
 * const backend = sessionBackend(settings)
 * ```
 */
export function sessionBackend(settings: Settings): SessionBackend {
  const engine = settings.SESSION_ENGINE
  if (typeof engine === 'function') {
    return (engine as unknown as (settings: Settings) => SessionBackend)(settings)
  }
  if (engine === 'signed_cookies') {
    return new SignedCookieSessionBackend({
      secretKey: settings.SECRET_KEY,
      maxAge: settings.SESSION_COOKIE_AGE,
    })
  }
  return new DatabaseSessionBackend()
}
