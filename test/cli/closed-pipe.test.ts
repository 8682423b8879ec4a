/**
 * `framework ... | head`: when the reader closes the pipe early, the command stops quietly
 * (exit 0, no stack trace), as Unix tools do, instead of crashing on EPIPE.
 */
import { spawn } from 'node:child_process'
import { resolve } from 'node:path'
import { expect, it } from 'vitest'

const repo = resolve(import.meta.dirname, '../..')

it('exits 0 without a stack trace when stdout is closed before the output is written', async () => {
  const child = spawn(process.execPath, ['bin/framework.js', 'help'], { cwd: repo })
  child.stdout.destroy() // the reader is gone before the first byte
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const code = await new Promise<number | null>((done) => child.on('exit', (c) => done(c)))
  expect(stderr).not.toMatch(/EPIPE|Error/)
  expect(code).toBe(0)
}, 30_000)
