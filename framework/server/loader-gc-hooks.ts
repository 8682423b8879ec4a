/**
 * @module The part of loader-gc.ts that runs in Node's module-hooks thread: registered with
 * `module.register()` as a hooks module with no hooks, only `initialize`, so it changes nothing
 * about how modules load. It scavenges that thread's V8 heap when the worker asks, and answers
 * with the thread's new-space size (what the test checks).
 */
import type { MessagePort } from 'node:worker_threads'
import { getHeapSpaceStatistics } from 'node:v8'
import { v8Scavenge } from './idle-gc.ts'

/** What loader-gc.ts passes to `module.register()`. */
export interface LoaderGcData {
  port: MessagePort
}

/** The reply to each 'scavenge' message: the thread's new space after it, in bytes. */
export interface LoaderGcReply {
  newSpaceBytes: number
}

function newSpaceBytes(): number {
  return getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.physical_space_size ?? 0
}

/** Node calls this once in the hooks thread, with the data given to `module.register()`. */
export function initialize({ port }: LoaderGcData): void {
  const scavenge = v8Scavenge()
  port.on('message', (message: unknown) => {
    if (message !== 'scavenge') return
    scavenge?.()
    port.postMessage({ newSpaceBytes: newSpaceBytes() } satisfies LoaderGcReply)
  })
  // Never the reason the hooks thread stays up.
  port.unref()
}
