/**
 * @module Parses a DATABASES URL: `sqlite:db.sqlite3`, `sqlite::memory:`, `sqlite:///abs/path`,
 * `postgres://user@host:5432/name` (also `postgresql://`).
 */
import { ConnectionError } from '../errors.ts'

/** What a URL designates. */
export type DatabaseTarget =
  | { readonly vendor: 'sqlite'; readonly filename: string }
  | { readonly vendor: 'postgresql'; readonly url: string }

/**
 * Parses one DATABASES URL.
 *
 * @example
 * ```ts
 * parseDatabaseUrl('sqlite:db.sqlite3') // { vendor: 'sqlite', filename: 'db.sqlite3' }
 * ```
 */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  if (url.startsWith('sqlite:')) {
    let rest = url.slice('sqlite:'.length)
    if (rest.startsWith('//')) rest = rest.slice(2)
    if (rest === '') {
      throw new ConnectionError(
        `Database URL ${JSON.stringify(url)} names no file: write sqlite:db.sqlite3 or sqlite::memory:`,
      )
    }
    return { vendor: 'sqlite', filename: rest }
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    try {
      new URL(url)
    } catch (cause) {
      throw new ConnectionError(
        `Database URL ${JSON.stringify(url)} is not a valid URL: write postgres://user@host:5432/name`,
        { cause },
      )
    }
    return { vendor: 'postgresql', url }
  }
  throw new ConnectionError(
    `Database URL ${JSON.stringify(url)} has an unknown scheme: use sqlite:<file> or postgres://user@host:5432/name`,
  )
}
