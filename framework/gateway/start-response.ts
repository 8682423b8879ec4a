/**
 * @module startResponse's rules, shared by every host: the status and header checks (so a bad
 * value throws from startResponse itself, inside the application, where the stack points at the
 * culprit) and the excInfo logic of PEP 3333.
 */
import type { ResponseHeaders } from './contract.ts'

/** The codes `StartResponseError` carries. */
export type StartResponseErrorCode =
  | 'GW-H01' // malformed status
  | 'GW-H02' // headers not a real array of [name, value] string pairs
  | 'GW-H03' // header name not an RFC 9110 token
  | 'GW-H04' // header value not latin-1 or holding a control character
  | 'GW-H05' // hop-by-hop header
  | 'GW-H06' // second call without excInfo

/**
 * What startResponse throws for a malformed status or header list, a hop-by-hop header, or a
 * second call without excInfo. A TypeError, so generic handlers treat it as a programming error.
 *
 * @example
 * ```ts
 * import { StartResponseError } from 'framework/gateway'
 *
 * try {
 *   startResponse('200', [])
 * } catch (error) {
 *   if (error instanceof StartResponseError) console.error(error.code) // 'GW-H01'
 * }
 * ```
 */
export class StartResponseError extends TypeError {
  override name = 'StartResponseError'
  readonly code: StartResponseErrorCode

  constructor(code: StartResponseErrorCode, message: string) {
    super(message)
    this.code = code
  }
}

/** A checked status line, split. */
export interface ParsedStatus {
  /** The numeric code, 100..599 (the range RFC 9110 defines; docs/gateway.md, startResponse). */
  code: number
  /** The reason phrase (latin-1, not empty). */
  reason: string
}

const statusPattern = /^([1-5]\d\d) ([\t\x20-\x7e\x80-\xff]+)$/
const tokenPattern = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const valuePattern = /^[\t\x20-\x7e\x80-\xff]*$/
/**
 * Statuses parsed and header names found good, by their exact text, each name with the last
 * value found good for it. Why: an application sends the same few statuses, names and mostly
 * the same values (a content type, the security headers' constants) on every response, and
 * checking them again (two regular expressions and a lower-casing per header) was a visible
 * share of a small response's cost; comparing with the last good value is a pointer comparison
 * for a constant. Bounded, so an application inventing names cannot grow them without limit.
 */
const parsedStatuses = new Map<string, ParsedStatus>()
const goodNames = new Map<string, string>()
const cacheLimit = 1024
const hopByHop = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
])

/**
 * Checks a status line `"NNN Reason"` and splits it. Throws `StartResponseError` `GW-H01`.
 *
 * @example
 * ```ts
 * import { parseStatus } from 'framework/gateway'
 *
 * parseStatus('404 Not Found') // { code: 404, reason: 'Not Found' }
 * ```
 */
export function parseStatus(status: unknown): ParsedStatus {
  if (typeof status === 'string') {
    const known = parsedStatuses.get(status)
    if (known) return known
  }
  const match = typeof status === 'string' ? statusPattern.exec(status) : null
  if (!match) {
    throw new StartResponseError(
      'GW-H01',
      `startResponse() got the status ${quote(status)}; pass "NNN Reason": three digits, one ` +
        'space and a latin-1 reason phrase without control characters, e.g. "200 OK"',
    )
  }
  const parsed = Object.freeze({ code: Number(match[1]), reason: match[2]! })
  if (parsedStatuses.size < cacheLimit) parsedStatuses.set(status as string, parsed)
  return parsed
}

/**
 * Checks a response header list: a real array of `[name, value]` string pairs, names RFC 9110
 * tokens, values latin-1 without control characters other than TAB, and no hop-by-hop header
 * (Connection, Keep-Alive, Transfer-Encoding, TE, Trailer, Upgrade, Proxy-*), which only the
 * server may set. Throws `StartResponseError` (`GW-H02`..`GW-H05`).
 *
 * @example
 * ```ts
 * import { checkHeaders } from 'framework/gateway'
 *
 * checkHeaders([['Content-Type', 'text/plain']]) // fine
 * checkHeaders([['Connection', 'close']]) // throws GW-H05
 * ```
 */
