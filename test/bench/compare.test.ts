/**
 * `npm run bench:compare` must not rot: one tiny round of two servers side by side, and a clear
 * error for an argument that is not NAME=COMMAND.
 */
import { describe, expect, it } from 'vitest'
import { runBenchScript } from '../support/bench-script.ts'

const compare = (args: string[]) => runBenchScript('compare.ts', args)

describe('bench/compare.ts', () => {
  it('runs each command in turn and prints its rounds and medians with ratios', async () => {
    const server = 'node bench/raw-node-server.ts {port}'
    const r = await compare([
      '--rounds',
      '1',
      '--seconds',
      '1',
      '--warmup',
      '1',
      '--connections',
      '4',
      `first=${server}`,
      `second=SOME_FLAG=1 ${server}`,
    ])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^round 1 first +\d+ req\/s +[\d.]+ µs CPU\/req$/m)
    expect(r.stdout).toMatch(/^round 1 second +\d+ req\/s +[\d.]+ µs CPU\/req$/m)
    expect(r.stdout).toMatch(/^first +\d+ req\/s \(1\.00x\) +[\d.]+ µs CPU\/req \(1\.00x\)$/m)
    const second = /^second +(\d+) req\/s/m.exec(r.stdout)
    expect(Number(second?.[1])).toBeGreaterThan(100)
  }, 60_000)

  it('names the argument it cannot read and shows the usage', async () => {
    const r = await compare(['node bench/raw-node-server.ts'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('is not NAME=COMMAND with {port}')
    expect(r.stderr).toContain('usage: npm run bench:compare')
  })
})
