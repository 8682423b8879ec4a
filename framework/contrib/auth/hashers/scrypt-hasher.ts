/**
 * @module The scrypt hasher, in Django's format: `scrypt$<N>$<salt>$<r>$<p>$<hash>`, a 64-byte
 * key in standard base64. Memory-hard: about 16 MiB per hash with the defaults.
 */
import { scrypt, type ScryptOptions } from 'node:crypto'
import {
  constantTimeEquals,
  maskHash,
  randomString,
  type PasswordHasher,
} from './password-hasher.ts'

function scryptAsync(password: Buffer, salt: Buffer, keylen: number, options: ScryptOptions) {
  return new Promise<Buffer>((resolve, reject) =>
    scrypt(password, salt, keylen, options, (error, key) => (error ? reject(error) : resolve(key))),
  )
}

/** Options of the scrypt hasher (Django's defaults). */
export interface ScryptHasherOptions {
  /** N, the CPU/memory cost, a power of two (default 2**14). */
  workFactor?: number
  /** r (default 8). */
  blockSize?: number
  /** p (default 5). */
  parallelism?: number
}

/**
 * scrypt (Django's ScryptPasswordHasher). Put `'scrypt'` first in PASSWORD_HASHERS to use it
 * for new passwords.
 *
 * @example
 * ```ts
 * defineSettings({ PASSWORD_HASHERS: ['scrypt', 'pbkdf2_sha256'] })
 * ```
 */
export class ScryptHasher implements PasswordHasher {
  readonly algorithm = 'scrypt'
  readonly workFactor: number
  readonly blockSize: number
  readonly parallelism: number

  constructor(options: ScryptHasherOptions = {}) {
    this.workFactor = options.workFactor ?? 2 ** 14
    this.blockSize = options.blockSize ?? 8
    this.parallelism = options.parallelism ?? 5
  }

  salt(): string {
    return randomString(22)
  }

  async encode(
    password: string,
    salt: string,
    n = this.workFactor,
    r = this.blockSize,
    p = this.parallelism,
  ): Promise<string> {
    if (!salt || salt.includes('$')) {
      throw new TypeError('A scrypt salt must be non-empty and must not contain "$"')
    }
    const key = await scryptAsync(Buffer.from(password, 'utf8'), Buffer.from(salt, 'utf8'), 64, {
      N: n,
      r,
      p,
      // Why: node's default limit (32 MiB) is just above what r=8, N=2**14 needs; leave room.
      maxmem: 256 * n * r + 1024 * 1024,
    })
    return `${this.algorithm}$${n}$${salt}$${r}$${p}$${key.toString('base64')}`
  }

  async verify(password: string, encoded: string): Promise<boolean> {
    const parts = this.#decode(encoded)
    if (!parts) return false
    const candidate = await this.encode(password, parts.salt, parts.n, parts.r, parts.p)
    return constantTimeEquals(candidate, encoded)
  }

  mustUpdate(encoded: string): boolean {
    const parts = this.#decode(encoded)
    return (
      !parts ||
      parts.n !== this.workFactor ||
      parts.r !== this.blockSize ||
      parts.p !== this.parallelism
    )
  }

  safeSummary(encoded: string): Record<string, string> {
    const parts = this.#decode(encoded)
    if (!parts) return { algorithm: this.algorithm }
    return {
      algorithm: this.algorithm,
      'work factor': String(parts.n),
      'block size': String(parts.r),
      parallelism: String(parts.p),
      salt: maskHash(parts.salt),
      hash: maskHash(parts.hash),
    }
  }

  #decode(encoded: string) {
    const [algorithm, n, salt, r, p, hash, ...rest] = encoded.split('$')
    if (algorithm !== this.algorithm || rest.length || !salt || !hash) return undefined
    const [nn, rr, pp] = [Number(n), Number(r), Number(p)]
    const powerOfTwo = Number.isInteger(nn) && nn > 1 && (nn & (nn - 1)) === 0
    // Stored parameters are data: bound them so a crafted hash cannot exhaust memory.
    if (!powerOfTwo || nn > 2 ** 20 || !Number.isInteger(rr) || rr < 1 || rr > 32) return undefined
    if (!Number.isInteger(pp) || pp < 1 || pp > 16) return undefined
    return { n: nn, salt, r: rr, p: pp, hash }
  }
}
