/**
 * @module The CSRF secret and its masked tokens, Django's algorithm (4.1+): a 32-character
 * secret from [A-Za-z0-9] lives in the cookie (or the session); every page gets a different
 * 64-character token, a random mask followed by the secret shifted by it, so the token in the
 * HTML changes on every response (BREACH cannot recover it by compression) while any of them
 * checks against the one secret.
 */
import { randomInt, timingSafeEqual } from 'node:crypto'

const CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
/** Length of the secret (cookie). */
export const CSRF_SECRET_LENGTH = 32
/** Length of a masked token (form field, header). */
export const CSRF_TOKEN_LENGTH = 2 * CSRF_SECRET_LENGTH

function randomString(length: number): string {
  let out = ''
  for (let i = 0; i < length; i++) out += CHARS[randomInt(CHARS.length)]
  return out
}

/** A new secret. */
export function newCsrfSecret(): string {
  return randomString(CSRF_SECRET_LENGTH)
}

/** A fresh masked token for `secret`. */
export function maskSecret(secret: string): string {
  const mask = randomString(CSRF_SECRET_LENGTH)
  let cipher = ''
  for (let i = 0; i < CSRF_SECRET_LENGTH; i++) {
    cipher += CHARS[(CHARS.indexOf(secret[i] ?? '') + CHARS.indexOf(mask[i] ?? '')) % CHARS.length]
  }
  return mask + cipher
}

/** The secret a masked token carries. */
export function unmaskToken(token: string): string {
  const mask = token.slice(0, CSRF_SECRET_LENGTH)
  const cipher = token.slice(CSRF_SECRET_LENGTH)
  let secret = ''
  for (let i = 0; i < CSRF_SECRET_LENGTH; i++) {
    const x = CHARS.indexOf(cipher[i] ?? '') - CHARS.indexOf(mask[i] ?? '')
    secret += CHARS[(x + CHARS.length) % CHARS.length]
  }
  return secret
}

/** Why a token or secret is malformed, or undefined when it is well formed. */
export function tokenFormatProblem(
  token: string,
): 'has incorrect length' | 'has invalid characters' | undefined {
  if (token.length !== CSRF_TOKEN_LENGTH && token.length !== CSRF_SECRET_LENGTH)
    return 'has incorrect length'
  if (!/^[a-zA-Z0-9]+$/.test(token)) return 'has invalid characters'
  return undefined
}

/**
 * Whether `token` (masked, or the bare secret as some JavaScript clients send it) matches
 * `secret`. Compared with crypto.timingSafeEqual: the time taken does not depend on where the
 * first wrong character is.
 */
export function tokenMatches(token: string, secret: string): boolean {
  if (tokenFormatProblem(token) !== undefined || tokenFormatProblem(secret) !== undefined)
    return false
  const candidate = token.length === CSRF_TOKEN_LENGTH ? unmaskToken(token) : token
  const a = Buffer.from(candidate)
  const b = Buffer.from(secret.length === CSRF_TOKEN_LENGTH ? unmaskToken(secret) : secret)
  return a.length === b.length && timingSafeEqual(a, b)
}
