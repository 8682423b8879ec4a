/**
 * @module The Arbiter's public shapes: its options (everything with a process-wide effect is
 * injected) and the status it reports (also the control socket's `status` answer).
 */
import type { LoadedConfig, ServeHooks } from './config.ts'
import type { ErrorLog } from './error-log.ts'
import type { SignalSource } from './signals.ts'
import type { ServeSettings } from './settings.ts'
import type { WorkerLaunch } from './worker-launch.ts'

/** A worker's lifecycle in the primary's books. */
export type WorkerState = 'booting' | 'ready' | 'retiring' | 'stopping'

/** One worker as status() reports it. */
export interface WorkerStatus {
  id: number
  pid: number | undefined
  state: WorkerState
  generation: number
  requests: number
  inFlight: number
  rssBytes: number
  ageSeconds: number
}

/** What status() (and the control socket's `status`) returns. */
export interface ArbiterStatus {
  pid: number
  name: string
  state: 'starting' | 'running' | 'stopping'
  workersTarget: number
  binds: string[]
  generation: number
  workerRestarts: number
  workers: WorkerStatus[]
}

/** Options of an Arbiter; everything with a process-wide effect is injected. */
export interface ArbiterOptions {
  settings: ServeSettings
  hooks?: ServeHooks
  log: ErrorLog
  /** Re-reads the configuration on HUP (the same sources as at start). */
  reloadConfig?: () => Promise<LoadedConfig>
  /** Signals to listen to (default: none; main.ts passes `process`). */
  signals?: SignalSource
  /** The worker entry file (default: worker-main.ts beside this file). */
  workerEntry?: string
  /** Environment given to workers (default process.env). */
  env?: NodeJS.ProcessEnv
  /** PID written to the pidfile and reported (default process.pid). */
  pid?: number
  /** Node options for the workers (default: the primary's own, which carry the tsx loader). */
  execArgv?: string[]
  /**
   * Prepares each generation's workers (at start and on every HUP reload), e.g. by compiling
   * the application (worker-launch.ts); default: `base` as is. A throw fails the start, or
   * keeps the running workers on a reload.
   */
  prepareLaunch?: (settings: ServeSettings, base: WorkerLaunch) => Promise<WorkerLaunch>
  /** Called with READY=1 / STOPPING=1 / STATUS=... (sd_notify); default: nothing. */
  notify?: (state: string) => void
}
