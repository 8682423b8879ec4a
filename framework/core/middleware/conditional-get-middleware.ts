/**
 * @module ConditionalGetMiddleware: ETag and Last-Modified validators, answered with 304.
 */
import { createHash } from 'node:crypto'
import { HttpResponse } from '../../http/index.ts'
import { whenReady } from '../maybe-promise.ts'
import type { Middleware } from '../middleware-types.ts'

/**
 * Adds an ETag to in-memory 200 responses to GET/HEAD, and turns the response into 304 Not
 * Modified when If-None-Match (or If-Modified-Since) shows the client's copy is current, or 412
 * Precondition Failed when If-Match / If-Unmodified-Since does not hold.
 *
 * @example
 * ```ts
 * defineSettings({ MIDDLEWARE: ['ConditionalGetMiddleware'] })
 * ```
 */
export const ConditionalGetMiddleware: Middleware = (getResponse) => (request) =>
  whenReady(getResponse(request), (response) => {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || response.status !== 200)
      return response
    if (
      !response.headers.has('ETag') &&
      response instanceof HttpResponse &&
      !response.headers.get('Cache-Control')?.includes('no-store')
    ) {
      response.headers.set(
        'ETag',
        `"${createHash('sha1').update(response.content).digest('base64url')}"`,
      )
    }
    const etag = response.headers.get('ETag')
    // Weak comparison (RFC 9110 §13.1.2): W/ prefixes are ignored.
    const strip = (t: string): string => t.trim().replace(/^W\//, '')
    const matches = (header: string): boolean =>
      etag !== undefined &&
      (header.trim() === '*' || header.split(',').some((t) => strip(t) === strip(etag)))
    const ifMatch = request.headers.get('if-match')
    const ifUnmodifiedSince = Date.parse(request.headers.get('if-unmodified-since') ?? '')
    const lastModifiedAt = Date.parse(response.headers.get('Last-Modified') ?? '')
    // Preconditions first (RFC 9110 §13.2.2): a failed If-Match / If-Unmodified-Since is a 412.
    if (
      (ifMatch !== undefined && !matches(ifMatch)) ||
      (ifMatch === undefined &&
        Number.isFinite(ifUnmodifiedSince) &&
        Number.isFinite(lastModifiedAt) &&
        lastModifiedAt > ifUnmodifiedSince)
    ) {
      return new HttpResponse('', { status: 412 })
    }
    const ifNoneMatch = request.headers.get('if-none-match')
    let notModified = false
    if (ifNoneMatch !== undefined) {
      notModified = matches(ifNoneMatch)
    } else {
      const since = Date.parse(request.headers.get('if-modified-since') ?? '')
      notModified =
        Number.isFinite(since) && Number.isFinite(lastModifiedAt) && lastModifiedAt <= since
    }
    if (notModified && response instanceof HttpResponse) {
      // Mutate rather than replace, so cookies and cache headers set by the view survive.
      response.status = 304
      response.content = ''
      response.headers.delete('Content-Type')
    }
    return response
  })
