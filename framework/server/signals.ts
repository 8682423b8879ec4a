/**
 * @module The signals the primary handles and what each does: an explicit table the compiler
 * checks (not Gunicorn's `handle_<name>` lookup). The Arbiter queues them and runs them one at a
 * time; docs/server.md's signals table lists the same set (a test compares them).
 */
import type { Arbiter } from './arbiter.ts'

/** The signals the primary handles. USR2 reopens the logs (USR1 belongs to Node's inspector). */
export type ServeSignal =
  'SIGTERM' | 'SIGINT' | 'SIGQUIT' | 'SIGHUP' | 'SIGTTIN' | 'SIGTTOU' | 'SIGUSR2'

/**
 * What each signal does: an explicit table the compiler checks, not a `handle_<name>` lookup.
 *
 * @example
 * ```ts
 * await SIGNAL_ACTIONS.SIGHUP(arbiter) // a rolling reload
 * ```
 */
export const SIGNAL_ACTIONS: Readonly<Record<ServeSignal, (arbiter: Arbiter) => Promise<void>>> = {
  SIGTERM: (a) => a.stop(true),
  SIGINT: (a) => a.stop(false),
  SIGQUIT: (a) => a.stop(false),
  SIGHUP: (a) => a.reload(),
  SIGTTIN: (a) => a.addWorker(),
  SIGTTOU: (a) => a.removeWorker(),
  SIGUSR2: async (a) => a.reopenLogs(),
}

/** Where signals come from (process by default; a test passes an EventEmitter). */
export interface SignalSource {
  on(signal: ServeSignal, listener: () => void): unknown
  off(signal: ServeSignal, listener: () => void): unknown
}
