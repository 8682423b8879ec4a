/**
 * @module Password reset tokens (Django's PasswordResetTokenGenerator): `<timestamp>-<hmac>`,
 * the HMAC over the user's id, password hash, last login and the timestamp. Nothing is stored:
 *
 * - a token dies when it is used, because using it changes the password hash it covers;
 * - it dies when the user logs in (lastLogin changes) or changes their password some other way;
 * - it expires PASSWORD_RESET_TIMEOUT seconds after it was made.
 */
import type { Settings } from '../../conf/index.ts'
import { constantTimeEquals } from './hashers/password-hasher.ts'
import { saltedHmac } from './salted-hmac.ts'

const KEY_SALT = 'django.contrib.auth.tokens.PasswordResetTokenGenerator'
// Django counts seconds from 2001-01-01 so the base-36 timestamp stays short.
const EPOCH_2001 = Date.UTC(2001, 0, 1) / 1000

/** The user fields a token covers. */
export interface TokenUser {
  readonly pk: number | string | undefined
  readonly password: string
  readonly lastLogin: Date | null
  readonly email?: string
}

/** The settings tokens need. */
export type TokenSettings = Pick<Settings, 'SECRET_KEY' | 'PASSWORD_RESET_TIMEOUT'>

/**
 * Makes and checks password reset tokens. `now` is injectable so expiry can be tested without
 * waiting three days.
 *
 * @example
 * ```ts
 * const tokens = new PasswordResetTokenGenerator(settings)
 * const token = tokens.makeToken(user)
 * tokens.checkToken(user, token) // true until used, expired, or the password changes
 * ```
 */
export class PasswordResetTokenGenerator {
  readonly #settings: TokenSettings
  readonly #now: () => number

  constructor(settings: TokenSettings, options: { now?: () => number } = {}) {
    this.#settings = settings
    this.#now = options.now ?? Date.now
  }

  /** A token for `user`, valid for PASSWORD_RESET_TIMEOUT seconds. */
  makeToken(user: TokenUser): string {
    return this.#tokenAt(user, this.#seconds())
  }

  /** Whether `token` is a live token for `user`. Never throws on garbage input. */
  checkToken(user: TokenUser | undefined, token: unknown): boolean {
    if (!user || typeof token !== 'string' || token.length > 100) return false
    const match = /^([0-9a-z]{1,13})-([0-9a-f]{32})$/.exec(token)
    if (!match) return false
    const timestamp = Number.parseInt(match[1] as string, 36)
    if (!Number.isSafeInteger(timestamp)) return false
    if (!constantTimeEquals(this.#tokenAt(user, timestamp), token)) return false
    const age = this.#seconds() - timestamp
    return age >= 0 && age <= this.#settings.PASSWORD_RESET_TIMEOUT
  }

  #seconds(): number {
    return Math.floor(this.#now() / 1000 - EPOCH_2001)
  }

  #tokenAt(user: TokenUser, timestamp: number): string {
    // Seconds only: a database may round milliseconds, which must not kill a valid token.
    const login = user.lastLogin ? Math.floor(user.lastLogin.getTime() / 1000) : ''
    const value = `${user.pk}${user.password}${login}${timestamp}${user.email ?? ''}`
    // Every second hex digit: Django's choice, to keep URLs short (128 bits remain).
    const digest = saltedHmac(KEY_SALT, value, this.#settings.SECRET_KEY)
      .split('')
      .filter((_, i) => i % 2 === 0)
      .join('')
    return `${timestamp.toString(36)}-${digest}`
  }
}

/**
 * The user's primary key as URL-safe base64 (Django's urlsafe_base64_encode), for reset links.
 *
 * @example
 * ```ts
 * encodeUid(42) // 'NDI'
 * ```
 */
export function encodeUid(pk: number | string): string {
  return Buffer.from(String(pk), 'utf8').toString('base64url')
}

/** The primary key inside a uidb64, or undefined when it is not one. */
export function decodeUid(uidb64: string): string | undefined {
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(uidb64)) return undefined
  const text = Buffer.from(uidb64, 'base64url').toString('utf8')
  return /^[0-9A-Za-z-]+$/.test(text) ? text : undefined
}
