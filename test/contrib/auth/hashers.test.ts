/**
 * Password hashers: Django-compatible formats (vectors made by Django 3.2's own make_password
 * and by Python's hashlib, i.e. computed independently of this code), the algorithm and its
 * parameters in the stored hash, weaker hashes flagged for upgrade, unusable passwords, and a
 * constant-time comparison.
 */
import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import {
  DJANGO_PBKDF2_ITERATIONS,
  Pbkdf2Sha1Hasher,
  Pbkdf2Sha256Hasher,
  ScryptHasher,
  checkPassword,
  constantTimeEquals,
  getHashers,
  identifyHasher,
  isPasswordUsable,
  makePassword,
} from '../../../framework/contrib/auth/index.ts'
import { defineSettings } from '../../../framework/conf/index.ts'
import { requireProgram } from '../../support/require-program.ts'

const PASSWORD = 'correct horse battery staple'
const SALT = 'Kq8ZJ0dF1Yx2mW3vT4uS5r'

// Made with Debian's python3-django 3.2.25: make_password(PASSWORD, salt=SALT) (its default,
// 260,000 iterations) and PBKDF2PasswordHasher().encode(PASSWORD, SALT, iterations=1_000_000).
const DJANGO_32_DEFAULT =
  'pbkdf2_sha256$260000$Kq8ZJ0dF1Yx2mW3vT4uS5r$bZ6ZLjceK+goQlLalkLOSHiFg920+73fxuTElcYbObs='
const DJANGO_1M =
  'pbkdf2_sha256$1000000$Kq8ZJ0dF1Yx2mW3vT4uS5r$MZMjwmJt0wfiBBJZmCKfo+y9VGBL8YG74lBuQCAoQns='
// PBKDF2SHA1PasswordHasher().encode('pässwörd', 'abcDEF123ghiJKL456mnoP', iterations=10000)
const DJANGO_SHA1 = 'pbkdf2_sha1$10000$abcDEF123ghiJKL456mnoP$XreDiTZKft9aHx87peezk6X5o84='
// hashlib.scrypt(PASSWORD, salt=SALT, n=16384, r=8, p=5, dklen=64) in Django 4+'s format.
const SCRYPT =
  'scrypt$16384$Kq8ZJ0dF1Yx2mW3vT4uS5r$8$5$l/tdxNOuhpxvTrH6n6FjtglfO9tLh715Ux4PD/f4AabbEVSy+5AyYW5N4Se2beqAAWfl6tNKIl62iXfX15EFTA=='

const settings = defineSettings({ DEBUG: true }, { env: {} })

describe('PBKDF2-SHA256 hasher', () => {
  it("uses Django 6.1's iteration count by default and writes it in the hash", async () => {
    expect(DJANGO_PBKDF2_ITERATIONS).toBe(1_500_000)
    const encoded = await makePassword(PASSWORD, settings)
    expect(encoded).toMatch(/^pbkdf2_sha256\$1500000\$[A-Za-z0-9]{22}\$[A-Za-z0-9+/]{43}=$/)
    expect((await checkPassword(PASSWORD, encoded, settings)).valid).toBe(true)
  }, 30_000)

  it('produces exactly the hash Django produces for the same password, salt and iterations', async () => {
    expect(await new Pbkdf2Sha256Hasher({ iterations: 1_000_000 }).encode(PASSWORD, SALT)).toBe(
      DJANGO_1M,
    )
  }, 30_000)

  it('verifies a hash made by Django 3.2 and flags it for upgrade (fewer iterations)', async () => {
    const result = await checkPassword(PASSWORD, DJANGO_32_DEFAULT, settings)
    expect(result).toEqual({ valid: true, mustUpdate: true })
    expect((await checkPassword('wrong', DJANGO_32_DEFAULT, settings)).valid).toBe(false)
    // Django 5.2's default count is below ours too: verified, then upgraded at login.
    expect(await checkPassword(PASSWORD, DJANGO_1M, settings)).toEqual({
      valid: true,
      mustUpdate: true,
    })
  }, 30_000)

  it('agrees with Python hashlib for a fresh salt (computed independently, live)', async () => {
    const python = requireProgram('python3', 'apt-get install python3')
    if (!python.available) return
    const hasher = new Pbkdf2Sha256Hasher({ iterations: 12_345 })
    const salt = hasher.salt()
    const password = 'ünïcödé & spaces'
    const ours = await hasher.encode(password, salt)
    const theirs = execFileSync('python3', [
      '-c',
      'import hashlib,base64,sys; print(base64.b64encode(hashlib.pbkdf2_hmac("sha256", sys.argv[1].encode(), sys.argv[2].encode(), 12345)).decode())',
      password,
      salt,
    ])
      .toString()
      .trim()
    expect(ours).toBe(`pbkdf2_sha256$12345$${salt}$${theirs}`)
  })

  it('treats a malformed or absurd stored hash as a mismatch, not a crash or a hang', async () => {
    const hasher = new Pbkdf2Sha256Hasher()
    expect(await hasher.verify(PASSWORD, 'pbkdf2_sha256$abc$salt$hash')).toBe(false)
    expect(await hasher.verify(PASSWORD, 'pbkdf2_sha256$999999999999$salt$hash')).toBe(false)
    expect(await hasher.verify(PASSWORD, 'pbkdf2_sha256$1000$salt')).toBe(false)
  })
})

