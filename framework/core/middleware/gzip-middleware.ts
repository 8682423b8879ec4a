/**
 * @module GZipMiddleware: compresses in-memory responses for clients that accept gzip.
 */
import { gzipSync } from 'node:zlib'
import { HttpResponse, StreamingHttpResponse } from '../../http/index.ts'
import { whenReady } from '../maybe-promise.ts'
import type { Middleware } from '../middleware-types.ts'
import { gzipStream } from './gzip-stream.ts'

/**
 * Gzips HttpResponse content of 200+ bytes when the client sends `Accept-Encoding: gzip`, adds
 * `Vary: Accept-Encoding` and weakens a strong ETag. A StreamingHttpResponse is compressed chunk
 * by chunk (each flushed, nothing buffered); FileResponse passes through untouched so the server's
 * file_wrapper and Range requests keep working.
 *
 * @example
 * ```ts
 * defineSettings({ MIDDLEWARE: ['GZipMiddleware', 'CommonMiddleware'] })
 * ```
 */
export const GZipMiddleware: Middleware = (getResponse) => (request) =>
  whenReady(getResponse(request), (response) => {
    if (!(response instanceof HttpResponse) && !(response instanceof StreamingHttpResponse))
      return response
    const vary = response.headers.get('Vary')
    if (!vary?.toLowerCase().includes('accept-encoding')) {
      response.headers.set('Vary', vary ? `${vary}, Accept-Encoding` : 'Accept-Encoding')
    }
    if (response instanceof StreamingHttpResponse) {
      if (
        response.headers.has('Content-Encoding') ||
        !/\bgzip\b/i.test(request.headers.get('accept-encoding') ?? '')
      )
        return response
      response.streamingContent = gzipStream(response.streamingContent)
      response.headers.set('Content-Encoding', 'gzip')
      response.headers.delete('Content-Length')
      return response
    }
    if (response.content.byteLength < 200 || response.headers.has('Content-Encoding'))
      return response
    if (!/\bgzip\b/i.test(request.headers.get('accept-encoding') ?? '')) return response
    const compressed = gzipSync(response.content)
    if (compressed.byteLength >= response.content.byteLength) return response
    response.content = new Uint8Array(compressed)
    response.headers.set('Content-Encoding', 'gzip')
    const etag = response.headers.get('ETag')
    if (etag?.startsWith('"')) response.headers.set('ETag', `W/${etag}`)
    return response
  })
