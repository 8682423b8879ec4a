/**
 * @module Runs an ES module script in a fresh Node process under tsx (cwd: the repository root)
 * and returns the JSON object on the last line it printed: for tests of what only a new process
 * shows (V8's heap after loading modules, flags set at run time).
 */
import { execFileSync } from 'node:child_process'
import { resolve } from 'node:path'

const root = resolve(import.meta.dirname, '../..')

/**
 * @example
 * ```ts
 * const { grown, after } = lastJsonLine<{ grown: number; after: number }>(`console.log(JSON.stringify({ grown: 1, after: 0 }))`)
 * ```
 */
export function lastJsonLine<T>(script: string, nodeArgs: string[] = []): T {
  const out = execFileSync(
    process.execPath,
    [...nodeArgs, '--import', 'tsx', '--input-type=module', '-e', script],
    { cwd: root, encoding: 'utf8' },
  )
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as T
}
