/**
 * @module Giving an idle worker's young generation back to the system.
 *
 * Why: V8 grows the young generation (new space) to its maximum while the application's modules
 * load (16 MiB semi-spaces on Node 20: about 25-30 MiB of RSS, nearly all of it garbage once
 * loaded) and shrinks it only in a GC that finds the allocation rate of the last ~5 s low. Node 20
 * never runs such a GC by itself in a process that has stopped allocating, so an idle worker
 * keeps that memory for good. So a worker without requests for 2 to 4 s runs one scavenge (it
 * closes the busy period's allocation sample), and if still idle 6 s later, two more: the last
 * one sees an idle allocation rate and shrinks new space to its initial size (1 MiB). Under load
 * nothing runs here, and new space grows back as V8 sees fit: throughput is not traded for the
 * idle figure.
 */
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

/** Runs a scavenge (a young-generation GC) of this isolate. */
export type Scavenge = () => void

/**
 * V8's own gc() function without exposing it to the application: `--expose-gc` is switched on
 * only while a fresh context is created, so the application's global object never gets `gc`.
 * Returns undefined when the runtime refuses (the idle collection is then simply off).
 */
export function v8Scavenge(): Scavenge | undefined {
  try {
    const exposed = (globalThis as { gc?: (options: object) => void }).gc
    let gc = exposed
    if (typeof gc !== 'function') {
      setFlagsFromString('--expose-gc')
      try {
        gc = runInNewContext('gc') as typeof gc
      } finally {
        setFlagsFromString('--no-expose-gc')
      }
    }
    if (typeof gc !== 'function') return undefined
    const collect = gc
    return () => collect({ type: 'minor' })
  } catch {
    return undefined
  }
}

/** What {@link idleCollector} returns. */
export interface IdleCollector {
  /** A request started: the worker is busy, the idle clock restarts. */
  activity(): void
  /** No more collections (the worker is stopping). */
  stop(): void
}

/** When an idle worker scavenges, in ms since its last request. */
export interface IdleTiming {
  /** Quiet time before the first scavenge, which closes the busy period's allocation sample. */
  idleMs: number
  /** Then, longer than V8's 5 s allocation-rate window, before the two that shrink. */
  windowMs: number
}

export const IDLE_TIMING: IdleTiming = { idleMs: 2000, windowMs: 6000 }

/** Shrink attempts after the first, a window apart, while the young generation stays large. */
export const SHRINK_RETRIES = 2

/** Above this, the young generation did not shrink (its initial size is 1 MiB on Node 20). */
const shrunkBytes = 4 * 1024 * 1024

/**
 * Whether this isolate's young generation is back near its initial size: V8 decides by its own
 * heuristics, so a busy machine may leave it large after the first attempt.
 */
export function newSpaceShrunk(): boolean {
  const space = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')
  return space === undefined || space.physical_space_size <= shrunkBytes
}

/**
 * Once the worker has been idle for `idleMs` (no `activity()` in a whole `idleMs` period, so
 * between `idleMs` and twice that after the last one, or `idleMs` after the collector was made),
 * calls `scavenge` once; if still idle `windowMs` later, twice more; then waits for the next
 * activity. With `shrunk`, when it still says no after those two, twice more a window later (at
 * most {@link SHRINK_RETRIES} times). The timers never keep the process alive.
 *
 * Why idleness is polled rather than timed from the last request: `activity()` runs once per
 * request, and pushing a timer back (`timer.refresh()`) re-sorted node's timer list every time
 * (callgrind: ~300 instructions per request); setting a flag is free, and a scavenge a second or
 * two later makes no difference to memory.
 *
 * @example
 * ```ts
 * const idle = idleCollector(v8Scavenge())
 * worker = new Worker({ ..., onStarted: () => idle.activity() })
 * ```
 */
export function idleCollector(
  scavenge: Scavenge | undefined,
  timing: IdleTiming = IDLE_TIMING,
  shrunk?: () => boolean,
): IdleCollector {
  if (!scavenge) return { activity() {}, stop() {} }
  let timer: NodeJS.Timeout | undefined
  let retries = 0
  const shrink = (): void => {
    timer = undefined
    scavenge()
    scavenge()
    // V8 shrinks only when its last ~5 s of samples show a low allocation rate; on a busy
    // machine (a CI run) the first attempt was seen to leave 29 MiB. Another window, then.
    if (shrunk && retries < SHRINK_RETRIES && !shrunk()) {
      retries++
      timer = setTimeout(shrink, timing.windowMs).unref()
    }
  }
  const closeSample = (): void => {
    scavenge()
    timer = setTimeout(shrink, timing.windowMs).unref()
  }
  /** True while the idle period is being watched for; `busy` says a request came during it. */
  let watching = false
  let busy = false
  const watch = (): void => {
    if (busy) {
      // Requests came during the last period: watch another one.
      busy = false
      timer = setTimeout(watch, timing.idleMs).unref()
      return
    }
    watching = false
    // A new idle period: its own retries (counted here, not on every request).
    retries = 0
    closeSample()
  }
  let stopped = false
  const arm = (): void => {
    if (stopped) return
    clearTimeout(timer)
    busy = false
    watching = true
    timer = setTimeout(watch, timing.idleMs).unref()
  }
  const activity = (): void => {
    // The common case, once per request: the period being watched is not idle.
    if (watching) busy = true
    else arm()
  }
  arm()
  return {
    activity,
    stop() {
      stopped = true
      clearTimeout(timer)
      timer = undefined
    },
  }
}
