/**
 * @module The request checks that node:http (llhttp) leaves to the server and Gunicorn makes:
 * request-line length (414), header count and field size (431), a body cap (413), smuggling
 * shapes (400 and the connection closed), duplicated singleton headers, and target forms. A pure
 * function of what an IncomingMessage already holds (`method`, `url`, `httpVersion`,
 * `rawHeaders`), run before the application is called; plus the node:http options that match.
 * The refusal values live in http-rejection.ts, the body guards in body-guard.ts and the
 * `clientError` handler in client-error.ts; this module re-exports them for one import.
 *
 * Why on top of llhttp and not instead of it: llhttp already refuses malformed framing, bad
 * tokens and control bytes (see docs/server-http.md for every fixture where the two disagree);
 * what it lacks are the size policies and the "valid syntax, dangerous meaning" checks below.
 */
import type { IncomingMessage, ServerOptions, Server, ServerResponse } from 'node:http'
import { bodyTooLarge, guardBody } from './body-guard.ts'
import { isHeaderName, rawHeaderValue } from './raw-headers.ts'
import { httpRejection, isPoisoned, sendRejection, type HttpRejection } from './http-rejection.ts'

export { BodyTooLargeError, ForbiddenTrailerError, checkTrailers, guardBody } from './body-guard.ts'
export { handleClientError } from './client-error.ts'
export { rejectionBytes, sendRejection } from './http-rejection.ts'
export type { HttpRejection } from './http-rejection.ts'


/** The limits and timeouts of the HTTP edge, in Gunicorn's units (bytes, counts, milliseconds). */
export interface HttpLimits {
  /** Longest request line (`METHOD target HTTP/x.y`) in bytes; 0 means no limit (Gunicorn: 4094). */
  limitRequestLine: number
  /** Most header fields per request; 0 means no limit (Gunicorn: 100). */
  limitRequestFields: number
  /** Longest header field (`Name: value` plus CRLF) in bytes; 0 means the default 8190. */
  limitRequestFieldSize: number
  /** Largest request body in bytes, declared or chunked; 0 means no cap. */
  limitRequestBody: number
  /** Answer 400 to an HTTP/1.1 request without Host (RFC 9112 section 3.2). */
  requireHostHeader: boolean
  /** Milliseconds to receive the whole request head (slow-loris protection). */
  headersTimeoutMs: number
  /** Milliseconds to receive the whole request, body included; 0 disables. */
  requestTimeoutMs: number
  /** Milliseconds an idle keep-alive connection stays open. */
  keepAliveTimeoutMs: number
}

/**
 * The defaults: Gunicorn's limits, and a keep-alive longer than the idle timeouts of common load
 * balancers (AWS ALB 60 s, Nginx upstream keepalive_timeout 60 s) so the balancer, not us,
 * closes idle connections; the other way round races and drops requests.
 *
 * @example
 * ```ts
 * const limits = { ...defaultHttpLimits, limitRequestBody: 10 * 1024 * 1024 }
 * ```
 */
export const defaultHttpLimits: Readonly<HttpLimits> = Object.freeze({
  limitRequestLine: 4094,
  limitRequestFields: 100,
  limitRequestFieldSize: 8190,
  limitRequestBody: 0,
  requireHostHeader: true,
  headersTimeoutMs: 30_000,
  requestTimeoutMs: 300_000,
  keepAliveTimeoutMs: 75_000,
})

/** What checkRequestHead reads: the fields of a node:http IncomingMessage. */
export interface RequestHead {
  method?: string | undefined
  url?: string | undefined
  httpVersion: string
  rawHeaders: string[]
}

/** Transfer codings we know; anything else is 501, as Gunicorn answers. */
const knownCodings = new Set(['chunked', 'identity', 'gzip', 'x-gzip', 'deflate', 'compress', 'x-compress'])
/** Headers that must appear at most once: a second copy is a smuggling or confusion vector. */
/** The fields that may appear once, each with its bit in checkRequestHead's record. */
const singletonBits: Readonly<Record<string, number | undefined>> = {
  host: 1,
  'content-type': 2,
  'content-length': 4,
}

