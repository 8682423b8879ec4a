/**
 * @module The signed-cookie session backend (Django's `backends.signed_cookies`): the data
 * itself, JSON in base64url with a timestamp, signed with SECRET_KEY, is the cookie. Nothing is
 * stored on the server, so the data is readable by the user (not secret, only tamper-proof),
 * limited to what a cookie holds (about 4 kB), and a logout cannot revoke a copied cookie
 * before it expires.
 */
import { BadSignature, sign, unsign } from '../../../http/index.ts'
import type { SessionBackend, SessionData } from '../session-backend.ts'

const SALT = 'framework.contrib.sessions.signed_cookies'

/**
 * Sessions kept in a signed cookie.
 *
 * @example
 * ```ts
 * defineSettings({ SESSION_ENGINE: 'signed_cookies', SECRET_KEY: process.env.SECRET_KEY })
 * ```
 */
export class SignedCookieSessionBackend implements SessionBackend {
  readonly #secretKey: string
  readonly #maxAge: number

  /** `maxAge`: SESSION_COOKIE_AGE, seconds; older cookies are refused even if the browser kept them. */
  constructor(options: { secretKey: string; maxAge: number }) {
    if (!options.secretKey) {
      throw Object.assign(
        new Error(
          'The signed_cookies session backend needs SECRET_KEY: set it in settings (or use SESSION_ENGINE: "db").',
        ),
        { code: 'sessions.no_secret_key' },
      )
    }
    this.#secretKey = options.secretKey
    this.#maxAge = options.maxAge
  }

  async load(key: string): Promise<SessionData | undefined> {
    let payload: string
    try {
      payload = unsign(key, this.#secretKey, SALT)
    } catch (error) {
      if (error instanceof BadSignature) return undefined
      throw error
    }
    const [encoded = '', stamp = ''] = payload.split('.')
    const signedAt = Number.parseInt(stamp, 36)
    if (!Number.isFinite(signedAt) || Date.now() / 1000 - signedAt > this.#maxAge) return undefined
    try {
      const data: unknown = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'))
      return typeof data === 'object' && data !== null && !Array.isArray(data)
        ? (data as SessionData)
        : undefined
    } catch {
      return undefined
    }
  }

  async save(_key: string | undefined, data: SessionData): Promise<string> {
    const encoded = Buffer.from(JSON.stringify(data), 'utf8').toString('base64url')
    const stamp = Math.floor(Date.now() / 1000).toString(36)
    return sign(`${encoded}.${stamp}`, this.#secretKey, SALT)
  }

  async delete(): Promise<void> {
    // Nothing on the server: the middleware's deleted cookie is the whole logout.
  }

  async clearExpired(): Promise<number> {
    return 0
  }
}
