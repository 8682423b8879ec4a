/**
 * @module The static files finder: where static files live (STATICFILES_DIRS, then each installed
 * app's static/ folder) and the one function that maps a request's path to a file, never outside
 * those roots.
 */
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs'
import { isAbsolute, join, relative, resolve, sep } from 'node:path'
import { resolveApp, type Settings } from '../../conf/index.ts'

/**
 * The static roots, absolute, in search order: STATICFILES_DIRS, then `<app>/static` of each
 * installed app that has one.
 *
 * @example
 * ```ts
 * staticRoots(settings) // ['/srv/site/static', '/srv/site/project/blog/static']
 * ```
 */
export function staticRoots(settings: Settings, cwd = process.cwd()): string[] {
  const roots = settings.STATICFILES_DIRS.map((dir) => resolve(cwd, dir))
  for (const app of settings.INSTALLED_APPS) {
    // Resolved as setup() does, so a package entry (framework/contrib/admin) finds its static/.
    let appPath: string
    try {
      appPath = resolveApp(app, cwd).path
    } catch {
      continue // `framework check` reports the entry (apps.E001); static files need not fail.
    }
    const dir = join(appPath, 'static')
    if (existsSync(dir)) roots.push(dir)
  }
  return [...new Set(roots)]
}

/**
 * Checks a logical static path (`css/site.css`) and returns its clean segments, or undefined when
 * it could escape a root: empty, NUL, backslash, a drive letter, an absolute path, a `.`/`..`
 * segment (also after percent-decoding, which the gateway already did once).
 */
export function safeSegments(path: string): string[] | undefined {
  if (typeof path !== 'string' || path === '' || path.includes('\0') || path.includes('\\'))
    return undefined
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return undefined
  const segments = path.split('/')
  for (const segment of segments) {
    if (segment === '' || segment === '.' || segment === '..') return undefined
    // A second decoding layer (%252e%252e arrives as %2e%2e) must not become '..' later.
    let decoded = segment
    try {
      decoded = decodeURIComponent(segment)
    } catch {
      // Not decodable: it is just a name with a '%' in it.
    }
    if (
      decoded === '.' ||
      decoded === '..' ||
      decoded.includes('/') ||
      decoded.includes('\\') ||
      decoded.includes('\0')
    )
      return undefined
  }
  return segments
}

function within(root: string, file: string): boolean {
  const rel = relative(root, file)
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)
}

/**
 * The absolute path of the static file `path` in the first root that has it; undefined when
 * none does or the path is unsafe. Symlinks are followed only while they stay inside the root.
 *
 * @example
 * ```ts
 * findStatic(settings, 'css/site.css') // '/srv/site/static/css/site.css'
 * findStatic(settings, '../settings.ts') // undefined
 * ```
 */
export function findStatic(
  settings: Settings,
  path: string,
  cwd = process.cwd(),
  roots = staticRoots(settings, cwd),
): string | undefined {
  const segments = safeSegments(path)
  if (!segments) return undefined
  for (const root of roots) {
    const candidate = join(root, ...segments)
    if (!within(root, candidate)) continue
    try {
      if (!statSync(candidate).isFile()) continue
      const real = realpathSync(candidate)
      if (within(realpathSync(root), real)) return real
    } catch {
      // Missing or unreadable: try the next root.
    }
  }
  return undefined
}

/** One static file: its logical path (forward slashes) and where it is on disk. */
export interface StaticFile {
  path: string
  file: string
}

/**
 * Every static file, the first root winning for a path present in several (as Django's
 * finders), sorted by path.
 */
export function listStaticFiles(settings: Settings, cwd = process.cwd()): StaticFile[] {
  const seen = new Map<string, string>()
  const walk = (root: string, dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name)
      if (entry.isDirectory()) walk(root, full)
      else if (entry.isFile()) {
        const logical = relative(root, full).split(sep).join('/')
        if (!seen.has(logical)) seen.set(logical, full)
      }
    }
  }
  for (const root of staticRoots(settings, cwd)) if (existsSync(root)) walk(root, root)
  return [...seen]
    .map(([path, file]) => ({ path, file }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
}
