/**
 * @module The validator's startResponse and write() checks (docs/gateway.md, "startResponse",
 * "write()", "Content-Length and bodiless responses"), and the per-response state that the body
 * checks share with them.
 */
import type { ResponseHeaders, StartResponse, Write } from './contract.ts'
import { GatewayValidationError } from './gateway-validation-error.ts'
import { describe, firstNonLatin1, tokenPattern } from './validator-environ.ts'
import type { ServerFault } from './validator-streams.ts'

/** What the validator knows about one response so far. */
export interface ResponseState {
  /** REQUEST_METHOD, upper-cased: HEAD responses carry no body. */
  readonly method: string
  /** startResponse was called (successfully). */
  started: boolean
  /** The status code of the last startResponse call. */
  status: number
  /** The declared Content-Length, if any. */
  contentLength: number | undefined
  /** Body bytes given to the server so far (write() and chunks). */
  sent: number
  /** A non-empty chunk reached the server: from now on the head is (as good as) on the wire. */
  headSent: boolean
  /** The application returned (or resolved to) its body. */
  returned: boolean
  /** The body was exhausted or closed: the response is over. */
  ended: boolean
  /** A write() promise has not settled yet. */
  pendingWrite: boolean
}

/** A fresh state for a request with this method. */
export function newResponseState(method: string): ResponseState {
  return {
    method: method.toUpperCase(),
    started: false,
    status: 0,
    contentLength: undefined,
    sent: 0,
    headSent: false,
    returned: false,
    ended: false,
    pendingWrite: false,
  }
}

/** Hop-by-hop headers (RFC 9110 §7.6.1): the server frames the connection, not the application. */
const hopByHop = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
])

/** "NNN Reason": a status code 100-599, one space, a reason of visible latin-1 text. */
const statusPattern = /^[1-5][0-9]{2} [^\x00-\x08\x0a-\x1f\x7f]+$/

function checkStatus(status: unknown): number {
  if (typeof status !== 'string' || !statusPattern.test(status) || firstNonLatin1(status) >= 0) {
    throw new GatewayValidationError(
      'GW-A05',
      `startResponse(${describe(status)}, ...): pass a status such as '200 OK' or '404 Not Found' (three digits 100-599, a space, a reason phrase).`,
    )
  }
  return Number(status.slice(0, 3))
}

/** Checks the header list; returns the declared Content-Length, if any. */
function checkHeaders(headers: unknown): number | undefined {
  if (!Array.isArray(headers)) {
    throw new GatewayValidationError(
      'GW-A06',
      `startResponse(status, ${describe(headers)}): pass a real array of [name, value] pairs, e.g. [['Content-Type', 'text/plain']] (use [...headers] for a Headers object or a Map).`,
    )
  }
  let length: string | undefined
  for (const [index, header] of (headers as unknown[]).entries()) {
    if (
      !Array.isArray(header) ||
      header.length !== 2 ||
      typeof header[0] !== 'string' ||
      typeof header[1] !== 'string'
    ) {
      throw new GatewayValidationError(
        'GW-A07',
        `header #${index} is ${describe(header)}${Array.isArray(header) ? ` (${JSON.stringify(header.map((part) => describe(part)))})` : ''}; pass a [name, value] pair of two strings (String(value) for numbers).`,
      )
    }
    const [name, value] = header as [string, string]
    if (!tokenPattern.test(name)) {
      throw new GatewayValidationError(
        'GW-A08',
        `header name ${JSON.stringify(name)} is not an RFC 9110 token; use letters, digits and !#$%&'*+-.^_\`|~ only, without spaces or ':'.`,
      )
    }
    const at = firstNonLatin1(value)
    const control = value.search(/[\x00-\x08\x0a-\x1f\x7f]/)
    if (at >= 0 || control >= 0) {
      throw new GatewayValidationError(
        'GW-A09',
        `header ${name}: ${JSON.stringify(value)} holds ${at >= 0 ? `U+${value.charCodeAt(at).toString(16).toUpperCase()} (above 0xFF)` : `a control character at index ${control}`}; encode non-latin-1 text first (e.g. RFC 8187 or percent-encoding) and never put CR or LF in a value.`,
      )
    }
    const lower = name.toLowerCase()
    if (hopByHop.has(lower) || lower.startsWith('proxy-')) {
      throw new GatewayValidationError(
        'GW-A10',
        `header ${JSON.stringify(name)} is hop-by-hop; remove it: the server decides keep-alive and framing (chunked or close) itself.`,
      )
    }
    if (lower === 'status') {
      throw new GatewayValidationError(
        'GW-A11',
        `header ${JSON.stringify(`${name}: ${value}`)} is not allowed; pass the status as startResponse's first argument instead.`,
      )
    }
    if (lower === 'content-length') {
      if (!/^[0-9]+$/.test(value) || (length !== undefined && length !== value)) {
        throw new GatewayValidationError(
          'GW-A25',
          `Content-Length ${JSON.stringify(value)}${length !== undefined ? ` after ${JSON.stringify(length)}` : ''}; declare the body's byte length once, as decimal digits (or leave it out and let the server frame the body).`,
        )
      }
      length = value
    }
  }
  return length === undefined ? undefined : Number(length)
}

