/**
 * @module A refused request as a value (HttpRejection: status, stable code, reason) and as the
 * bytes or node:http response that carry it, always with `Connection: close`; plus the record of
 * connections that had a refusal, so nothing parsed after it is served.
 */
import type { ServerResponse } from 'node:http'
import { writeServerHead } from './server-response-head.ts'

/** Why a request was refused: the status to send and a reason a client developer can act on. */
export interface HttpRejection {
  status: 400 | 408 | 413 | 414 | 431 | 501
  /** A stable code, e.g. `serve.http.request_line_too_long`. */
  code: string
  /** Human text naming the culprit and the fix. Sent as the response body. */
  reason: string
}

const statusText: Record<HttpRejection['status'], string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  413: 'Content Too Large',
  414: 'URI Too Long',
  431: 'Request Header Fields Too Large',
  501: 'Not Implemented',
}

/**
 * Makes an HttpRejection; `code` is prefixed with `serve.http.`.
 *
 * @example
 * ```ts
 * return httpRejection(414, 'request_line_too_long', 'The request line is too long.')
 * ```
 */
export function httpRejection(status: HttpRejection['status'], code: string, reason: string): HttpRejection {
  return { status, code: `serve.http.${code}`, reason }
}

/**
 * The whole HTTP response for a rejection, as bytes: it always says `Connection: close`, since
 * after a framing error nothing that follows on the connection can be trusted.
 *
 * @example
 * ```ts
 * socket.end(rejectionBytes(refused))
 * ```
 */
export function rejectionBytes(rejection: HttpRejection): Buffer {
  const body = Buffer.from(`${rejection.reason}\n`, 'latin1')
  const head =
    `HTTP/1.1 ${rejection.status} ${statusText[rejection.status]}\r\n` +
    'Content-Type: text/plain; charset=utf-8\r\n' +
    `Content-Length: ${body.length}\r\n` +
    `X-Serve-Error: ${rejection.code}\r\n` +
    'Connection: close\r\n\r\n'
  return Buffer.concat([Buffer.from(head, 'latin1'), body])
}

/**
 * Answers a rejection on a node:http response and closes the connection after it, so that a
 * smuggled second request behind a bad one is never read.
 *
 * @example
 * ```ts
 * const refused = checkRequestHead(req, limits)
 * if (refused) return sendRejection(res, refused)
 * ```
 */
export function sendRejection(res: ServerResponse, rejection: HttpRejection): void {
  const body = `${rejection.reason}\n`
  res.shouldKeepAlive = false
  writeServerHead(
    res,
    rejection.status,
    {
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
      'X-Serve-Error': rejection.code,
      Connection: 'close',
    },
    statusText[rejection.status],
  )
  if (res.socket) poisoned.add(res.socket)
  res.end(body)
}

/** Connections where a request was refused: whatever llhttp parses after it is never served. */
const poisoned = new WeakSet<object>()

/**
 * True when a request was refused earlier on this connection (see sendRejection).
 *
 * @example
 * ```ts
 * if (isPoisoned(req.socket)) return req.socket.destroy()
 * ```
 */
export function isPoisoned(socket: object): boolean {
  return poisoned.has(socket)
}
