/**
 * @module Writing a generated tree (startproject, startapp): the checks that come first (a valid
 * name, an empty target folder), each a one-line CommandError with a hint, then the files.
 */
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { CommandError } from '../command.ts'

/** Names that are identifiers but would shadow something a project needs. */
const reserved = new Set([
  'framework',
  'project',
  'test',
  'node_modules',
  'templates',
  'static',
  'migrations',
])

/**
 * Throws a CLI-E02 CommandError unless `name` is an identifier (letters, digits, `_`, not
 * starting with a digit) that shadows nothing.
 *
 * @example
 * ```ts
 * import { checkIdentifier } from './write-files.ts'
 *
 * checkIdentifier('startproject', 'project', 'my-site') // throws: "my-site" is not a valid project name
 * ```
 */
export function checkIdentifier(command: string, kind: 'project' | 'app', name: string): void {
  const usage = `framework ${command} ${kind === 'project' ? 'mysite [DIR]' : 'polls'}`
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new CommandError(
      'CLI-E02',
      `${JSON.stringify(name)} is not a valid ${kind} name: it must be an identifier (letters, digits and _, not starting with a digit)`,
      { hint: `for example: ${usage}` },
    )
  }
  if (reserved.has(name.toLowerCase())) {
    throw new CommandError(
      'CLI-E02',
      `${JSON.stringify(name)} is not a valid ${kind} name: it would shadow the ${JSON.stringify(name.toLowerCase())} ${name.toLowerCase() === 'framework' ? 'package' : 'folder'} every project uses`,
      { hint: `choose another name, for example: ${usage}` },
    )
  }
}

/**
 * Throws a CLI-E03 CommandError when `dir` exists and is a file or a non-empty folder.
 *
 * @example
 * ```ts
 * import { checkEmptyTarget } from './write-files.ts'
 *
 * checkEmptyTarget('/tmp/mysite', 'framework startproject mysite /tmp/elsewhere')
 * ```
 */
export function checkEmptyTarget(dir: string, retry: string): void {
  if (!existsSync(dir)) return
  if (!statSync(dir).isDirectory()) {
    throw new CommandError('CLI-E03', `${JSON.stringify(dir)} exists and is not a folder`, {
      hint: `remove it or choose another place: ${retry}`,
    })
  }
  const entries = readdirSync(dir)
  if (entries.length > 0) {
    const shown = entries
      .slice(0, 3)
      .map((e) => JSON.stringify(e))
      .join(', ')
    throw new CommandError(
      'CLI-E03',
      `${JSON.stringify(dir)} is not empty (it holds ${shown}${entries.length > 3 ? ', ...' : ''}); nothing was written`,
      { hint: `choose an empty or new folder: ${retry}` },
    )
  }
}

/**
 * Writes `files` (relative path with `/` → content) under `dir`, creating folders as needed.
 * Returns the relative paths written, sorted.
 *
 * @example
 * ```ts
 * import { writeTree } from './write-files.ts'
 *
 * writeTree('/tmp/mysite', { 'README.md': '# mysite\n' }) // ['README.md']
 * ```
 */
export function writeTree(dir: string, files: Record<string, string>): string[] {
  const paths = Object.keys(files).sort()
  for (const path of paths) {
    const full = join(dir, ...path.split('/'))
    mkdirSync(dirname(full), { recursive: true })
    // 'wx': never overwrite, even if something appeared since checkEmptyTarget looked.
    writeFileSync(full, files[path] ?? '', { flag: 'wx' })
  }
  return paths
}
