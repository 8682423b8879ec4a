/**
 * @module The database session backend (the default, Django's `backends.db`): a `Session` row per
 * session, found by primary key; the data is JSON text.
 */
import { IntegrityError } from '../../../db/index.ts'
import { Session } from '../models.ts'
import type { SessionBackend, SessionData } from '../session-backend.ts'
import { SessionInterrupted } from '../session-interrupted.ts'
import { isWellFormedSessionKey, newSessionKey } from '../session-key.ts'

/**
 * Sessions in the `sessions_session` table (the sessions app must be installed and migrated).
 *
 * @example
 * ```ts
 * defineSettings({ SESSION_ENGINE: 'db' }) // the default
 * ```
 */
export class DatabaseSessionBackend implements SessionBackend {
  /** The DATABASES alias to use. */
  readonly using: string | undefined

  constructor(options: { using?: string } = {}) {
    this.using = options.using
  }

  #objects() {
    return this.using ? Session.objects.using(this.using) : Session.objects
  }

  /** Runs a query; a missing table becomes an error that says how to create it. */
  async #run<T>(query: () => Promise<T>): Promise<T> {
    try {
      return await query()
    } catch (error) {
      throw missingTable(error) ?? error
    }
  }

  async load(key: string): Promise<SessionData | undefined> {
    if (!isWellFormedSessionKey(key)) return undefined
    const row = await this.#run(() =>
      this.#objects().filter({ sessionKey: key, expireDate__gt: new Date() }).first(),
    )
    if (!row) return undefined
    try {
      const data: unknown = JSON.parse(row.sessionData)
      return typeof data === 'object' && data !== null && !Array.isArray(data)
        ? (data as SessionData)
        : {}
    } catch {
      // Corrupt data (edited by hand, truncated): an empty session, as Django decodes it.
      return {}
    }
  }

  async save(key: string | undefined, data: SessionData, expireDate: Date): Promise<string> {
    const sessionData = JSON.stringify(data)
    if (key !== undefined) {
      const updated = await this.#run(() =>
        this.#objects().filter({ sessionKey: key }).update({ sessionData, expireDate }),
      )
      if (updated === 0) throw new SessionInterrupted()
      return key
    }
    // A collision among 36^32 keys is not expected, but a retry costs nothing.
    for (let attempt = 0; ; attempt++) {
      const fresh = newSessionKey()
      try {
        await this.#run(() =>
          this.#objects().create({ sessionKey: fresh, sessionData, expireDate }),
        )
        return fresh
      } catch (error) {
        if (!(error instanceof IntegrityError) || attempt >= 3) throw error
      }
    }
  }

  async delete(key: string): Promise<void> {
    if (!isWellFormedSessionKey(key)) return
    await this.#run(() => this.#objects().filter({ sessionKey: key }).delete())
  }

  async clearExpired(): Promise<number> {
    return this.#run(() => this.#objects().filter({ expireDate__lt: new Date() }).delete())
  }
}

/** "no such table" (SQLite) / "relation does not exist" (PostgreSQL) as a coded, fixable error. */
function missingTable(error: unknown): Error | undefined {
  const text = `${(error as Error)?.message ?? ''} ${(error as { cause?: Error })?.cause?.message ?? ''}`
  if (!/no such table|relation "[^"]*session[^"]*" does not exist/i.test(text)) return undefined
  return Object.assign(
    new Error(
      "The sessions table does not exist: add 'framework/contrib/sessions' to INSTALLED_APPS and run 'framework migrate' (or set SESSION_ENGINE: 'signed_cookies').",
      { cause: error },
    ),
    { code: 'sessions.no_table' },
  )
}
