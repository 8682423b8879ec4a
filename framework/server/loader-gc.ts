/**
 * @module Giving an idle worker's module-hooks thread its young generation back.
 *
 * Why: on Node 20, module hooks (tsx's, which compile the application's TypeScript) run in a
 * thread of their own with its own V8 heap. Compiling the application grows that heap's young
 * generation as it grows the main thread's, and nothing there ever shrinks it again: the thread is
 * idle once loading is done. idle-gc.ts gives the main thread's back; this does the same for the
 * hooks thread, at the same moments, by registering a hooks module with no hooks
 * (loader-gc-hooks.ts) that scavenges when asked. Measured on the example project: the worker's
 * RSS after the idle collections went from 116.5 to 109.4 MiB (docs/server.md).
 *
 * Only where a hooks thread already runs (tsx on node's command line, as serve's bin puts it):
 * registering a hooks module where there is none would start the thread, about 11 MiB.
 */
import { register } from 'node:module'
import { MessageChannel, type MessagePort } from 'node:worker_threads'
import type { Scavenge } from './idle-gc.ts'
import type { LoaderGcData, LoaderGcReply } from './loader-gc-hooks.ts'

/** Whether node's arguments load module hooks (tsx, or a --loader) in a hooks thread. */
export function hooksThreadRuns(execArgv: readonly string[] = process.execArgv): boolean {
  return execArgv.some((arg) => /\btsx\b|^--(experimental-)?loader\b/.test(arg))
}

/** What {@link loaderThreadScavenge} returns: a Scavenge, and a way to read its result. */
export interface LoaderScavenge extends Scavenge {
  /** The next reply of the hooks thread (its new space after a scavenge). */
  nextReply(): Promise<LoaderGcReply>
}

/**
 * A Scavenge for the hooks thread (fire and forget: the thread answers on its own time), or
 * undefined when no hooks thread runs or registering fails (nothing is collected there then).
 *
 * @example
 * ```ts
 * const main = v8Scavenge()
 * const loader = loaderThreadScavenge()
 * idleCollector(() => { main?.(); loader?.() })
 * ```
 */
export function loaderThreadScavenge(execArgv: readonly string[] = process.execArgv): LoaderScavenge | undefined {
  if (!hooksThreadRuns(execArgv)) return undefined
  let port: MessagePort
  try {
    const channel = new MessageChannel()
    port = channel.port1
    register<LoaderGcData>(new URL('./loader-gc-hooks.ts', import.meta.url), {
      data: { port: channel.port2 },
      transferList: [channel.port2],
    })
  } catch {
    return undefined
  }
  port.unref()
  const scavenge = (() => port.postMessage('scavenge')) as LoaderScavenge
  scavenge.nextReply = () =>
    new Promise((resolve) => port.once('message', (reply: LoaderGcReply) => resolve(reply)))
  return scavenge
}
