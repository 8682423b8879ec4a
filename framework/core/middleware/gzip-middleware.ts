/**
 * @module GZipMiddleware: compresses in-memory responses for clients that accept gzip.
 */
import { gzipSync } from 'node:zlib'
import { HttpResponse } from '../../http/index.ts'
import type { Middleware } from '../middleware-types.ts'

/**
 * Gzips HttpResponse content of 200+ bytes when the client sends `Accept-Encoding: gzip`, adds
 * `Vary: Accept-Encoding` and weakens a strong ETag. Streaming responses pass through untouched.
 *
 * @example
 * ```ts
 * defineSettings({ MIDDLEWARE: ['GZipMiddleware', 'CommonMiddleware'] })
 * ```
 */
export const GZipMiddleware: Middleware = (getResponse) => async (request) => {
  const response = await getResponse(request)
  if (!(response instanceof HttpResponse)) return response
  const vary = response.headers.get('Vary')
  if (!vary?.toLowerCase().includes('accept-encoding')) {
    response.headers.set('Vary', vary ? `${vary}, Accept-Encoding` : 'Accept-Encoding')
  }
  if (response.content.byteLength < 200 || response.headers.has('Content-Encoding')) return response
  if (!/\bgzip\b/i.test(request.headers.get('accept-encoding') ?? '')) return response
  const compressed = gzipSync(response.content)
  if (compressed.byteLength >= response.content.byteLength) return response
  response.content = new Uint8Array(compressed)
  response.headers.set('Content-Encoding', 'gzip')
  const etag = response.headers.get('ETag')
  if (etag?.startsWith('"')) response.headers.set('ETag', `W/${etag}`)
  return response
}
