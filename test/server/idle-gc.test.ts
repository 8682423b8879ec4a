/**
 * @module Tests of idle-gc.ts: the collector's timing (fake timers), that v8Scavenge() does not
 * leak `gc` to the application, and, in a fresh process, that the two idle scavenges really
 * shrink a new space that loading grew (the reason the module exists).
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { idleCollector, v8Scavenge } from '../../framework/server/idle-gc.ts'
import { lastJsonLine } from '../support/fresh-process.ts'

describe('idleCollector', () => {
  afterEach(() => vi.useRealTimers())
  const timing = { idleMs: 1000, windowMs: 3000 }

  it('scavenges once when idle, twice more a window later, again only after new activity', () => {
    vi.useFakeTimers()
    const scavenge = vi.fn()
    const idle = idleCollector(scavenge, timing)
    vi.advanceTimersByTime(999)
    expect(scavenge).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1)
    expect(scavenge).toHaveBeenCalledTimes(1)
    vi.advanceTimersByTime(2999)
    expect(scavenge).toHaveBeenCalledTimes(1)
    vi.advanceTimersByTime(1)
    expect(scavenge).toHaveBeenCalledTimes(3)
    vi.advanceTimersByTime(60_000)
    expect(scavenge).toHaveBeenCalledTimes(3)
    idle.activity()
    vi.advanceTimersByTime(4000)
    expect(scavenge).toHaveBeenCalledTimes(6)
  })

  it('waits while requests keep coming: a period with a request in it is not idle', () => {
    vi.useFakeTimers()
    const scavenge = vi.fn()
    const idle = idleCollector(scavenge, timing)
    // Requests every 600 ms from t=600 to t=3000: each 1000 ms period holds one.
    for (let i = 0; i < 5; i++) {
      vi.advanceTimersByTime(600)
      idle.activity()
    }
    expect(scavenge).not.toHaveBeenCalled()
    // The period from t=3000 held the last request; the one from t=4000 holds none.
    vi.advanceTimersByTime(1000)
    expect(scavenge).not.toHaveBeenCalled()
    vi.advanceTimersByTime(999)
    expect(scavenge).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1) // t=5000: idle for a whole period, 2000 ms after the last request
    expect(scavenge).toHaveBeenCalledTimes(1)
    vi.advanceTimersByTime(2000)
    idle.activity() // busy again before the window ended (t=7000): no shrink now
    vi.advanceTimersByTime(999)
    expect(scavenge).toHaveBeenCalledTimes(1)
    vi.advanceTimersByTime(1) // a whole idle period since that request: the first step again
    expect(scavenge).toHaveBeenCalledTimes(2)
    vi.advanceTimersByTime(3000)
    expect(scavenge).toHaveBeenCalledTimes(4)
  })

  it('tries twice more, a window apart, while shrunk() says the young generation is still large', () => {
    vi.useFakeTimers()
    const scavenge = vi.fn()
    let small = false
    const idle = idleCollector(scavenge, timing, () => small)
    vi.advanceTimersByTime(1000 + 3000)
    expect(scavenge).toHaveBeenCalledTimes(3)
    vi.advanceTimersByTime(3000) // still large: a second attempt
    expect(scavenge).toHaveBeenCalledTimes(5)
    small = true
    vi.advanceTimersByTime(3000) // third attempt; now small: no more
    expect(scavenge).toHaveBeenCalledTimes(7)
    vi.advanceTimersByTime(60_000)
    expect(scavenge).toHaveBeenCalledTimes(7)
    // Never more than two extra attempts, and a new busy period starts the count again.
    small = false
    idle.activity()
    vi.advanceTimersByTime(1000 + 3000 + 3000 + 3000)
    expect(scavenge).toHaveBeenCalledTimes(14)
    vi.advanceTimersByTime(60_000)
    expect(scavenge).toHaveBeenCalledTimes(14)
  })

  it('stops for good, whatever activity comes after', () => {
    vi.useFakeTimers()
    const scavenge = vi.fn()
    const idle = idleCollector(scavenge, timing)
    idle.stop()
    vi.advanceTimersByTime(10_000)
    idle.activity()
    vi.advanceTimersByTime(10_000)
    expect(scavenge).not.toHaveBeenCalled()
  })

  it('does nothing without a scavenge function', () => {
    const idle = idleCollector(undefined, timing)
    idle.activity()
    idle.stop()
  })
})

describe('v8Scavenge', () => {
  it('returns a working scavenge without giving the application a global gc', () => {
    const scavenge = v8Scavenge()
    expect(scavenge).toBeTypeOf('function')
    scavenge!()
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined()
  })

  it('shrinks a new space grown by loading, once the allocation rate is idle', () => {
    // A fresh process: grow new space with data that survives (as module loading does), drop
    // it, then run what an idle worker runs (with a shorter first wait).
    const script = `
import v8 from 'node:v8'
import { idleCollector, newSpaceShrunk, v8Scavenge } from './framework/server/idle-gc.ts'
const newSpace = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').physical_space_size
let keep = []
for (let i = 0; i < 400_000; i++) keep.push({ i, s: 'x' + i })
keep = undefined
const grown = newSpace()
const alive = setInterval(() => {}, 1000) // the collector's timer is unref'd on purpose
const scavenge = v8Scavenge()
let calls = 0
// As a worker runs it: the shrink retried a window later while new space stays large (at most
// twice), so the promise settles after the third, fifth or seventh scavenge.
await new Promise((r) => idleCollector(() => { scavenge(); if (++calls >= 3 && calls % 2 === 1 && (newSpaceShrunk() || calls === 7)) r() }, { idleMs: 500, windowMs: 6000 }, newSpaceShrunk))
clearInterval(alive)
console.log(JSON.stringify({ grown, after: newSpace() }))`
    const { grown, after } = lastJsonLine<{ grown: number; after: number }>(script)
    expect(grown).toBeGreaterThan(8 * 1024 * 1024)
    expect(after).toBeLessThan(grown / 4)
  })
})
