/**
 * @module A fresh SECRET_KEY for a new project: 50 characters from node:crypto's generator.
 */
import { randomInt } from 'node:crypto'

// No quote, backslash or `$`/backtick, so the key pastes into a TypeScript string, a shell
// variable or a systemd unit without escaping (Django's alphabet minus those characters).
const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789!@#%^&*(-_=+)'

/**
 * A random secret key (default 50 characters: the length `check --deploy` asks for).
 *
 * @example
 * ```ts
 * import { generateSecretKey } from './secret-key.ts'
 *
 * generateSecretKey().length // 50
 * ```
 */
export function generateSecretKey(length = 50): string {
  let key = ''
  for (let i = 0; i < length; i++) key += alphabet[randomInt(alphabet.length)]
  return key
}