/**
 * The lower-cased name when `name` is one the head check reads (the singletons and
 * Transfer-Encoding), else ''. Why by length first: every other field of every request would
 * otherwise cost a lower-cased copy and a hash lookup.
 */
function fieldOfInterest(name: string): string {
  switch (name.length) {
    case 4:
      return isHeaderName(name, 'host') ? 'host' : ''
    case 12:
      return isHeaderName(name, 'content-type') ? 'content-type' : ''
    case 14:
      return isHeaderName(name, 'content-length') ? 'content-length' : ''
    case 17:
      return isHeaderName(name, 'transfer-encoding') ? 'transfer-encoding' : ''
    default:
      return ''
  }
}
const token = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

/** Every check below ends in one of these. */
const reject = httpRejection

/**
 * Checks a parsed request head against the limits and the rules llhttp does not apply. Returns
 * undefined when the request may go to the application, else the rejection to send (always with
 * `Connection: close`, see rejectionBytes).
 *
 * @example
 * ```ts
 * server.on('request', (req, res) => {
 *   const refused = checkRequestHead(req, defaultHttpLimits)
 *   if (refused) return sendRejection(res, refused)
 *   listener(req, res)
 * })
 * ```
 */
export function checkRequestHead(head: RequestHead, limits: HttpLimits): HttpRejection | undefined {
  const method = head.method ?? ''
  const url = head.url ?? ''
  const version = head.httpVersion

  if (version !== '1.0' && version !== '1.1') {
    return reject(400, 'bad_version', `HTTP/${version} is not spoken here: send HTTP/1.0 or HTTP/1.1.`)
  }
  // The request line is not kept by node:http; its length is exactly these three parts and two
  // spaces, since llhttp refuses any other spacing.
  const lineLength = method.length + url.length + version.length + 7
  if (limits.limitRequestLine > 0 && lineLength > limits.limitRequestLine) {
    return reject(
      414,
      'request_line_too_long',
      `The request line is ${lineLength} bytes, over the limit of ${limits.limitRequestLine} (--limit-request-line): shorten the URL or move data into the body.`,
    )
  }
  const targetProblem = checkTarget(method, url)
  if (targetProblem) return targetProblem

  const fieldCount = head.rawHeaders.length / 2
  if (limits.limitRequestFields > 0 && fieldCount > limits.limitRequestFields) {
    return reject(
      431,
      'too_many_fields',
      `The request has ${fieldCount} header fields, over the limit of ${limits.limitRequestFields} (--limit-request-fields).`,
    )
  }
  const fieldSize = limits.limitRequestFieldSize > 0 ? limits.limitRequestFieldSize : 8190
  let singletonsSeen = 0
  let contentLength: string | undefined
  let transferEncoding: string | undefined
  let host = false
  for (let i = 0; i < head.rawHeaders.length; i += 2) {
    const name = head.rawHeaders[i] ?? ''
    const value = head.rawHeaders[i + 1] ?? ''
    // Gunicorn counts `Name: value` plus CRLF; llhttp already trimmed the value's whitespace.
    const size = name.length + 2 + value.length + 2
    if (size > fieldSize) {
      return reject(
        431,
        'field_too_large',
        `The header field ${JSON.stringify(name)} is ${size} bytes, over the limit of ${fieldSize} (--limit-request-field_size).`,
      )
    }
    const lower = fieldOfInterest(name)
    if (lower === '') continue
    const bit = singletonBits[lower]
    if (bit !== undefined) {
      if (singletonsSeen & bit) {
        return reject(
          400,
          'duplicate_field',
          `The header ${JSON.stringify(name)} appears more than once: send it once.`,
        )
      }
      singletonsSeen |= bit
    }
    if (lower === 'content-length') contentLength = value
    // Several Transfer-Encoding lines are one list (RFC 9110 section 5.3), as Gunicorn reads them.
    else if (lower === 'transfer-encoding') transferEncoding = transferEncoding === undefined ? value : `${transferEncoding}, ${value}`
    else if (lower === 'host') host = true
  }

  if (limits.requireHostHeader && version === '1.1' && !host) {
    return reject(400, 'missing_host', 'An HTTP/1.1 request must carry a Host header (RFC 9112 section 3.2).')
  }
  if (transferEncoding !== undefined) {
    const problem = checkTransferEncoding(transferEncoding, contentLength, version)
    if (problem) return problem
  }
  if (contentLength !== undefined) {
    if (!/^[0-9]+$/.test(contentLength)) {
      return reject(400, 'bad_content_length', `Content-Length ${JSON.stringify(contentLength)} is not a decimal number.`)
    }
    if (limits.limitRequestBody > 0 && Number(contentLength) > limits.limitRequestBody) {
      return bodyTooLarge(limits.limitRequestBody)
    }
  }
  return undefined
}

