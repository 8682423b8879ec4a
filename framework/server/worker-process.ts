/**
 * @module Forking one worker process and the primary's record of it (state, heartbeat,
 * memory, connections in transit).
 */
import { fork, type ChildProcess } from 'node:child_process'
import type { WorkerState } from './arbiter-types.ts'
import { InTransit } from './handoff.ts'
import type { ServeSettings } from './settings.ts'

/** The primary's book-keeping for one worker. */
export interface WorkerRecord {
  id: number
  child: ChildProcess
  state: WorkerState
  generation: number
  bornAt: number
  lastBeat: number
  rss: number
  overMemory: number
  requests: number
  inFlight: number
  killTimer?: NodeJS.Timeout
  /** Connections sent and not yet confirmed (see handoff.ts). */
  transit: InTransit
  /** Resolves when the process has exited. */
  exited: Promise<void>
}

/** What forkWorker needs. `boot` is what worker-main.ts reads from SERVE_WORKER. */
export interface ForkOptions {
  id: number
  generation: number
  entry: string
  env: NodeJS.ProcessEnv
  execArgv: string[]
  boot: { id: number; settings: ServeSettings; primaryPid: number }
}

/**
 * Forks worker-main.ts with its boot data and returns its record (state `booting`).
 *
 * @example
 * ```ts
 * const record = forkWorker({ id: 1, generation: 1, entry, env: process.env, execArgv: process.execArgv, boot })
 * record.child.on('message', onMessage)
 * ```
 */
export function forkWorker(options: ForkOptions): WorkerRecord {
  const child = fork(options.entry, [], {
    env: {
      ...options.env,
      // Why strip these: socket activation was for the primary; a worker must not adopt fds.
      LISTEN_FDS: '',
      LISTEN_PID: '',
      NOTIFY_SOCKET: '',
      SERVE_WORKER: JSON.stringify(options.boot),
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: options.execArgv,
    serialization: 'json',
  })
  const now = Date.now()
  return {
    id: options.id,
    child,
    state: 'booting',
    generation: options.generation,
    bornAt: now,
    lastBeat: now,
    rss: 0,
    overMemory: 0,
    requests: 0,
    inFlight: 0,
    transit: new InTransit(),
    exited: new Promise((resolve) => child.once('exit', () => resolve())),
  }
}
