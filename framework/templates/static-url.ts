/**
 * @module staticUrl(): the URL of a static file, through the collectstatic manifest when DEBUG is
 * off. It lives in templates/ (which may import conf/ only) because the `static()` helper of
 * every template needs it; contrib/staticfiles writes the manifest and re-exports this.
 */
import { readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Settings } from '../conf/index.ts'

/** The manifest file collectstatic writes into STATIC_ROOT. */
export const MANIFEST_NAME = 'staticfiles.json'

/** The manifest's shape: logical path → hashed path, both relative to STATIC_ROOT. */
export interface StaticManifest {
  version: 1
  paths: Record<string, string>
}

const cache = new WeakMap<Settings, { mtimeMs: number; manifest: StaticManifest }>()

/** Reads STATIC_ROOT's manifest (re-read when the file changes); undefined when there is none. */
export function loadManifest(settings: Settings, cwd = process.cwd()): StaticManifest | undefined {
  if (!settings.STATIC_ROOT) return undefined
  const file = join(resolve(cwd, settings.STATIC_ROOT), MANIFEST_NAME)
  let mtimeMs: number
  try {
    mtimeMs = statSync(file).mtimeMs
  } catch {
    return undefined
  }
  const hit = cache.get(settings)
  if (hit && hit.mtimeMs === mtimeMs) return hit.manifest
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as StaticManifest
  cache.set(settings, { mtimeMs, manifest })
  return manifest
}

/**
 * The URL of the static file `path`: STATIC_URL + path when DEBUG, STATIC_URL + the hashed name
 * from the manifest otherwise (the plain name when the manifest lacks it).
 *
 * @example
 * ```ts
 * staticUrl(settings, 'css/site.css') // '/static/css/site.3f2a9c1b.css' in production
 * ```
 */
export function staticUrl(settings: Settings, path: string, cwd = process.cwd()): string {
  const clean = String(path).replace(/^\/+/, '')
  const base = settings.STATIC_URL.endsWith('/') ? settings.STATIC_URL : `${settings.STATIC_URL}/`
  const hashed = settings.DEBUG ? undefined : loadManifest(settings, cwd)?.paths[clean]
  return base + (hashed ?? clean).split('/').map(encodeURIComponent).join('/')
}
