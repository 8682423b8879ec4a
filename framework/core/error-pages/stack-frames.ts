/**
 * @module Stack frames with their source lines, for the debug page.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** One frame: where, and the lines around it. */
export interface StackFrame {
  functionName: string
  file: string
  line: number
  column: number
  /** True for files under node_modules or node: internals. */
  library: boolean
  context: { number: number; text: string }[]
}

const frameRe = /^\s*at (?:(.*?) \()?(.*?):(\d+):(\d+)\)?$/

/**
 * Parses `error.stack` (V8 format) and reads `around` source lines each side of each frame.
 *
 * @example
 * ```ts
 * const frames = stackFrames(new Error('boom'))
 * ```
 */
export function stackFrames(error: unknown, around = 3): StackFrame[] {
  const stack = error instanceof Error ? (error.stack ?? '') : ''
  const cache = new Map<string, string[] | null>()
  return stack.split('\n').flatMap((raw) => {
    const m = frameRe.exec(raw)
    if (!m) return []
    let file = m[2] ?? ''
    if (file.startsWith('file://')) file = fileURLToPath(file)
    const line = Number(m[3])
    const library = file.startsWith('node:') || file.includes('/node_modules/')
    let lines = cache.get(file)
    if (lines === undefined) {
      try {
        lines = library ? null : readFileSync(file, 'utf8').split('\n')
      } catch {
        lines = null
      }
      cache.set(file, lines)
    }
    const context = lines
      ? lines
          .slice(Math.max(0, line - 1 - around), line + around)
          .map((text, i) => ({ number: Math.max(1, line - around) + i, text }))
      : []
    return [
      { functionName: m[1] ?? '<anonymous>', file, line, column: Number(m[4]), library, context },
    ]
  })
}
