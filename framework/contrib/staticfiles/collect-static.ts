/**
 * @module collectStatic(): copies every static file into STATIC_ROOT under its own name and a
 * content-hashed name (`site.css` → `site.3f2a9c1b0d4e.css`), and writes the manifest that
 * `static()` reads when DEBUG is off (Django's ManifestStaticFilesStorage).
 */
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, posix, resolve } from 'node:path'
import type { Settings } from '../../conf/index.ts'
import { MANIFEST_NAME, type StaticManifest } from '../../templates/index.ts'
import { listStaticFiles } from './finders.ts'

/** What collectStatic did. */
export interface CollectResult {
  root: string
  copied: number
  manifest: StaticManifest
}

/** `css/site.css` + hash → `css/site.<hash>.css` (the hash before the last extension). */
export function hashedName(path: string, hash: string): string {
  const slash = path.lastIndexOf('/')
  const dot = path.lastIndexOf('.')
  return dot > slash + 1 ? `${path.slice(0, dot)}.${hash}${path.slice(dot)}` : `${path}.${hash}`
}

/**
 * Rewrites the relative `url(...)` references of a CSS file (logical path `cssPath`) to the
 * hashed names in `paths`, keeping any query or fragment. Absolute, scheme and data: URLs, and
 * files the manifest does not know, are left alone.
 *
 * @example
 * ```ts
 * rewriteCssUrls('a{background:url(../img/x.png)}', 'css/site.css', { 'img/x.png': 'img/x.1a2b.png' })
 * // 'a{background:url(../img/x.1a2b.png)}'
 * ```
 */
export function rewriteCssUrls(
  css: string,
  cssPath: string,
  paths: Record<string, string>,
): string {
  const base = posix.dirname(cssPath)
  return css.replace(/url\(\s*(['"]?)([^'")]+)\1\s*\)/g, (whole, quote: string, ref: string) => {
    if (/^(?:[a-z][a-z0-9+.-]*:|\/|#)/i.test(ref)) return whole
    const [, target = '', suffix = ''] = /^([^?#]*)(.*)$/.exec(ref) ?? []
    const logical = posix.normalize(posix.join(base, target))
    const hashed = paths[logical]
    if (!hashed || logical.startsWith('..')) return whole
    const relativeRef = posix.relative(base, hashed)
    return `url(${quote}${relativeRef}${suffix}${quote})`
  })
}

/**
 * Collects the static files into STATIC_ROOT. `clear` empties STATIC_ROOT first.
 *
 * @example
 * ```ts
 * const { copied } = collectStatic(settings)
 * ```
 */
export function collectStatic(
  settings: Settings,
  options: { cwd?: string; clear?: boolean } = {},
): CollectResult {
  const cwd = options.cwd ?? process.cwd()
  if (!settings.STATIC_ROOT) {
    throw Object.assign(
      new Error(
        "STATIC_ROOT is not set: add STATIC_ROOT: 'staticfiles' (a directory to collect into) to your settings.",
      ),
      {
        code: 'staticfiles.no_static_root',
      },
    )
  }
  const root = resolve(cwd, settings.STATIC_ROOT)
  for (const dir of settings.STATICFILES_DIRS) {
    if (resolve(cwd, dir) === root) {
      throw Object.assign(
        new Error(
          `STATIC_ROOT ${JSON.stringify(settings.STATIC_ROOT)} is also in STATICFILES_DIRS: collect into a separate directory.`,
        ),
        {
          code: 'staticfiles.root_in_dirs',
        },
      )
    }
  }
  if (options.clear) rmSync(root, { recursive: true, force: true })
  const manifest: StaticManifest = { version: 1, paths: {} }
  const files = listStaticFiles(settings, cwd)
  // CSS last: its url(...) references are rewritten to the hashed names of the files they
  // point at, so those must be known first (ManifestStaticFilesStorage does the same).
  const ordered = [
    ...files.filter((f) => !f.path.endsWith('.css')),
    ...files.filter((f) => f.path.endsWith('.css')),
  ]
  for (const { path, file } of ordered) {
    const content = path.endsWith('.css')
      ? Buffer.from(rewriteCssUrls(readFileSync(file, 'utf8'), path, manifest.paths))
      : readFileSync(file)
    const hash = createHash('sha256').update(content).digest('hex').slice(0, 12)
    const hashed = hashedName(path, hash)
    for (const target of [path, hashed]) {
      const out = join(root, ...target.split('/'))
      mkdirSync(dirname(out), { recursive: true })
      writeFileSync(out, content)
    }
    manifest.paths[path] = hashed
  }
  mkdirSync(root, { recursive: true })
  // Written to a temporary name and renamed, so a running server never reads half a manifest.
  const tmp = join(root, `${MANIFEST_NAME}.${process.pid}.tmp`)
  writeFileSync(tmp, `${JSON.stringify(manifest, null, 2)}\n`)
  renameSync(tmp, join(root, MANIFEST_NAME))
  return { root, copied: files.length, manifest }
}