describe('other hashers', () => {
  it('verifies Django PBKDF2-SHA1 hashes and always asks to upgrade them', async () => {
    const result = await checkPassword('pässwörd', DJANGO_SHA1, settings)
    expect(result).toEqual({ valid: true, mustUpdate: true })
    expect(
      await new Pbkdf2Sha1Hasher({ iterations: 10_000 }).encode(
        'pässwörd',
        'abcDEF123ghiJKL456mnoP',
      ),
    ).toBe(DJANGO_SHA1)
  })

  it("writes scrypt hashes in Django's format, equal to hashlib.scrypt's", async () => {
    expect(await new ScryptHasher().encode(PASSWORD, SALT)).toBe(SCRYPT)
    const scryptFirst = defineSettings(
      { DEBUG: true, PASSWORD_HASHERS: ['scrypt', 'pbkdf2_sha256'] },
      { env: {} },
    )
    expect(await checkPassword(PASSWORD, SCRYPT, scryptFirst)).toEqual({
      valid: true,
      mustUpdate: false,
    })
    // Not the preferred hasher under the default settings: verified, then upgraded.
    expect(await checkPassword(PASSWORD, SCRYPT, settings)).toEqual({
      valid: true,
      mustUpdate: true,
    })
  }, 30_000)

  it('refuses a scrypt hash whose parameters would exhaust memory', async () => {
    expect(await new ScryptHasher().verify(PASSWORD, `scrypt$${2 ** 30}$salt$8$5$hash`)).toBe(false)
    expect(await new ScryptHasher().verify(PASSWORD, 'scrypt$1000$salt$8$5$hash')).toBe(false)
  })

  it('identifies the hasher from the algorithm in the hash', () => {
    expect(identifyHasher(SCRYPT, settings)?.algorithm).toBe('scrypt')
    expect(identifyHasher(DJANGO_SHA1, settings)?.algorithm).toBe('pbkdf2_sha1')
    expect(identifyHasher('md5$x$y', settings)).toBeUndefined()
  })

  it('names an unknown PASSWORD_HASHERS entry and the ones that exist', () => {
    const bad = defineSettings({ DEBUG: true, PASSWORD_HASHERS: ['argon2'] }, { env: {} })
    expect(() => getHashers(bad)).toThrow(/Unknown password hasher "argon2".*pbkdf2_sha256/)
  })
})

describe('unusable passwords', () => {
  it('makePassword(null) never matches anything, not even the empty string', async () => {
    const encoded = await makePassword(null, settings)
    expect(isPasswordUsable(encoded)).toBe(false)
    expect((await checkPassword('', encoded, settings)).valid).toBe(false)
    expect((await checkPassword(encoded, encoded, settings)).valid).toBe(false)
    expect(isPasswordUsable('')).toBe(false)
  }, 30_000)
})

describe('constant-time comparison', () => {
  it('compares equal and unequal strings correctly, whatever their lengths', () => {
    expect(constantTimeEquals('abc', 'abc')).toBe(true)
    expect(constantTimeEquals('abc', 'abd')).toBe(false)
    expect(constantTimeEquals('abc', 'abcd')).toBe(false)
    expect(constantTimeEquals('', '')).toBe(true)
  })

  it('takes the same time whether the first or the last character differs (timing attack)', () => {
    // Long values make a leak measurable: `===` returns at the first difference, so comparing
    // these with it differs ~35x between the two cases on this machine.
    const stored = 'A'.repeat(20_000)
    const firstDiffers = `X${stored.slice(1)}`.split('').join('')
    const lastDiffers = `${stored.slice(0, -1)}X`.split('').join('')
    const ratio = () => {
      const first: number[] = []
      const last: number[] = []
      // Interleaved rounds, so machine noise hits both cases alike; medians.
      for (let round = 0; round < 41; round++) {
        for (const [candidate, out] of [
          [firstDiffers, first],
          [lastDiffers, last],
        ] as const) {
          const start = process.hrtime.bigint()
          for (let i = 0; i < 100; i++) constantTimeEquals(candidate, stored)
          out.push(Number(process.hrtime.bigint() - start))
        }
      }
      const median = (xs: number[]) => xs.sort((a, b) => a - b)[20] as number
      return Math.max(median(first), median(last)) / Math.min(median(first), median(last))
    }
    // A leak shows in every attempt; allocation noise rarely three times in a row.
    expect(Math.min(ratio(), ratio(), ratio())).toBeLessThan(3)
  })

  it('checkPassword spends a full hash on an unknown account (no timing shortcut)', async () => {
    const slow = defineSettings(
      { DEBUG: true, PASSWORD_HASHERS: [new Pbkdf2Sha256Hasher({ iterations: 200_000 })] },
      { env: {} },
    )
    const encoded = await makePassword(PASSWORD, slow)
    const timed = async (stored: string | null) => {
      const started = performance.now()
      await checkPassword('wrong', stored, slow)
      return performance.now() - started
    }
    // The fastest of three of each: a busy machine only ever adds time, so the minimum is the
    // cost itself. A shortcut on the unknown account would be thousands of times faster.
    const real: number[] = []
    const missing: number[] = []
    for (let i = 0; i < 3; i++) {
      real.push(await timed(encoded))
      missing.push(await timed(null))
    }
    expect(Math.min(...missing)).toBeGreaterThan(Math.min(...real) * 0.5)
  }, 30_000)
})
