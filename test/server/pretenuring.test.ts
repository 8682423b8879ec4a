/**
 * @module Tests of pretenuring.ts: in a fresh process whose young generation is at its maximum
 * size from the start, a literal whose objects all survive gets V8's "tenure" decision unless
 * disablePretenuring() ran first; a flag the user passed wins over ours.
 */
import { describe, expect, it } from 'vitest'
import { freshProcessOutput } from '../support/fresh-process.ts'

/**
 * Runs a script that keeps 300,000 objects of one literal alive (a survival ratio of 1.0) and
 * returns how many "tenure" decisions V8 printed. `--max-semi-space-size=1`: every scavenge is
 * of a full-size young generation, the only kind V8 decides on.
 */
function tenureDecisions(nodeArgs: string[], callDisable: boolean): { count: number; returned: string } {
  const script = `
import { disablePretenuring } from './framework/server/pretenuring.ts'
const returned = ${callDisable ? 'disablePretenuring()' : '"skipped"'}
const keep = []
const make = (i) => ({ index: i, label: 'x' })
for (let i = 0; i < 300_000; i++) keep.push(make(i))
console.log('returned=' + returned + ' kept=' + keep.length)`
  const out = freshProcessOutput(script, [
    ...nodeArgs,
    '--trace-pretenuring-statistics',
    '--min-semi-space-size=1',
    '--max-semi-space-size=1',
  ])
  const returned = /returned=(\S+) kept=300000/.exec(out)?.[1] ?? 'no output'
  return { count: out.split('\n').filter((l) => l.includes('=> tenure')).length, returned }
}

describe('disablePretenuring', () => {
  it('V8 pretenures a literal whose objects all survive (the control)', () => {
    const result = tenureDecisions([], false)
    expect(result.returned).toBe('skipped')
    expect(result.count).toBeGreaterThan(0)
  })

  it('switched off at run time, V8 makes no tenure decision', () => {
    expect(tenureDecisions([], true)).toEqual({ count: 0, returned: 'true' })
  })

  it('leaves V8 alone when the user chose the flag on node’s command line', () => {
    const result = tenureDecisions(['--allocation-site-pretenuring'], true)
    expect(result.returned).toBe('false')
    expect(result.count).toBeGreaterThan(0)
  })
})
