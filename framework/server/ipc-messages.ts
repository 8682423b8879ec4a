/**
 * @module The messages between the primary and a worker over the fork's IPC channel. A closed
 * union on each side, so both ends are checked by the compiler.
 */

/** Primary to worker. `conn` carries the accepted socket as the IPC handle. */
export type PrimaryMessage =
  | { t: 'conn'; seq: number }
  | { t: 'stop'; graceful: boolean }
  | { t: 'reopen-logs' }
  | { t: 'stats'; id: number }

/** Worker to primary. */
export type WorkerMessage =
  | { t: 'ready' }
  | { t: 'took'; seq: number }
  | { t: 'beat'; rss: number; requests: number; inFlight: number }
  | { t: 'retire'; reason: string }
  | { t: 'stats'; id: number; stats: unknown }

/**
 * Narrows an IPC message from a worker.
 *
 * @example
 * ```ts
 * child.on('message', (m) => { if (isWorkerMessage(m) && m.t === 'ready') markReady() })
 * ```
 */
export function isWorkerMessage(value: unknown): value is WorkerMessage {
  return (
    typeof value === 'object' && value !== null && typeof (value as { t?: unknown }).t === 'string'
  )
}

/**
 * Narrows an IPC message from the primary.
 *
 * @example
 * ```ts
 * process.on('message', (m, handle) => { if (isPrimaryMessage(m) && m.t === 'conn') take(handle) })
 * ```
 */
export function isPrimaryMessage(value: unknown): value is PrimaryMessage {
  return (
    typeof value === 'object' && value !== null && typeof (value as { t?: unknown }).t === 'string'
  )
}
