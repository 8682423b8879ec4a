/**
 * @module node:http's `clientError` (llhttp refused the bytes, or a head timed out) answered the
 * way the rest of the edge answers: a reason, a status, the connection closed.
 */
import type { Duplex } from 'node:stream'
import { rejectionBytes, type HttpRejection } from './http-rejection.ts'

/**
 * A `clientError` handler for the node:http server: the parser's refusals answered as 400 (431
 * for an oversized head, 408 for a head that took too long) with the connection closed, and no
 * answer at all where there is nobody to read it (bytes after a `Connection: close` request,
 * a reset connection).
 *
 * @example
 * ```ts
 * server.on('clientError', handleClientError)
 * ```
 */
export function handleClientError(error: Error & { code?: string }, socket: Duplex): void {
  const code = error.code ?? ''
  // node:http's own bookkeeping: the response currently owning the socket, if any.
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage
  // Bytes after a `Connection: close` (or HTTP/1.0) request: the response in flight closes the
  // connection when it is done; answering them would only corrupt that response.
  if (code === 'HPE_CLOSED_CONNECTION' && inFlight) return
  if (code === 'HPE_CLOSED_CONNECTION' || code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy()
    return
  }
  const status: HttpRejection['status'] =
    code === 'HPE_HEADER_OVERFLOW' ? 431 : code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400
  const reason =
    status === 431
      ? 'The request head is larger than the server accepts (--limit-request-fields x --limit-request-field_size).'
      : status === 408
        ? 'The request took too long to arrive (--header-timeout / --read-timeout).'
        : `The request is malformed (${code || error.message}).`
  socket.end(rejectionBytes({ status, code: 'serve.http.parse_error', reason }))
}
