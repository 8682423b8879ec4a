/**
 * @module PBKDF2 hashers, compatible with Django's: `pbkdf2_sha256$<iterations>$<salt>$<hash>`,
 * the hash standard base64 of the derived key (32 bytes for SHA-256, 20 for SHA-1), the password
 * and salt as UTF-8. A hash made by Django verifies here and the other way round.
 */
import { pbkdf2 } from 'node:crypto'
import { promisify } from 'node:util'
import {
  constantTimeEquals,
  maskHash,
  randomString,
  type PasswordHasher,
} from './password-hasher.ts'

const pbkdf2Async = promisify(pbkdf2)

/**
 * Django's current PBKDF2PasswordHasher.iterations: 1,500,000 in Django 6.1 (5.1: 870,000;
 * 5.2 LTS: 1,000,000; 6.0: 1,200,000). Why the current one and not 5.2's: node's pbkdf2 does
 * the same work about 13% faster than Python's hashlib on the same OpenSSL, so 1,000,000 here
 * would cost less than Django 5.2's default on the same machine.
 */
export const DJANGO_PBKDF2_ITERATIONS = 1_500_000

/** Options of a PBKDF2 hasher. */
export interface Pbkdf2Options {
  /** Iterations for new hashes (default: Django 6.1's 1,500,000). */
  iterations?: number
}

/**
 * PBKDF2 with HMAC-SHA256, the default hasher.
 *
 * @example
 * ```ts
 * const hasher = new Pbkdf2Sha256Hasher()
 * await hasher.encode('correct horse', hasher.salt()) // 'pbkdf2_sha256$1500000$...$...'
 * // Faster hashes for a test suite only:
 * defineSettings({ PASSWORD_HASHERS: [new Pbkdf2Sha256Hasher({ iterations: 1000 })] })
 * ```
 */
export class Pbkdf2Sha256Hasher implements PasswordHasher {
  readonly algorithm: string = 'pbkdf2_sha256'
  readonly iterations: number
  protected readonly digest: string = 'sha256'
  protected readonly keyLength: number = 32

  constructor(options: Pbkdf2Options = {}) {
    this.iterations = options.iterations ?? DJANGO_PBKDF2_ITERATIONS
    if (!Number.isInteger(this.iterations) || this.iterations < 1) {
      throw new TypeError(`PBKDF2 iterations must be a positive integer, got ${this.iterations}`)
    }
  }

  salt(): string {
    return randomString(22)
  }

  async encode(password: string, salt: string, iterations = this.iterations): Promise<string> {
    if (!salt || salt.includes('$')) {
      throw new TypeError('A PBKDF2 salt must be non-empty and must not contain "$"')
    }
    const key = await pbkdf2Async(
      Buffer.from(password, 'utf8'),
      Buffer.from(salt, 'utf8'),
      iterations,
      this.keyLength,
      this.digest,
    )
    return `${this.algorithm}$${iterations}$${salt}$${key.toString('base64')}`
  }

  async verify(password: string, encoded: string): Promise<boolean> {
    const parts = this.#decode(encoded)
    if (!parts) return false
    const candidate = await this.encode(password, parts.salt, parts.iterations)
    return constantTimeEquals(candidate, encoded)
  }

  mustUpdate(encoded: string): boolean {
    const parts = this.#decode(encoded)
    return !parts || parts.iterations !== this.iterations
  }

  safeSummary(encoded: string): Record<string, string> {
    const parts = this.#decode(encoded)
    if (!parts) return { algorithm: this.algorithm }
    return {
      algorithm: this.algorithm,
      iterations: String(parts.iterations),
      salt: maskHash(parts.salt),
      hash: maskHash(parts.hash),
    }
  }

  #decode(encoded: string): { iterations: number; salt: string; hash: string } | undefined {
    const [algorithm, iterations, salt, hash, ...rest] = encoded.split('$')
    if (algorithm !== this.algorithm || rest.length || !salt || !hash) return undefined
    const n = Number(iterations)
    // A stored hash is data: refuse absurd work factors instead of spending minutes on them.
    if (!Number.isInteger(n) || n < 1 || n > 100_000_000) return undefined
    return { iterations: n, salt, hash }
  }
}

/**
 * PBKDF2 with HMAC-SHA1 (Django's PBKDF2SHA1PasswordHasher): verified so that hashes from old
 * databases still log in, then replaced by the preferred hasher at that login.
 *
 * @example
 * ```ts
 * await new Pbkdf2Sha1Hasher().verify('secret', 'pbkdf2_sha1$...')
 * ```
 */
export class Pbkdf2Sha1Hasher extends Pbkdf2Sha256Hasher {
  override readonly algorithm: string = 'pbkdf2_sha1'
  protected override readonly digest: string = 'sha1'
  protected override readonly keyLength: number = 20
}
