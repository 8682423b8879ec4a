/**
 * @module Tests of loader-gc.ts: when a module-hooks thread is assumed to run, and, in a fresh
 * process under tsx, that the idle collections shrink the hooks thread's new space that compiling
 * the framework grew (the reason the module exists).
 */
import { describe, expect, it } from 'vitest'
import { hooksThreadRuns, loaderThreadScavenge } from '../../framework/server/loader-gc.ts'
import { lastJsonLine } from '../support/fresh-process.ts'

describe('hooksThreadRuns', () => {
  it('sees tsx as serve and framework put it on node’s command line, and --loader', () => {
    expect(hooksThreadRuns(['--import', 'tsx'])).toBe(true)
    expect(hooksThreadRuns(['--import', 'file:///app/node_modules/tsx/dist/loader.mjs'])).toBe(true)
    expect(hooksThreadRuns(['--loader', './hooks.mjs'])).toBe(true)
    expect(hooksThreadRuns(['--experimental-loader=./hooks.mjs'])).toBe(true)
  })

  it('is false without hooks, so no thread is started just to be collected', () => {
    expect(hooksThreadRuns([])).toBe(false)
    expect(hooksThreadRuns(['--max-old-space-size=512', '--enable-source-maps'])).toBe(false)
    expect(loaderThreadScavenge([])).toBeUndefined()
  })
})

describe('loaderThreadScavenge', () => {
  it('shrinks the hooks thread’s new space once its allocation rate is idle', () => {
    const script = `
import { loaderThreadScavenge } from './framework/server/loader-gc.ts'
const scavenge = loaderThreadScavenge()
if (!scavenge) throw new Error('no hooks thread seen')
// tsx compiles these in the hooks thread: its new space grows as a worker's does.
await import('./framework/index.ts')
await import('./framework/contrib/admin/index.ts')
const alive = setInterval(() => {}, 1000) // the port is unref'd on purpose
const ask = () => { const reply = scavenge.nextReply(); scavenge(); return reply }
const grown = (await ask()).newSpaceBytes
await new Promise((r) => setTimeout(r, 6000)) // past V8's 5 s allocation-rate window
await ask()
const after = (await ask()).newSpaceBytes
clearInterval(alive)
console.log(JSON.stringify({ grown, after }))`
    const { grown, after } = lastJsonLine<{ grown: number; after: number }>(script)
    expect(grown).toBeGreaterThan(8 * 1024 * 1024)
    expect(after).toBeLessThan(grown / 4)
  }, 30_000)
})
