/**
 * @module FileResponse: sends a file, by the server's `wsgi.file_wrapper` when it offers one,
 * with single-range requests (206, 416).
 */
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { basename, extname } from 'node:path'
import type { Body, Environ } from '../gateway/index.ts'
import { HttpResponseBase, type ResponseInit } from './http-response-base.ts'

/** Options of FileResponse. */
export interface FileResponseInit extends ResponseInit {
  /** Adds `Content-Disposition: attachment` so browsers download it. */
  asAttachment?: boolean
  /** The name shown to the user (default: the file's base name). */
  filename?: string
}

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.pdf': 'application/pdf',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
}

/**
 * Guesses a Content-Type from a file name's extension.
 *
 * @example
 * ```ts
 * guessContentType('logo.png') // 'image/png'
 * ```
 */
export function guessContentType(name: string): string {
  return types[extname(name).toLowerCase()] ?? 'application/octet-stream'
}

/**
 * Streams the file at `path`. Ranges: `Range: bytes=a-b` gives 206 with Content-Range, an
 * unsatisfiable range 416; several ranges are answered with the whole file (allowed by RFC 9110).
 *
 * @example
 * ```ts
 * return new FileResponse('media/report.pdf', { asAttachment: true })
 * ```
 */
export class FileResponse extends HttpResponseBase {
  readonly streaming = true
  readonly path: string

  constructor(path: string, init: FileResponseInit = {}) {
    super({ contentType: init.contentType ?? guessContentType(init.filename ?? path), ...init })
    this.path = path
    const name = init.filename ?? basename(path)
    if (init.asAttachment || init.filename) {
      const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_')
      const disposition = init.asAttachment ? 'attachment' : 'inline'
      this.headers.set(
        'Content-Disposition',
        `${disposition}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`,
      )
    }
  }

  protected async makeBody(environ: Environ): Promise<Body> {
    const info = await stat(this.path)
    const size = info.size
    this.headers.set('Accept-Ranges', 'bytes')
    if (!this.headers.has('Last-Modified'))
      this.headers.set('Last-Modified', info.mtime.toUTCString())
    let start = 0
    let end = size - 1
    const range =
      environ.REQUEST_METHOD === 'GET' && this.status === 200 ? environ.HTTP_RANGE : undefined
    if (range !== undefined) {
      const parsed = parseRange(range, size)
      if (parsed === 'unsatisfiable') {
        this.status = 416
        this.headers.set('Content-Range', `bytes */${size}`)
        this.headers.set('Content-Length', '0')
        return []
      }
      if (parsed) {
        ;[start, end] = parsed
        this.status = 206
        this.headers.set('Content-Range', `bytes ${start}-${end}/${size}`)
      }
    }
    this.headers.set('Content-Length', String(Math.max(0, end - start + 1)))
    if (environ.REQUEST_METHOD === 'HEAD' || size === 0) return []
    const wrapper = environ['wsgi.file_wrapper']
    if (wrapper) return wrapper({ file: this.path, start, end })
    const stream = createReadStream(this.path, { start, end, highWaterMark: 64 * 1024 })
    return Object.assign(stream as AsyncIterable<Uint8Array>, {
      close: () => void stream.destroy(),
    })
  }
}

/**
 * Parses one `bytes=` range against a file of `size` bytes: `[start, end]`, `'unsatisfiable'`,
 * or `undefined` to ignore it (malformed, several ranges, or another unit).
 */
export function parseRange(
  header: string,
  size: number,
): [number, number] | 'unsatisfiable' | undefined {
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/.exec(header)
  if (!m) return undefined
  const [, a = '', b = ''] = m
  if (a === '' && b === '') return undefined
  if (a === '') {
    const suffix = Number(b)
    if (suffix === 0) return 'unsatisfiable'
    return [Math.max(0, size - suffix), size - 1]
  }
  const start = Number(a)
  const end = b === '' ? size - 1 : Math.min(Number(b), size - 1)
  if (b !== '' && Number(b) < start) return undefined
  if (start >= size) return 'unsatisfiable'
  return [start, end]
}
