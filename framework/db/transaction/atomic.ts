/**
 * @module `atomic()`: a transaction, or a savepoint when nested, per database alias; `onCommit()`
 * callbacks run after the outermost COMMIT and are dropped on rollback. SQLite write
 * transactions start with BEGIN IMMEDIATE and retry SQLITE_BUSY asynchronously.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { sql } from 'kysely'
import {
  getConnection,
  transactionStorage,
  type TransactionState,
} from '../connection/connections.ts'
import { DatabaseError, TransactionError } from '../errors.ts'

/** Options of {@link atomic}. */
export interface AtomicOptions {
  /** The database alias (default `'default'`). */
  readonly using?: string
}

const BEGIN_DEADLINE_MS = 30_000

/**
 * Runs `fn` in a transaction: committed when it resolves, rolled back when it throws. Nested
 * calls use savepoints, so an inner failure caught by the caller keeps the outer work.
 *
 * @example
 * ```ts
 * await atomic(async () => {
 *   const q = await Question.objects.create({ questionText: 'Why?' })
 *   onCommit(() => notify(q.id))
 * })
 * ```
 */
export async function atomic<T>(fn: () => Promise<T> | T, options: AtomicOptions = {}): Promise<T> {
  const connection = getConnection(options.using)
  const current = connection.transaction
  if (current) return savepoint(current, fn, connection.translate.bind(connection))
  const backend = connection.backend
  const started = Date.now()
  for (let attempt = 0; ; attempt++) {
    try {
      return await backend.kysely.connection().execute(async (db) => {
        await sql.raw(backend.beginSql).execute(db)
        const state: TransactionState = { db, savepoints: 0, onCommit: [] }
        const outer = transactionStorage.getStore()
        const store = new Map(outer ?? [])
        store.set(connection.alias, state)
        let result: T
        try {
          result = await transactionStorage.run(store, fn)
          await sql.raw('COMMIT').execute(db)
        } catch (error) {
          await sql
            .raw('ROLLBACK')
            .execute(db)
            .catch(() => {})
          throw error
        }
        // Why outside the transaction context: callbacks may start their own atomic blocks.
        await transactionStorage.run(new Map(outer ?? []), async () => {
          for (const callback of state.onCommit) await callback()
        })
        return result
      })
    } catch (error) {
      // Only BEGIN can be busy here (IMMEDIATE takes the write lock first); retry it.
      if (backend.isBusy(error) && Date.now() - started < BEGIN_DEADLINE_MS) {
        await sleep(Math.min(100, 2 + attempt * 3) + Math.random() * 10)
        continue
      }
      throw connection.translate(error)
    }
  }
}

async function savepoint<T>(
  state: TransactionState,
  fn: () => Promise<T> | T,
  translate: (error: unknown) => unknown,
): Promise<T> {
  const name = `sp_${++state.savepoints}`
  const callbacks = state.onCommit.length
  await sql.raw(`SAVEPOINT ${name}`).execute(state.db)
  try {
    const result = await fn()
    await sql.raw(`RELEASE SAVEPOINT ${name}`).execute(state.db)
    return result
  } catch (error) {
    await sql.raw(`ROLLBACK TO SAVEPOINT ${name}`).execute(state.db)
    await sql.raw(`RELEASE SAVEPOINT ${name}`).execute(state.db)
    state.onCommit.length = callbacks
    throw error instanceof DatabaseError ? error : translate(error)
  }
}

/**
 * Runs `callback` after the current transaction commits (at once when there is none); it is
 * forgotten if the transaction or the savepoint it was registered in rolls back.
 *
 * @example
 * ```ts
 * onCommit(() => sendEmail(user))
 * ```
 */
export function onCommit(
  callback: () => unknown,
  options: AtomicOptions = {},
): void | Promise<void> {
  const state = getConnection(options.using).transaction
  if (!state) return Promise.resolve(callback()).then(() => {})
  state.onCommit.push(callback)
}

/** Whether the current async context is inside `atomic()` for `using`. */
export function inAtomicBlock(options: AtomicOptions = {}): boolean {
  return getConnection(options.using).transaction !== undefined
}

/** Throws unless inside `atomic()` (for code that must not autocommit). */
export function requireAtomic(options: AtomicOptions = {}): void {
  if (!inAtomicBlock(options)) {
    throw new TransactionError(
      `This operation must run inside atomic() on database ${JSON.stringify(options.using ?? 'default')}`,
    )
  }
}

/**
 * Wraps a function so each call runs in its own `atomic()` block: what the request handler uses
 * for ATOMIC_REQUESTS (one transaction per request, rolled back when the view throws).
 *
 * @example
 * ```ts
 * const view = atomicFunction(async (request: HttpRequest) => { ... })
 * ```
 */
export function atomicFunction<A extends unknown[], R>(
  fn: (...args: A) => Promise<R> | R,
  options: AtomicOptions = {},
): (...args: A) => Promise<R> {
  return (...args: A) => atomic(() => fn(...args), options)
}
