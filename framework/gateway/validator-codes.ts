/**
 * @module The validator's rule codes, as data: code → side and one-line summary. docs/gateway.md
 * lists the same codes between its `validator-codes` markers, and test/docs/gateway-codes.test.ts
 * fails when the two drift apart. Codes are stable: a retired rule keeps its number unused.
 */

/**
 * One rule the validator enforces, as listed in docs/gateway.md.
 *
 * @example
 * ```ts
 * import type { ValidatorRule } from 'framework/gateway'
 *
 * const rule: ValidatorRule = { side: 'application', summary: 'write() takes a Uint8Array' }
 * ```
 */
export interface ValidatorRule {
  /** Who broke the rule when it fires: the application (or its middleware) or the server. */
  side: 'application' | 'server'
  /** What the rule requires, in one sentence. */
  summary: string
}

/**
 * Every code `validator(app)` can raise, in the order of docs/gateway.md. `GW-S..` rules bind the
 * server (the environ it builds, its wsgi.input, its startResponse, how it consumes the body);
 * `GW-A..` rules bind the application and every middleware between it and the server.
 *
 * @example
 * ```ts
 * import { validatorCodes } from 'framework/gateway'
 *
 * console.log(validatorCodes['GW-A05'].summary) // the status must be a string "NNN Reason"
 * ```
 */
