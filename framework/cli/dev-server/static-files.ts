/**
 * @module runserver's static files: when DEBUG, requests under STATIC_URL are answered from the
 * static finders (STATICFILES_DIRS and the apps' static/ folders) before the application sees
 * them, as Django's runserver does with its StaticFilesHandler.
 */
import { readFile } from 'node:fs/promises'
import { extname } from 'node:path'
import { findStatic } from '../../contrib/staticfiles/index.ts'
import type { Settings } from '../../conf/index.ts'
import type { Application } from '../../gateway/index.ts'

const types: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.html': 'text/html; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
}

/**
 * Wraps `app` so GET/HEAD requests for an existing static file are served from disk; any other
 * request (and a missing file, so the debug 404 explains it) goes to `app`. Without DEBUG, or
 * with a STATIC_URL on another host, returns `app` itself.
 *
 * @example
 * ```ts
 * const served = withStaticFiles(application, settings, process.cwd())
 * ```
 */
export function withStaticFiles(app: Application, settings: Settings, cwd: string): Application {
  const prefix = settings.STATIC_URL
  if (!settings.DEBUG || !prefix.startsWith('/') || prefix === '/') return app
  return async (environ, startResponse) => {
    const method = environ.REQUEST_METHOD
    const path = environ.PATH_INFO
    if ((method === 'GET' || method === 'HEAD') && path.startsWith(prefix)) {
      let relativePath: string
      try {
        // PATH_INFO holds bytes as latin-1; file names on disk are UTF-8.
        relativePath = new TextDecoder('utf-8', { fatal: true }).decode(
          Uint8Array.from(path.slice(prefix.length), (c) => c.charCodeAt(0)),
        )
      } catch {
        return app(environ, startResponse)
      }
      // findStatic refuses `..` and absolute paths and stays inside the roots (symlinks too).
      const file = findStatic(settings, relativePath, cwd)
      if (file) {
        const bytes = new Uint8Array(await readFile(file))
        startResponse('200 OK', [
          ['Content-Type', types[extname(file).toLowerCase()] ?? 'application/octet-stream'],
          ['Content-Length', String(bytes.byteLength)],
          ['Cache-Control', 'no-cache'],
        ])
        return method === 'HEAD' ? [] : [bytes]
      }
    }
    return app(environ, startResponse)
  }
}
