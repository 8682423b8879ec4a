/**
 * @module Django's salted_hmac: an HMAC whose key is derived from a purpose string (the salt)
 * and SECRET_KEY, so a value signed for one purpose is worthless for another.
 */
import { createHash, createHmac } from 'node:crypto'

/**
 * The hex HMAC-SHA256 of `value` under a key derived from `keySalt` and `secret`.
 *
 * @example
 * ```ts
 * saltedHmac('myapp.invite', String(user.id), settings.SECRET_KEY)
 * ```
 */
export function saltedHmac(keySalt: string, value: string, secret: string): string {
  if (!secret) {
    throw Object.assign(
      new Error(
        'SECRET_KEY is empty: auth signs session hashes and reset tokens with it; set SECRET_KEY.',
      ),
      { code: 'auth.E005' },
    )
  }
  const key = createHash('sha256')
    .update(keySalt + secret)
    .digest()
  return createHmac('sha256', key).update(value).digest('hex')
}
