/**
 * @module Runs one of bench/'s scripts as `node --import tsx bench/FILE ARGS...` from the
 * repository's root (bounded to 60 s) and gives back its exit code and output.
 */
import { execFile } from 'node:child_process'
import { resolve } from 'node:path'

const root = resolve(import.meta.dirname, '../..')

/** What a bench script printed, and its exit code (the signal's failure counts as 1). */
export interface ScriptResult {
  code: number
  stdout: string
  stderr: string
}

/**
 * @example
 * ```ts
 * const r = await runBenchScript('run.ts', ['--only', 'node-http-1'])
 * expect(r.code).toBe(0)
 * ```
 */
export function runBenchScript(file: string, args: string[]): Promise<ScriptResult> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', resolve(root, 'bench', file), ...args],
      { cwd: root, timeout: 60_000 },
      (error, stdout, stderr) =>
        done({ code: error ? ((error.code as number) ?? 1) : 0, stdout, stderr }),
    )
  })
}
