/**
 * @module Guards on a request body while it streams: the body cap (413) for chunked or
 * under-declared bodies, and the trailer check (llhttp accepts `Host` as a trailer), both without
 * putting the stream in flowing mode.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { httpRejection, sendRejection, type HttpRejection } from './http-rejection.ts'

/**
 * The 413 rejection for a body over `limit` bytes.
 *
 * @example
 * ```ts
 * if (Number(contentLength) > limit) return bodyTooLarge(limit)
 * ```
 */
export function bodyTooLarge(limit: number): HttpRejection {
  return httpRejection(413, 'body_too_large', `The request body is over the limit of ${limit} bytes: send less, or raise the server's body cap.`)
}

/**
 * Field names that must never come as trailers (RFC 9110 section 6.5.1): those that frame,
 * route or authenticate the request. Others (Content-Type, Vary...) are accepted, as Gunicorn does.
 */
const forbiddenTrailers = new Set([
  'host', 'content-length', 'transfer-encoding', 'trailer', 'te', 'connection', 'keep-alive',
  'upgrade', 'expect', 'max-forwards', 'authorization', 'proxy-authorization', 'cookie',
])

/**
 * Checks the trailer fields of a chunked request once the body has ended (`req.rawTrailers`).
 * Returns the rejection when a trailer tries to set a field that frames or routes the request.
 *
 * @example
 * ```ts
 * req.on('end', () => { const bad = checkTrailers(req.rawTrailers) })
 * ```
 */
export function checkTrailers(rawTrailers: string[]): HttpRejection | undefined {
  for (let i = 0; i < rawTrailers.length; i += 2) {
    const name = rawTrailers[i] ?? ''
    if (forbiddenTrailers.has(name.toLowerCase())) {
      return httpRejection(400, 'forbidden_trailer', `The field ${JSON.stringify(name)} is not allowed as a trailer (RFC 9110 section 6.5.1).`)
    }
  }
  return undefined
}

/**
 * The error a capped body stream fails with: `code` is `serve.http.body_too_large`.
 *
 * @example
 * ```ts
 * req.on('error', (e) => { if (e instanceof BodyTooLargeError) log.info(e.message) })
 * ```
 */
export class BodyTooLargeError extends Error {
  readonly code = 'serve.http.body_too_large'
  readonly status = 413
  constructor(limit: number) {
    super(`The request body is over the limit of ${limit} bytes: send less, or raise the server's body cap.`)
    this.name = 'BodyTooLargeError'
  }
}

/**
 * The error a request body stream fails with when its trailers are forbidden (see checkTrailers).
 *
 * @example
 * ```ts
 * req.on('error', (e) => { if (e instanceof ForbiddenTrailerError) log.info(e.message) })
 * ```
 */
export class ForbiddenTrailerError extends Error {
  readonly code = 'serve.http.forbidden_trailer'
  readonly status = 400
  constructor(reason: string) {
    super(reason)
    this.name = 'ForbiddenTrailerError'
  }
}

/**
 * Guards a request body while it streams, without putting the stream in flowing mode (it
 * watches what the parser pushes): past `limit` bytes (0: no cap) it answers 413 if nothing was
 * sent yet and fails the stream with BodyTooLargeError; at the end it checks the trailers
 * (llhttp accepts `Host` as a trailer) and fails the stream with ForbiddenTrailerError, so an
 * application never sees a complete body behind a forbidden trailer.
 *
 * @example
 * ```ts
 * guardBody(req, res, limits.limitRequestBody)
 * ```
 */
export function guardBody(req: IncomingMessage, res: ServerResponse, limit: number): void {
  let received = 0
  const push = req.push.bind(req)
  req.push = (chunk: unknown, encoding?: BufferEncoding): boolean => {
    if (chunk === null) {
      req.push = push
      const refused = checkTrailers(req.rawTrailers)
      if (refused) {
        if (!res.headersSent) sendRejection(res, refused)
        req.destroy(new ForbiddenTrailerError(refused.reason))
        return false
      }
      return push(chunk, encoding)
    }
    if (chunk !== undefined && limit > 0) {
      received += (chunk as Uint8Array).length
      if (received > limit) {
        req.push = push
        if (!res.headersSent) sendRejection(res, bodyTooLarge(limit))
        req.destroy(new BodyTooLargeError(limit))
        return false
      }
    }
    return push(chunk, encoding)
  }
}
