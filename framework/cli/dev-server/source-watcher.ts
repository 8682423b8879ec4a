/**
 * @module runserver's watcher: one non-recursive fs.watch per project folder (node_modules, .git,
 * hidden and output folders left out), debounced, reporting the first changed source file.
 *
 * Why not `fs.watch(dir, { recursive: true })`: on Linux, Node 20 emulates it by walking and
 * watching every folder, node_modules included (thousands of inotify watches); a project's own
 * folders are a few dozen.
 */
import { watch, readdirSync, statSync, type FSWatcher } from 'node:fs'
import { join, relative } from 'node:path'

const skippedDirs = new Set(['node_modules', 'staticfiles', 'coverage', 'dist', 'tmp'])
const sourceFile = /\.(ts|mts|cts|js|mjs|cjs|json|html|eta)$/

/** A running watcher. */
export interface SourceWatcher {
  /** The folders watched (absolute). */
  readonly dirs: readonly string[]
  close(): void
}

/**
 * Watches `root`'s source files; calls `onChange(relativePath)` once per burst of changes
 * (`debounceMs` after the last one). New folders are watched as they appear.
 *
 * @example
 * ```ts
 * const watcher = watchSources(process.cwd(), (file) => console.log(`${file} changed`))
 * watcher.close()
 * ```
 */
export function watchSources(
  root: string,
  onChange: (file: string) => void,
  debounceMs = 100,
): SourceWatcher {
  const watchers = new Map<string, FSWatcher>()
  let timer: NodeJS.Timeout | undefined
  let first: string | undefined
  let closed = false

  const changed = (file: string): void => {
    first ??= file
    clearTimeout(timer)
    timer = setTimeout(() => {
      const name = first ?? file
      first = undefined
      if (!closed) onChange(name)
    }, debounceMs)
  }

  const add = (dir: string): void => {
    if (closed || watchers.has(dir)) return
    let watcher: FSWatcher
    try {
      watcher = watch(dir, (_event, name) => {
        if (!name) return
        const full = join(dir, name.toString())
        if (sourceFile.test(full)) changed(relative(root, full))
        else if (isWatchable(full)) add(full)
      })
    } catch {
      return // the folder vanished between readdir and watch
    }
    // A watched folder that is removed errors on some systems: forget it, keep the rest.
    watcher.on('error', () => {
      watcher.close()
      watchers.delete(dir)
    })
    watchers.set(dir, watcher)
    let entries: string[] = []
    try {
      entries = readdirSync(dir)
    } catch {
      entries = []
    }
    for (const entry of entries) {
      const full = join(dir, entry)
      if (isWatchable(full)) add(full)
    }
  }

  add(root)
  return {
    get dirs() {
      return [...watchers.keys()]
    },
    close() {
      closed = true
      clearTimeout(timer)
      for (const watcher of watchers.values()) watcher.close()
      watchers.clear()
    },
  }
}

function isWatchable(path: string): boolean {
  const name = path.split(/[/\\]/).pop() ?? ''
  if (name.startsWith('.') || skippedDirs.has(name)) return false
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}