/**
 * Counts body bytes headed for the server (from write() or a chunk) against the response's rules:
 * startResponse first, no body for HEAD/1xx/204/304, never more than Content-Length.
 */
export function accountOutput(state: ResponseState, bytes: number, source: string): void {
  if (bytes === 0) return
  if (!state.started) {
    throw new GatewayValidationError(
      'GW-A23',
      `${source} gave ${bytes} bytes before startResponse was called; call startResponse before producing the first non-empty chunk (an empty chunk may come first).`,
    )
  }
  if (state.method === 'HEAD') {
    throw new GatewayValidationError(
      'GW-A28',
      `${source} gave ${bytes} bytes in a response to HEAD; send the headers of the GET response (Content-Length included) but an empty body.`,
    )
  }
  if (state.status < 200 || state.status === 204 || state.status === 304) {
    throw new GatewayValidationError(
      'GW-A29',
      `${source} gave ${bytes} bytes in a ${state.status} response; a ${state.status} response has no body, so return [].`,
    )
  }
  state.sent += bytes
  if (state.contentLength !== undefined && state.sent > state.contentLength) {
    throw new GatewayValidationError(
      'GW-A26',
      `${source} brought the body to ${state.sent} bytes, but Content-Length is ${state.contentLength}; declare the real length (in bytes, not characters) or leave Content-Length out.`,
    )
  }
  state.headSent = true
}

/** Checks the end of the body: startResponse was called, and Content-Length was met. */
export function accountEnd(state: ResponseState): void {
  if (!state.started) {
    throw new GatewayValidationError(
      'GW-A24',
      'the body ended but startResponse was never called; call startResponse(status, headers) before the body ends.',
    )
  }
  const bodiless =
    state.method === 'HEAD' || state.status < 200 || state.status === 204 || state.status === 304
  if (!bodiless && state.contentLength !== undefined && state.sent < state.contentLength) {
    throw new GatewayValidationError(
      'GW-A27',
      `the body ended after ${state.sent} bytes, but Content-Length is ${state.contentLength}; declare the real length (in bytes, not characters) or leave Content-Length out.`,
    )
  }
}

/**
 * Wraps the server's startResponse with the contract's checks, and the write() it returns.
 *
 * @example
 * ```ts
 * const startResponse = checkedStartResponse(serverStartResponse, newResponseState('GET'), serverFault)
 * ```
 */
export function checkedStartResponse(
  inner: StartResponse,
  state: ResponseState,
  serverFault: ServerFault,
): StartResponse {
  return (status: string, headers: ResponseHeaders, ...rest: unknown[]) => {
    // Why: "given" means neither undefined nor null, as PEP 3333's exc_info=None default.
    const excGiven = rest[0] !== undefined && rest[0] !== null
    const excInfo = rest[0]
    if (state.ended) {
      throw new GatewayValidationError(
        'GW-A14',
        `startResponse(${describe(status)}, ...) was called after the body ended; the response is over, nothing more can be sent.`,
      )
    }
    if (state.started && !excGiven) {
      throw new GatewayValidationError(
        'GW-A12',
        `startResponse(${describe(status)}, ...) was called a second time without excInfo; call it once, or pass the caught error as the third argument to replace the status after an error.`,
      )
    }
    if (excGiven && !(excInfo instanceof Error)) {
      throw new GatewayValidationError(
        'GW-A13',
        `excInfo is ${describe(excInfo)}; pass the Error you caught (wrap other thrown values: new Error(String(value), { cause: value })).`,
      )
    }
    const code = checkStatus(status)
    const contentLength = checkHeaders(headers)
    // A server's own TypeError (or the rethrown excInfo) propagates to the application unchanged.
    const write: unknown = excGiven ? inner(status, headers, excInfo) : inner(status, headers)
    if (excGiven && state.headSent) {
      serverFault(
        new GatewayValidationError(
          'GW-S28',
          `startResponse(${describe(status)}, headers, excInfo) returned although the head had already been sent; rethrow excInfo so the application stops and the connection is cut.`,
        ),
      )
    }
    if (typeof write !== 'function') {
      serverFault(
        new GatewayValidationError(
          'GW-S27',
          `startResponse returned ${describe(write)}; return the write(chunk) function.`,
        ),
      )
    }
    state.started = true
    state.status = code
    state.contentLength = contentLength
    return checkedWrite(write as Write, state)
  }
}

function checkedWrite(inner: Write, state: ResponseState): Write {
  return async (chunk: Uint8Array) => {
    if (state.returned) {
      throw new GatewayValidationError(
        'GW-A17',
        'write() was called after the application returned its body; write before returning, or yield the bytes from the body instead.',
      )
    }
    if (!(chunk instanceof Uint8Array)) {
      throw new GatewayValidationError(
        'GW-A15',
        `write(${describe(chunk)}): pass a Uint8Array (new TextEncoder().encode(text) for text).`,
      )
    }
    if (state.pendingWrite) {
      throw new GatewayValidationError(
        'GW-A16',
        'write() was called while the previous write() had not resolved; await each write() (it is how the server pushes back).',
      )
    }
    accountOutput(state, chunk.byteLength, 'write()')
    state.pendingWrite = true
    try {
      await inner(chunk)
    } finally {
      state.pendingWrite = false
    }
  }
}
