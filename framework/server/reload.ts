/**
 * @module `--reload` (development): watches the working directory and calls back, debounced,
 * when a source file changes, so the primary can roll its workers onto the new code.
 */
import { watch, type FSWatcher } from 'node:fs'

const ignored = /(^|[/\\])(node_modules|\.git|coverage|test[/\\]tmp)([/\\]|$)/

/**
 * Starts watching `dir` recursively; `onChange` runs once per burst of changes.
 *
 * @example
 * ```ts
 * const watcher = watchForChanges(process.cwd(), () => arbiter.reload())
 * watcher.close()
 * ```
 */
export function watchForChanges(
  dir: string,
  onChange: (file: string) => void,
  debounceMs = 300,
): { close(): void } {
  let timer: NodeJS.Timeout | undefined
  let watcher: FSWatcher
  watcher = watch(dir, { recursive: true }, (_event, file) => {
    const name = file?.toString() ?? ''
    if (ignored.test(name) || !/\.(ts|mts|js|mjs|json|eta|html)$/.test(name)) return
    clearTimeout(timer)
    timer = setTimeout(() => onChange(name), debounceMs)
  })
  watcher.on('error', () => watcher.close())
  return {
    close() {
      clearTimeout(timer)
      watcher.close()
    },
  }
}
