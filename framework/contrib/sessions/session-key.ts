/**
 * @module Session keys: 32 random characters from [a-z0-9] (Django's alphabet and length),
 * about 165 bits, drawn with crypto.randomInt (no modulo bias).
 */
import { randomInt } from 'node:crypto'

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789'
const LENGTH = 32

/** A new random session key. */
export function newSessionKey(): string {
  let key = ''
  for (let i = 0; i < LENGTH; i++) key += ALPHABET[randomInt(ALPHABET.length)]
  return key
}

/**
 * Whether a cookie value can be a key this framework made. Anything else (a key an attacker
 * chose, a tampered value) is treated as no session at all, without a database query.
 */
export function isWellFormedSessionKey(key: string): boolean {
  return /^[a-z0-9]{32}$/.test(key)
}
