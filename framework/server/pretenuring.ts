/**
 * @module Switching off V8's allocation-site pretenuring in a worker.
 *
 * Why: V8 watches how many objects of each object or array literal survive a young-generation
 * collection (scavenge), and once a literal's objects survive at a high rate during a scavenge of
 * a full-size young generation, it allocates that literal's objects directly in the old
 * generation ("pretenuring"). A worker that has loaded a large application (the framework, kysely,
 * zod: enough for new space to grow to its maximum while loading) gets that decision for
 * per-request literals (the environ, header lists). Each such object is then garbage in the old
 * generation as soon as its request ends, but a scavenge treats every old object as alive, so
 * everything it points to (strings, arrays, the request's other objects) survives and is copied,
 * then promoted; their own literals reach a survival ratio of 1.0 and are pretenured in turn.
 * Measured with `node --trace-gc --trace-pretenuring-statistics` on `serve` + the bench's
 * framework app under wrk: scavenges of 5-7 ms (0.4-0.7 ms without), about 3.5 MB promoted per
 * scavenge, and a mark-compact every 1-2 s. Raw node:http with the same modules loaded does not
 * fall into it; a request server's allocations are per-request garbage, the case pretenuring is
 * not for. bench/results/serve-vs-node-profile.md has the figures.
 *
 * V8 reads the flag when it digests the pretenuring feedback of each scavenge, so switching it off
 * at run time, before the application loads, is enough. A flag the user passed on node's command
 * line (workers inherit the primary's) wins: `node --allocation-site-pretenuring .../serve ...`
 * keeps V8's default. NODE_OPTIONS cannot carry it: node refuses that flag there.
 */
import { setFlagsFromString } from 'node:v8'

const FLAG = 'allocation-site-pretenuring'

/**
 * Turns pretenuring off unless node's arguments (`execArgv`) mention the flag. Returns whether it
 * did.
 *
 * @example
 * ```ts
 * disablePretenuring() // in a worker, before loadApplication()
 * ```
 */
export function disablePretenuring(execArgv: readonly string[] = process.execArgv): boolean {
  // V8 spells flags with - or _, and either works with a `no-` prefix.
  if (execArgv.some((arg) => arg.replace(/_/g, '-').includes(FLAG))) return false
  setFlagsFromString(`--no-${FLAG}`)
  return true
}
