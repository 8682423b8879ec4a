/**
 * @module Signing: HMAC-SHA256 signatures for cookies and tokens, checked in constant time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'

/** Thrown by `unsign()` when the signature is missing, malformed or wrong. */
export class BadSignature extends Error {
  override name = 'BadSignature'
  readonly code = 'signing.bad_signature'
}

function mac(key: string, salt: string, value: string): string {
  // The salt separates uses (a cookie signature cannot be replayed as a token's).
  return createHmac('sha256', `${salt}signer${key}`).update(value).digest('base64url')
}

/**
 * Returns `value:signature`.
 *
 * @example
 * ```ts
 * const signed = sign('42', settings.SECRET_KEY, 'cookie:uid')
 * ```
 */
export function sign(value: string, key: string, salt = 'framework.signing'): string {
  return `${value}:${mac(key, salt, value)}`
}

/**
 * Checks and strips the signature added by `sign()`; throws BadSignature when it does not match.
 *
 * @example
 * ```ts
 * const value = unsign(signed, settings.SECRET_KEY, 'cookie:uid')
 * ```
 */
export function unsign(signed: string, key: string, salt = 'framework.signing'): string {
  const at = signed.lastIndexOf(':')
  if (at === -1)
    throw new BadSignature(
      `No ":" separator in signed value ${JSON.stringify(signed.slice(0, 40))}`,
    )
  const value = signed.slice(0, at)
  const given = Buffer.from(signed.slice(at + 1))
  const expected = Buffer.from(mac(key, salt, value))
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new BadSignature(`Signature does not match for ${JSON.stringify(value.slice(0, 40))}`)
  }
  return value
}