export function checkHeaders(headers: unknown): asserts headers is ResponseHeaders {
  if (!Array.isArray(headers)) {
    throw new StartResponseError(
      'GW-H02',
      `startResponse() got headers ${quote(headers)}; pass a real array of [name, value] pairs, ` +
        "e.g. [['Content-Type', 'text/plain']]",
    )
  }
  for (let index = 0; index < headers.length; index++) {
    const pair: unknown = headers[index]
    if (
      !Array.isArray(pair) ||
      pair.length !== 2 ||
      typeof pair[0] !== 'string' ||
      typeof pair[1] !== 'string'
    ) {
      throw new StartResponseError(
        'GW-H02',
        `startResponse() header #${index} is ${quote(pair)}; each header must be a ` +
          '[name, value] pair of two strings',
      )
    }
    const name = pair[0] as string
    const value = pair[1] as string
    const lastGood = goodNames.get(name)
    if (lastGood === undefined) checkName(name)
    if (value === lastGood) continue
    if (!valuePattern.test(value)) {
      throw new StartResponseError(
        'GW-H04',
        `startResponse() header ${name} has the value ${quote(value)}, which holds a control ` +
          'character or a code unit above 0xFF; strip CR/LF and encode text as latin-1 ' +
          '(percent-encode or RFC 8187 for other characters)',
      )
    }
    if (lastGood !== undefined || goodNames.size < cacheLimit) goodNames.set(name, value)
  }
}

/** Checks a header name not seen before: a token, not hop-by-hop. */
function checkName(name: string): void {
  if (!tokenPattern.test(name)) {
    throw new StartResponseError(
      'GW-H03',
      `startResponse() header name ${quote(name)} is not an RFC 9110 token; use letters, ` +
        "digits and !#$%&'*+-.^_`|~ only (no spaces, colons or newlines)",
    )
  }
  const lower = name.toLowerCase()
  if (hopByHop.has(lower) || lower.startsWith('proxy-')) {
    throw new StartResponseError(
      'GW-H05',
      `startResponse() got the hop-by-hop header ${quote(name)}; remove it: connection ` +
        'management and transfer coding belong to the server (PEP 3333, "Other HTTP Features")',
    )
  }
}

/**
 * The state behind one request's startResponse: the current status and headers, whether the
 * head went out, and PEP 3333's excInfo rules.
 *
 * @example
 * ```ts
 * import { ResponseStart } from 'framework/gateway'
 *
 * const start = new ResponseStart()
 * start.start('200 OK', [])
 * start.start('500 Internal Server Error', [], new Error('late failure')) // replaces the status
 * ```
 */
export class ResponseStart {
  #status: ParsedStatus | undefined
  #headers: ResponseHeaders | undefined
  #headSent = false

  /** True once startResponse was called (successfully). */
  get called(): boolean {
    return this.#status !== undefined
  }

  /** The current status (undefined before startResponse). */
  get status(): ParsedStatus | undefined {
    return this.#status
  }

  /** The current headers: a copy taken at the call, so later mutation by the app is ignored. */
  get headers(): ResponseHeaders | undefined {
    return this.#headers
  }

  /** True once the host sent the head; from then on the status cannot change. */
  get headSent(): boolean {
    return this.#headSent
  }

  /** The host calls this when it sends the head. */
  markHeadSent(): void {
    this.#headSent = true
  }

  /**
   * startResponse's logic: checks, then records. With `excInfo` (anything but undefined/null)
   * after the head was sent it rethrows `excInfo`; before, it replaces the status and headers.
   * Without it, a second call throws `GW-H06`.
   */
  start(status: unknown, headers: unknown, excInfo?: unknown): void {
    if (excInfo !== undefined && excInfo !== null) {
      // PEP 3333: the application's error propagates, so the server can abort the response.
      if (this.#headSent) throw excInfo
    } else if (this.#status !== undefined) {
      throw new StartResponseError(
        'GW-H06',
        `startResponse(${quote(status)}) was called a second time without excInfo; the status ` +
          `is already "${this.#status.code} ${this.#status.reason}". Pass the caught error as ` +
          'the third argument to replace it',
      )
    }
    const parsed = parseStatus(status)
    checkHeaders(headers)
    this.#status = parsed
    // A copy, so the application's later changes to its array are not sent.
    const copy: [string, string][] = new Array(headers.length)
    for (let i = 0; i < headers.length; i++) copy[i] = [headers[i]![0], headers[i]![1]]
    this.#headers = copy
  }
}

function quote(value: unknown): string {
  let text: string
  try {
    text =
      typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value))
  } catch {
    text = String(value)
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text
}
