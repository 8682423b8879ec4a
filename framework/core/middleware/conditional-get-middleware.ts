/**
 * @module ConditionalGetMiddleware: ETag and Last-Modified validators, answered with 304.
 */
import { createHash } from 'node:crypto'
import { HttpResponse } from '../../http/index.ts'
import type { Middleware } from '../middleware-types.ts'

/**
 * Adds an ETag to in-memory 200 responses to GET/HEAD, and turns the response into 304 Not
 * Modified when If-None-Match (or If-Modified-Since) shows the client's copy is current.
 *
 * @example
 * ```ts
 * defineSettings({ MIDDLEWARE: ['ConditionalGetMiddleware'] })
 * ```
 */
export const ConditionalGetMiddleware: Middleware = (getResponse) => async (request) => {
  const response = await getResponse(request)
  if ((request.method !== 'GET' && request.method !== 'HEAD') || response.status !== 200) return response
  if (!response.headers.has('ETag') && response instanceof HttpResponse && !response.headers.get('Cache-Control')?.includes('no-store')) {
    response.headers.set('ETag', `"${createHash('sha1').update(response.content).digest('base64url')}"`)
  }
  const etag = response.headers.get('ETag')
  const ifNoneMatch = request.headers.get('if-none-match')
  let notModified = false
  if (ifNoneMatch !== undefined) {
    // Weak comparison (RFC 9110 §13.1.2): W/ prefixes are ignored.
    const strip = (t: string): string => t.trim().replace(/^W\//, '')
    notModified = etag !== undefined && (ifNoneMatch.trim() === '*' || ifNoneMatch.split(',').some((t) => strip(t) === strip(etag)))
  } else {
    const since = Date.parse(request.headers.get('if-modified-since') ?? '')
    const lastModified = Date.parse(response.headers.get('Last-Modified') ?? '')
    notModified = Number.isFinite(since) && Number.isFinite(lastModified) && lastModified <= since
  }
  if (notModified && response instanceof HttpResponse) {
    // Mutate rather than replace, so cookies and cache headers set by the view survive.
    response.status = 304
    response.content = ''
    response.headers.delete('Content-Type')
  }
  return response
}
