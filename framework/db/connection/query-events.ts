/**
 * @module Every query the ORM runs is reported here (alias, SQL, parameters), so tests can count
 * queries and the debug page can list them.
 */

/** One executed query. */
export interface QueryEvent {
  readonly alias: string
  readonly sql: string
  readonly parameters: readonly unknown[]
  readonly durationMs: number
}

const listeners = new Set<(event: QueryEvent) => void>()

/**
 * Subscribes to executed queries; returns the unsubscribe function.
 *
 * @example
 * ```ts
 * const stop = onQuery((event) => console.log(event.sql))
 * ```
 */
export function onQuery(listener: (event: QueryEvent) => void): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

/** Internal: called by each connection's kysely log hook. */
export function emitQuery(event: QueryEvent): void {
  for (const listener of listeners) listener(event)
}
