/**
 * @module makePassword() and checkPassword() (Django's hashers module): the hashers come from
 * PASSWORD_HASHERS, the first one hashes new passwords, every one verifies, and a hash made by
 * a weaker one (or the same one with older parameters) is reported for upgrade.
 */
import type { Settings } from '../../../conf/index.ts'
import type { PasswordHasher } from './password-hasher.ts'
import { randomString } from './password-hasher.ts'
import { Pbkdf2Sha1Hasher, Pbkdf2Sha256Hasher } from './pbkdf2-hasher.ts'
import { ScryptHasher } from './scrypt-hasher.ts'

/** Django marks a password that can never match with this prefix. */
export const UNUSABLE_PASSWORD_PREFIX = '!'

/** The built-in hashers, by the names PASSWORD_HASHERS uses (Django's class names work too). */
const BUILTIN: Readonly<Record<string, () => PasswordHasher>> = {
  pbkdf2_sha256: () => new Pbkdf2Sha256Hasher(),
  PBKDF2PasswordHasher: () => new Pbkdf2Sha256Hasher(),
  pbkdf2_sha1: () => new Pbkdf2Sha1Hasher(),
  PBKDF2SHA1PasswordHasher: () => new Pbkdf2Sha1Hasher(),
  scrypt: () => new ScryptHasher(),
  ScryptPasswordHasher: () => new ScryptHasher(),
}

/** A PASSWORD_HASHERS entry that is neither a built-in name nor a hasher object. */
export class UnknownHasherError extends Error {
  override name = 'UnknownHasherError'
  readonly code = 'auth.E001'
}

function isHasher(value: unknown): value is PasswordHasher {
  const h = value as Partial<PasswordHasher> | null
  return (
    typeof h === 'object' &&
    h !== null &&
    typeof h.algorithm === 'string' &&
    typeof h.encode === 'function' &&
    typeof h.verify === 'function'
  )
}

const cache = new WeakMap<object, PasswordHasher[]>()

/**
 * The hashers of PASSWORD_HASHERS, preferred first.
 *
 * @example
 * ```ts
 * getHashers(settings)[0].algorithm // 'pbkdf2_sha256'
 * ```
 */
export function getHashers(settings: Pick<Settings, 'PASSWORD_HASHERS'>): PasswordHasher[] {
  let hashers = cache.get(settings)
  if (hashers) return hashers
  hashers = settings.PASSWORD_HASHERS.map((entry) => {
    if (isHasher(entry)) return entry
    const name = typeof entry === 'string' ? (entry.split('.').pop() ?? '') : ''
    const make = BUILTIN[name]
    if (!make) {
      throw new UnknownHasherError(
        `Unknown password hasher ${JSON.stringify(entry)} in PASSWORD_HASHERS: use ${Object.keys(BUILTIN).join(', ')} or an object with algorithm, salt(), encode(), verify(), mustUpdate().`,
      )
    }
    return make()
  })
  if (hashers.length === 0) {
    throw new UnknownHasherError(
      "PASSWORD_HASHERS is empty: list at least one hasher, e.g. ['pbkdf2_sha256'].",
    )
  }
  cache.set(settings, hashers)
  return hashers
}

/** The hasher that made `encoded`, or undefined (unusable or unknown). */
export function identifyHasher(
  encoded: string,
  settings: Pick<Settings, 'PASSWORD_HASHERS'>,
): PasswordHasher | undefined {
  const algorithm = encoded.split('$', 1)[0]
  return getHashers(settings).find((h) => h.algorithm === algorithm)
}

/**
 * Whether `encoded` can ever match a password (false for `null`, `''` and `!`-prefixed hashes).
 *
 * @example
 * ```ts
 * isPasswordUsable(user.password)
 * ```
 */
export function isPasswordUsable(encoded: string | null | undefined): boolean {
  return !!encoded && !encoded.startsWith(UNUSABLE_PASSWORD_PREFIX)
}

/**
 * Hashes `password` with the preferred hasher; `null` gives an unusable password.
 *
 * @example
 * ```ts
 * user.password = await makePassword('correct horse battery', settings)
 * ```
 */
export async function makePassword(
  password: string | null,
  settings: Pick<Settings, 'PASSWORD_HASHERS'>,
): Promise<string> {
  if (password === null) return UNUSABLE_PASSWORD_PREFIX + randomString(40)
  const hasher = getHashers(settings)[0] as PasswordHasher
  return hasher.encode(password, hasher.salt())
}

/** What checkPassword() found. */
export interface PasswordCheck {
  /** The password matches. */
  valid: boolean
  /** It matches, and the stored hash should be replaced by one from the preferred hasher. */
  mustUpdate: boolean
}

/**
 * Checks `password` against a stored hash, in constant time for a given hash. When the hash is
 * unusable or unknown, the preferred hasher still runs once, so a response takes as long as for
 * a real account (no enumeration of accounts by timing).
 *
 * @example
 * ```ts
 * const { valid, mustUpdate } = await checkPassword(password, user.password, settings)
 * if (valid && mustUpdate) await user.setPassword(password) // upgrade to the preferred hasher
 * ```
 */
export async function checkPassword(
  password: string,
  encoded: string | null | undefined,
  settings: Pick<Settings, 'PASSWORD_HASHERS'>,
): Promise<PasswordCheck> {
  const preferred = getHashers(settings)[0] as PasswordHasher
  const hasher =
    encoded && isPasswordUsable(encoded) ? identifyHasher(encoded, settings) : undefined
  if (!hasher || !encoded) {
    await preferred.encode(password, preferred.salt())
    return { valid: false, mustUpdate: false }
  }
  const valid = await hasher.verify(password, encoded)
  const mustUpdate = valid && (hasher !== preferred || preferred.mustUpdate(encoded))
  return { valid, mustUpdate }
}
