/**
 * @module The storage contract every session backend fulfils (Django's SessionBase subclasses'
 * load/save/delete/clear_expired, without the data handling, which session-base.ts owns).
 */

/** A session's data: JSON values only (SESSION_SERIALIZER is `json`). */
export type SessionData = Record<string, unknown>

/**
 * Where sessions live. The key is whatever the cookie carries: a random id for the database
 * backend, the signed data itself for the signed-cookie backend.
 *
 * @example
 * ```ts
 * const backend: SessionBackend = new DatabaseSessionBackend()
 * const key = await backend.save(undefined, { cart: [1, 2] }, new Date(Date.now() + 3600_000))
 * ```
 */
export interface SessionBackend {
  /** The data stored under `key`, or undefined when missing, expired or tampered. Never throws for bad input. */
  load(key: string): Promise<SessionData | undefined>
  /**
   * Stores `data` until `expireDate` and returns the key the cookie must carry. `key` undefined
   * means a new session: the backend picks a fresh key. Throws SessionInterrupted when `key`
   * was deleted meanwhile (logged out in another tab).
   */
  save(key: string | undefined, data: SessionData, expireDate: Date): Promise<string>
  /** Forgets `key` (logout, cycleKey). Missing keys are fine. */
  delete(key: string): Promise<void>
  /** Deletes expired sessions and returns how many; backends without server state return 0. */
  clearExpired(): Promise<number>
}
