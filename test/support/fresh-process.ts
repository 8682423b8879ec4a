/**
 * @module Runs an ES module script in a fresh Node process under tsx (cwd: the repository root):
 * for tests of what only a new process shows (V8's heap after loading modules, flags set at run
 * time, V8's own traces).
 */
import { execFileSync } from 'node:child_process'
import { resolve } from 'node:path'

const root = resolve(import.meta.dirname, '../..')

/**
 * Everything the script (and node, given `nodeArgs` such as V8 trace flags) printed to stdout.
 * NODE_OPTIONS is cleared: the test runner's own options are not the script's.
 *
 * @example
 * ```ts
 * const out = freshProcessOutput(`console.log(1)`, ['--trace-gc'])
 * ```
 */
export function freshProcessOutput(script: string, nodeArgs: string[] = []): string {
  return execFileSync(
    process.execPath,
    [...nodeArgs, '--import', 'tsx', '--input-type=module', '-e', script],
    { cwd: root, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } },
  )
}

/**
 * The JSON object on the last line the script printed.
 *
 * @example
 * ```ts
 * const { grown, after } = lastJsonLine<{ grown: number; after: number }>(`console.log(JSON.stringify({ grown: 1, after: 0 }))`)
 * ```
 */
export function lastJsonLine<T>(script: string, nodeArgs: string[] = []): T {
  const out = freshProcessOutput(script, nodeArgs)
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as T
}