export const validatorCodes = {
  // The application (docs/gateway.md, "The application side").
  'GW-A01': { side: 'application', summary: 'the application must be a function' },
  // The environ (docs/gateway.md, "The environ").
  'GW-S01': { side: 'server', summary: 'environ must be a plain object' },
  'GW-S02': { side: 'server', summary: 'environ must hold every required key' },
  'GW-S03': {
    side: 'server',
    summary: 'CGI, HTTP_* and gateway.client_addr values must be strings',
  },
  'GW-S04': {
    side: 'server',
    summary: 'environ strings must hold only code units up to 0xFF (latin-1)',
  },
  'GW-S05': { side: 'server', summary: 'REQUEST_METHOD must be a non-empty token' },
  'GW-S06': {
    side: 'server',
    summary: "SCRIPT_NAME must be '' or start with '/' and not end with '/'",
  },
  'GW-S07': {
    side: 'server',
    summary: "PATH_INFO must be '' or start with '/', and not both it and SCRIPT_NAME empty",
  },
  'GW-S08': {
    side: 'server',
    summary: "QUERY_STRING must be raw, without the leading '?' or a '#' fragment",
  },
  'GW-S09': { side: 'server', summary: 'SERVER_PORT must be a string of decimal digits' },
  'GW-S10': { side: 'server', summary: "SERVER_PROTOCOL must look like 'HTTP/1.1'" },
  'GW-S11': {
    side: 'server',
    summary: 'CONTENT_LENGTH, when present and non-empty, must be decimal digits',
  },
  'GW-S12': {
    side: 'server',
    summary:
      'Content-Type and Content-Length go in CONTENT_TYPE/CONTENT_LENGTH, never HTTP_CONTENT_*',
  },
  'GW-S13': {
    side: 'server',
    summary: 'HTTP_* keys must be upper-case letters, digits and underscores',
  },
  'GW-S14': { side: 'server', summary: 'wsgi.version must be [1, 0]' },
  'GW-S15': { side: 'server', summary: "wsgi.url_scheme must be 'http' or 'https'" },
  'GW-S16': {
    side: 'server',
    summary: 'wsgi.input must have read, readline, readlines and async iteration',
  },
  'GW-S17': { side: 'server', summary: 'wsgi.errors must have write, writelines and flush' },
  'GW-S18': {
    side: 'server',
    summary:
      'wsgi.multithread, wsgi.multiprocess and wsgi.run_once must be booleans, multithread false',
  },
  'GW-S19': { side: 'server', summary: 'wsgi.input_terminated must be true' },
  'GW-S20': { side: 'server', summary: 'gateway.signal must be an AbortSignal' },
  'GW-S21': { side: 'server', summary: 'wsgi.file_wrapper, when present, must be a function' },
  'GW-S22': {
    side: 'server',
    summary: 'the application must be called with a startResponse function',
  },
  // wsgi.input (docs/gateway.md, "wsgi.input").
  'GW-S23': { side: 'server', summary: 'wsgi.input must resolve to Uint8Array chunks' },
  'GW-S24': {
    side: 'server',
    summary: 'wsgi.input must not return more than asked, and readline at most one line',
  },
  'GW-S25': {
    side: 'server',
    summary: 'wsgi.input must return only empty chunks once it signalled the end',
  },
  'GW-S26': {
    side: 'server',
    summary: 'wsgi.input must not return more bytes than CONTENT_LENGTH',
  },
  'GW-A02': { side: 'application', summary: 'wsgi.input size and hint arguments must be integers' },
  'GW-A03': {
    side: 'application',
    summary: 'wsgi.input must be read one call at a time, each awaited',
  },
  // wsgi.errors.
  'GW-A04': { side: 'application', summary: 'wsgi.errors accepts only strings' },
  // startResponse.
  'GW-A05': { side: 'application', summary: 'the status must be a string "NNN Reason"' },
  'GW-A06': { side: 'application', summary: 'the headers must be a real array' },
  'GW-A07': {
    side: 'application',
    summary: 'each header must be a [name, value] pair of two strings',
  },
  'GW-A08': { side: 'application', summary: 'a header name must be an RFC 9110 token' },
  'GW-A09': {
    side: 'application',
    summary: 'a header value must be latin-1 without control characters other than TAB',
  },
  'GW-A10': {
    side: 'application',
    summary: 'hop-by-hop headers belong to the server, never to the application',
  },
  'GW-A11': {
    side: 'application',
    summary: 'a Status header is not allowed: pass the status to startResponse',
  },
  'GW-A12': { side: 'application', summary: 'startResponse may be called again only with excInfo' },
  'GW-A13': { side: 'application', summary: 'excInfo must be the caught Error' },
  'GW-A14': {
    side: 'application',
    summary: 'startResponse must not be called after the body ended',
  },
  'GW-S27': { side: 'server', summary: 'startResponse must return the write function' },
  'GW-S28': {
    side: 'server',
    summary: 'startResponse with excInfo after the head was sent must rethrow excInfo',
  },
  // write().
  'GW-A15': { side: 'application', summary: 'write() takes a Uint8Array' },
  'GW-A16': { side: 'application', summary: 'each write() must be awaited before the next output' },
  'GW-A17': {
    side: 'application',
    summary: 'write() must not be called after the application returned its body',
  },
  // The body.
  'GW-A18': { side: 'application', summary: 'the body must not be a string' },
  'GW-A19': {
    side: 'application',
    summary: 'the body must not be a bare Uint8Array or ArrayBuffer',
  },
  'GW-A20': { side: 'application', summary: 'the body must be an iterable or async iterable' },
  'GW-A21': { side: 'application', summary: "the body's close, when present, must be a function" },
  'GW-A22': { side: 'application', summary: 'the body must yield only Uint8Array chunks' },
  'GW-A23': {
    side: 'application',
    summary: 'startResponse must be called before the first non-empty chunk',
  },
  'GW-A24': { side: 'application', summary: 'startResponse must be called before the body ends' },
  'GW-S29': {
    side: 'server',
    summary: 'the server must wait for each chunk before pulling the next',
  },
  'GW-S30': { side: 'server', summary: 'the server must call close() exactly once' },
  'GW-S31': { side: 'server', summary: 'the server must not pull from the body after close()' },
  // Content-Length and bodiless responses.
  'GW-A25': {
    side: 'application',
    summary: 'Content-Length must be decimal digits, and repeats must agree',
  },
  'GW-A26': {
    side: 'application',
    summary: 'the body must not exceed the declared Content-Length',
  },
  'GW-A27': {
    side: 'application',
    summary: 'the body must not fall short of the declared Content-Length',
  },
  'GW-A28': { side: 'application', summary: 'a response to HEAD must have an empty body' },
  'GW-A29': { side: 'application', summary: 'a 1xx, 204 or 304 response must have an empty body' },
} as const satisfies Record<string, ValidatorRule>

/**
 * A code the validator can raise, e.g. `'GW-A05'`.
 *
 * @example
 * ```ts
 * import type { ValidatorCode } from 'framework/gateway'
 *
 * const ignored: ValidatorCode[] = ['GW-A28'] // e.g. while a legacy app still answers HEAD with a body
 * ```
 */
export type ValidatorCode = keyof typeof validatorCodes