function checkTarget(method: string, url: string): HttpRejection | undefined {
  if (method === 'CONNECT') {
    // authority-form: host:port, nothing else (RFC 9112 section 3.2.3).
    if (/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):[0-9]{1,5}$/.test(url)) return undefined
    return reject(400, 'bad_target', `CONNECT needs a host:port target, not ${JSON.stringify(url)}.`)
  }
  if (url === '*') {
    if (method === 'OPTIONS') return undefined
    return reject(400, 'bad_target', `The target "*" is only allowed with OPTIONS, not ${method}.`)
  }
  if (url.startsWith('/')) return undefined
  // absolute-form: scheme "://" authority path-abempty; only the schemes we can serve.
  if (/^https?:\/\/[^/?#\s]+([/?][^\s#]*)?$/i.test(url)) return undefined
  return reject(
    400,
    'bad_target',
    `The request target ${JSON.stringify(url)} is malformed: use an absolute path ("/x") or an absolute http(s) URL.`,
  )
}

function checkTransferEncoding(
  value: string,
  contentLength: string | undefined,
  version: string,
): HttpRejection | undefined {
  if (version === '1.0') {
    return reject(400, 'te_http10', 'Transfer-Encoding is not defined for HTTP/1.0 (RFC 9112 section 6.1): send Content-Length.')
  }
  if (contentLength !== undefined) {
    return reject(400, 'te_and_cl', 'The request has both Transfer-Encoding and Content-Length: send only one (RFC 9112 section 6.1).')
  }
  // Only SP and HTAB are optional whitespace (RFC 9110 5.6.3); String#trim would also eat \v.
  const codings = value.split(',').map((c) => c.replace(/^[ \t]+|[ \t]+$/g, '').toLowerCase())
  for (const coding of codings) {
    if (!token.test(coding)) {
      return reject(400, 'bad_transfer_encoding', `Transfer-Encoding ${JSON.stringify(value)} is malformed.`)
    }
  }
  const chunked = codings.filter((c) => c === 'chunked').length
  // identity (removed from the registry, still sent) means "no coding": it changes nothing.
  if (chunked !== 1 || codings.at(-1) !== 'chunked') {
    return reject(
      400,
      'bad_transfer_encoding',
      `Transfer-Encoding ${JSON.stringify(value)} must end with exactly one "chunked" (RFC 9112 section 6.3).`,
    )
  }
  for (const coding of codings) {
    if (!knownCodings.has(coding)) {
      return reject(501, 'unsupported_transfer_encoding', `The transfer coding ${JSON.stringify(coding)} is not supported.`)
    }
  }
  return undefined
}

/**
 * The whole edge check for one request, as a worker runs it before the application: refuses
 * requests behind an earlier refusal on the same connection (a pipelined or smuggled request),
 * checks the head, and caps the body. Returns true when the application may be called.
 *
 * @example
 * ```ts
 * server.on('request', (req, res) => {
 *   if (guardRequest(req, res, limits)) listener(req, res)
 * })
 * ```
 */
export function guardRequest(req: IncomingMessage, res: ServerResponse, limits: HttpLimits): boolean {
  if (isPoisoned(req.socket)) {
    req.socket.destroy()
    return false
  }
  const refused = checkRequestHead(req, limits)
  if (refused) {
    sendRejection(res, refused)
    return false
  }
  // Only a request with a body can exceed the cap or carry trailers; wrapping req.push for every
  // bodiless GET cost a closure and a bind per request.
  const raw = req.rawHeaders
  const length = rawHeaderValue(raw, 'content-length')
  if (rawHeaderValue(raw, 'transfer-encoding') !== undefined || (length !== undefined && length !== '0')) {
    guardBody(req, res, limits.limitRequestBody)
  }
  return true
}

/**
 * The node:http server options matching the limits: the whole head may hold one maximal request
 * line and the maximal number of maximal fields (else llhttp's own 16 KiB limit would answer 431
 * before our finer checks could name the culprit), and the timeouts.
 *
 * @example
 * ```ts
 * const server = createServer(nodeServerOptions(limits), handler)
 * applyServerLimits(server, limits)
 * ```
 */
export function nodeServerOptions(limits: HttpLimits): ServerOptions {
  const line = limits.limitRequestLine > 0 ? limits.limitRequestLine : 8190
  const fields = limits.limitRequestFields > 0 ? limits.limitRequestFields : 100
  const fieldSize = limits.limitRequestFieldSize > 0 ? limits.limitRequestFieldSize : 8190
  return {
    maxHeaderSize: Math.max(16_384, line + fields * (fieldSize + 2) + 4),
    requestTimeout: limits.requestTimeoutMs,
    headersTimeout: limits.headersTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // Checked by checkRequestHead instead, so the decision and its reason live in one place.
    requireHostHeader: false,
    // Refuse rather than tolerate: lenient parsing is how smuggling starts.
    insecureHTTPParser: false,
    joinDuplicateHeaders: false,
  }
}

/**
 * Sets what node:http only takes as properties: no silent cap on the header count (node drops
 * fields past maxHeadersCount without a word; we count them and answer 431 instead), answers to
 * half-closed connections, and the timeouts.
 *
 * @example
 * ```ts
 * applyServerLimits(server, limits)
 * ```
 */
export function applyServerLimits(server: Server, limits: HttpLimits): void {
  server.maxHeadersCount = 0
  // A client that half-closes after its request (`shutdown(SHUT_WR)`, `nc -N`) still gets its
  // answer, as from Gunicorn: by default node:http ends the socket on the client's FIN at once,
  // losing any response not written yet. With this (node's own, long-standing property) the last
  // pending response is marked final and the connection closes after it.
  Object.assign(server, { httpAllowHalfOpen: true })
  server.headersTimeout = limits.headersTimeoutMs
  server.requestTimeout = limits.requestTimeoutMs
  server.keepAliveTimeout = limits.keepAliveTimeoutMs
}

/** The resolved `serve` settings that httpLimitsFromSettings reads (names as in settings.ts, seconds). */
export interface HttpLimitSettings {
  limitRequestLine: number
  limitRequestFields: number
  limitRequestFieldSize: number
  limitRequestBody: number
  requireHostHeader?: boolean
  headerTimeout: number
  readTimeout: number
  keepalive: number
}

/**
 * HttpLimits from the resolved settings (seconds become milliseconds).
 *
 * @example
 * ```ts
 * const limits = httpLimitsFromSettings(settings)
 * const server = createServer(nodeServerOptions(limits))
 * ```
 */
export function httpLimitsFromSettings(s: HttpLimitSettings): HttpLimits {
  return {
    limitRequestLine: s.limitRequestLine,
    limitRequestFields: s.limitRequestFields,
    limitRequestFieldSize: s.limitRequestFieldSize,
    limitRequestBody: s.limitRequestBody,
    requireHostHeader: s.requireHostHeader ?? true,
    headersTimeoutMs: Math.round(s.headerTimeout * 1000),
    requestTimeoutMs: Math.round(s.readTimeout * 1000),
    keepAliveTimeoutMs: Math.round(s.keepalive * 1000),
  }
}
