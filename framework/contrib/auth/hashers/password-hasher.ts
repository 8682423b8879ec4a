/**
 * @module The PasswordHasher protocol: one algorithm, named in the hashes it writes
 * (`<algorithm>$...`), so a stored hash always says how to check it.
 */
import { randomInt, timingSafeEqual } from 'node:crypto'

/**
 * A password hashing algorithm. `encode` and `verify` are asynchronous: the work runs on libuv's
 * thread pool (node:crypto's async pbkdf2/scrypt), never on the event loop.
 */
export interface PasswordHasher {
  /** The first `$`-separated part of the hashes this hasher writes, e.g. `pbkdf2_sha256`. */
  readonly algorithm: string
  /** A fresh random salt. */
  salt(): string
  /** The stored form of `password` with `salt`: `<algorithm>$<parameters>$<salt>$<hash>`. */
  encode(password: string, salt: string): Promise<string>
  /** Whether `password` matches `encoded`, compared in constant time. */
  verify(password: string, encoded: string): Promise<boolean>
  /** True when `encoded` was made with weaker parameters than this hasher's current ones. */
  mustUpdate(encoded: string): boolean
  /** The parameters of `encoded`, for display (the hash itself masked). */
  safeSummary(encoded: string): Record<string, string>
}

const SALT_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'

/**
 * A random string over [a-zA-Z0-9] (Django's get_random_string); 22 characters carry 128 bits,
 * Django's salt entropy.
 *
 * @example
 * ```ts
 * randomString(22) // 'f3KQp0...'
 * ```
 */
export function randomString(length = 22): string {
  let out = ''
  for (let i = 0; i < length; i++) out += SALT_ALPHABET[randomInt(SALT_ALPHABET.length)]
  return out
}

/**
 * Compares two strings in time that depends only on their lengths, never on where they differ
 * (Django's constant_time_compare), so a response time cannot reveal a hash prefix.
 *
 * @example
 * ```ts
 * constantTimeEquals(computed, stored)
 * ```
 */
export function constantTimeEquals(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8')
  const right = Buffer.from(b, 'utf8')
  // timingSafeEqual needs equal lengths; comparing `left` with itself keeps the time the same.
  if (left.length !== right.length) {
    timingSafeEqual(left, left)
    return false
  }
  return timingSafeEqual(left, right)
}

/** Masks all but the first `shown` characters, for safeSummary(). */
export function maskHash(hash: string, shown = 6): string {
  return hash.slice(0, shown) + '*'.repeat(Math.max(0, hash.length - shown))
}
