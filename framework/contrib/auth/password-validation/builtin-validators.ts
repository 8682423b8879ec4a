/**
 * @module Django's four password validators: minimum length, user-attribute similarity, common
 * passwords (a bundled list), all-numeric.
 */
import { readFile } from 'node:fs/promises'
import { promisify } from 'node:util'
import { gunzip } from 'node:zlib'
import type { PasswordIssue, PasswordUser, PasswordValidator } from './password-validator.ts'

const gunzipAsync = promisify(gunzip)

/**
 * At least `minLength` characters (default 8).
 *
 * @example
 * ```ts
 * { NAME: 'MinimumLengthValidator', OPTIONS: { minLength: 12 } }
 * ```
 */
export class MinimumLengthValidator implements PasswordValidator {
  readonly minLength: number
  constructor(options: { minLength?: number } = {}) {
    this.minLength = options.minLength ?? 8
  }
  validate(password: string): PasswordIssue[] {
    // Count code points, not UTF-16 units: an emoji is one character to the user.
    if ([...password].length >= this.minLength) return []
    return [
      {
        code: 'password_too_short',
        message: `This password is too short. It must contain at least ${this.minLength} characters.`,
      },
    ]
  }
  getHelpText(): string {
    return `Your password must contain at least ${this.minLength} characters.`
  }
}

/** Ratcliff/Obershelp similarity of two strings (Python's SequenceMatcher.ratio()). */
export function similarityRatio(a: string, b: string): number {
  if (!a.length && !b.length) return 1
  const matches = (x: string, y: string): number => {
    if (!x.length || !y.length) return 0
    let best = 0
    let bx = 0
    let by = 0
    // Longest common substring by dynamic programming over one row.
    let prev = new Array<number>(y.length + 1).fill(0)
    for (let i = 1; i <= x.length; i++) {
      const row = new Array<number>(y.length + 1).fill(0)
      for (let j = 1; j <= y.length; j++) {
        if (x[i - 1] === y[j - 1]) {
          row[j] = (prev[j - 1] ?? 0) + 1
          if ((row[j] ?? 0) > best) {
            best = row[j] ?? 0
            bx = i - best
            by = j - best
          }
        }
      }
      prev = row
    }
    if (best === 0) return 0
    return (
      best +
      matches(x.slice(0, bx), y.slice(0, by)) +
      matches(x.slice(bx + best), y.slice(by + best))
    )
  }
  return (2 * matches(a, b)) / (a.length + b.length)
}

/**
 * Not too similar to the user's username, names or email (default threshold 0.7). Each
 * attribute is also split on non-word characters, so `ada.lovelace@example.com` catches
 * `lovelace1`.
 *
 * @example
 * ```ts
 * { NAME: 'UserAttributeSimilarityValidator', OPTIONS: { maxSimilarity: 0.5 } }
 * ```
 */
export class UserAttributeSimilarityValidator implements PasswordValidator {
  static readonly DEFAULT_USER_ATTRIBUTES = ['username', 'firstName', 'lastName', 'email']
  readonly userAttributes: readonly string[]
  readonly maxSimilarity: number
  constructor(options: { userAttributes?: readonly string[]; maxSimilarity?: number } = {}) {
    this.userAttributes =
      options.userAttributes ?? UserAttributeSimilarityValidator.DEFAULT_USER_ATTRIBUTES
    this.maxSimilarity = options.maxSimilarity ?? 0.7
    if (this.maxSimilarity < 0.1) throw new RangeError('maxSimilarity must be at least 0.1')
  }
  validate(password: string, user?: PasswordUser): PasswordIssue[] {
    if (!user) return []
    const lowered = password.toLowerCase()
    for (const attribute of this.userAttributes) {
      const value = user[attribute]
      if (typeof value !== 'string' || !value) continue
      const lowerValue = value.toLowerCase()
      // Django's shortcut: a password far longer than the attribute cannot be too similar.
      if (lowered.length >= 10 * lowerValue.length) continue
      const parts = [...lowerValue.split(/\W+/), lowerValue].filter(Boolean)
      if (parts.some((part) => similarityRatio(lowered, part) >= this.maxSimilarity)) {
        return [
          {
            code: 'password_too_similar',
            message: `The password is too similar to the ${verbose(attribute)}.`,
          },
        ]
      }
    }
    return []
  }
  getHelpText(): string {
    return 'Your password can’t be too similar to your other personal information.'
  }
}

function verbose(attribute: string): string {
  return attribute.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()
}

/** The bundled list: Django's 20,000 common passwords (lower-case), from Royce Williams's list. */
export const DEFAULT_PASSWORD_LIST_PATH = new URL('./common-passwords.txt.gz', import.meta.url)

const lists = new Map<string, Promise<Set<string>>>()

async function loadList(path: string | URL): Promise<Set<string>> {
  const raw = await readFile(path)
  const text = String(path).endsWith('.gz')
    ? (await gunzipAsync(raw)).toString('utf8')
    : raw.toString('utf8')
  return new Set(
    text
      .split('\n')
      .map((line) => line.trim().toLowerCase())
      .filter(Boolean),
  )
}

/**
 * Not in a list of common passwords (compared lower-cased). The list is a text file, one
 * password per line, optionally gzipped; it is read once, asynchronously.
 *
 * @example
 * ```ts
 * { NAME: 'CommonPasswordValidator', OPTIONS: { passwordListPath: 'config/banned.txt' } }
 * ```
 */
export class CommonPasswordValidator implements PasswordValidator {
  readonly passwordListPath: string | URL
  constructor(options: { passwordListPath?: string | URL } = {}) {
    this.passwordListPath = options.passwordListPath ?? DEFAULT_PASSWORD_LIST_PATH
  }
  async validate(password: string): Promise<PasswordIssue[]> {
    const key = String(this.passwordListPath)
    let list = lists.get(key)
    if (!list) {
      list = loadList(this.passwordListPath)
      lists.set(key, list)
      list.catch(() => lists.delete(key))
    }
    if (!(await list).has(password.toLowerCase().trim())) return []
    return [{ code: 'password_too_common', message: 'This password is too common.' }]
  }
  getHelpText(): string {
    return 'Your password can’t be a commonly used password.'
  }
}

/**
 * Not entirely numeric.
 *
 * @example
 * ```ts
 * { NAME: 'NumericPasswordValidator' }
 * ```
 */
export class NumericPasswordValidator implements PasswordValidator {
  validate(password: string): PasswordIssue[] {
    if (!/^\p{Nd}+$/u.test(password)) return []
    return [{ code: 'password_entirely_numeric', message: 'This password is entirely numeric.' }]
  }
  getHelpText(): string {
    return 'Your password can’t be entirely numeric.'
  }
}
