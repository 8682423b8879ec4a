/**
 * @module parseResponse: a pure HTTP/1.x response parser over the raw bytes a socket received, so
 * the conformance kit sees exactly what a host sent (framing, stray bytes, truncation).
 */

/** One parsed response, with the framing the host chose. */
export interface RawResponse {
  /** The status code, e.g. 200. */
  status: number
  /** The status line as received, e.g. `HTTP/1.1 200 OK`. */
  statusLine: string
  /** Header lines in order, names as sent (latin-1 decoded). */
  headers: [string, string][]
  /** The body bytes after un-chunking. */
  body: Buffer
  /** How the body was delimited. */
  framing: 'none' | 'content-length' | 'chunked' | 'close'
  /** False when the connection ended before the framing said the body was complete. */
  complete: boolean
}

/** The parser's verdict on the bytes so far. */
export type ParseResult =
  | { state: 'incomplete' }
  | { state: 'done'; response: RawResponse; end: number }
  | { state: 'invalid'; reason: string }

/** What the parser must know besides the bytes. */
export interface ParseOptions {
  /** The request was HEAD: the response has no body whatever its headers say. */
  head?: boolean
  /** The connection is closed: what is missing will never come. */
  closed?: boolean
}

/** All values of a header, case-insensitively. */
export function headerValues(response: RawResponse, name: string): string[] {
  const wanted = name.toLowerCase()
  return response.headers.filter(([key]) => key.toLowerCase() === wanted).map(([, value]) => value)
}

/**
 * Parses one response starting at `offset` of `bytes`.
 *
 * @example
 * ```ts
 * const result = parseResponse(Buffer.from('HTTP/1.1 204 No Content\r\n\r\n'), 0, {})
 * if (result.state === 'done') console.log(result.response.status) // 204
 * ```
 */
export function parseResponse(bytes: Buffer, offset: number, options: ParseOptions): ParseResult {
  const headEnd = bytes.indexOf('\r\n\r\n', offset, 'latin1')
  if (headEnd < 0) {
    if (options.closed)
      return {
        state: 'invalid',
        reason: `connection closed inside the headers after ${bytes.length - offset} bytes: ${quote(bytes.subarray(offset))}`,
      }
    return { state: 'incomplete' }
  }
  const lines = bytes.subarray(offset, headEnd).toString('latin1').split('\r\n')
  const statusLine = lines[0] ?? ''
  const match = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(statusLine)
  if (!match?.[1])
    return {
      state: 'invalid',
      reason: `not an HTTP/1.x status line: ${JSON.stringify(statusLine)}`,
    }
  const status = Number(match[1])
  const headers: [string, string][] = []
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':')
    if (colon <= 0)
      return { state: 'invalid', reason: `malformed header line ${JSON.stringify(line)}` }
    headers.push([line.slice(0, colon), line.slice(colon + 1).trim()])
  }
  const bodyStart = headEnd + 4
  const partial = { status, statusLine, headers }
  const response = (
    body: Buffer,
    framing: RawResponse['framing'],
    complete: boolean,
  ): RawResponse => ({
    ...partial,
    body,
    framing,
    complete,
  })
  // RFC 9112 section 6.3: responses to HEAD, 1xx, 204 and 304 end at the blank line.
  if (options.head || status < 200 || status === 204 || status === 304) {
    return { state: 'done', response: response(Buffer.alloc(0), 'none', true), end: bodyStart }
  }
  const encoding = headers.find(([key]) => key.toLowerCase() === 'transfer-encoding')?.[1]
  if (encoding !== undefined) {
    if (!/(^|,)\s*chunked\s*$/i.test(encoding))
      return {
        state: 'invalid',
        reason: `unexpected Transfer-Encoding ${JSON.stringify(encoding)}`,
      }
    return parseChunked(bytes, bodyStart, options, (body, complete) =>
      response(body, 'chunked', complete),
    )
  }
  const lengths = headers.filter(([key]) => key.toLowerCase() === 'content-length')
  if (lengths.length > 0) {
    const values = new Set(lengths.map(([, value]) => value))
    const [only] = values
    if (values.size !== 1 || only === undefined || !/^\d+$/.test(only)) {
      return {
        state: 'invalid',
        reason: `bad Content-Length header(s) ${JSON.stringify([...values])}`,
      }
    }
    const length = Number(only)
    const available = bytes.length - bodyStart
    if (available >= length) {
      const end = bodyStart + length
      return {
        state: 'done',
        response: response(bytes.subarray(bodyStart, end), 'content-length', true),
        end,
      }
    }
    if (options.closed) {
      return {
        state: 'done',
        response: response(bytes.subarray(bodyStart), 'content-length', false),
        end: bytes.length,
      }
    }
    return { state: 'incomplete' }
  }
  // No framing: the body runs until the server closes the connection (RFC 9112 6.3, rule 8).
  if (!options.closed) return { state: 'incomplete' }
  return {
    state: 'done',
    response: response(bytes.subarray(bodyStart), 'close', true),
    end: bytes.length,
  }
}

function parseChunked(
  bytes: Buffer,
  start: number,
  options: ParseOptions,
  finish: (body: Buffer, complete: boolean) => RawResponse,
): ParseResult {
  const parts: Buffer[] = []
  let at = start
  for (;;) {
    const lineEnd = bytes.indexOf('\r\n', at, 'latin1')
    if (lineEnd < 0) break
    const sizeText = bytes.subarray(at, lineEnd).toString('latin1').split(';')[0]?.trim() ?? ''
    if (!/^[0-9a-fA-F]+$/.test(sizeText)) {
      return {
        state: 'invalid',
        reason: `bad chunk size line ${quote(bytes.subarray(at, lineEnd))}`,
      }
    }
    const size = parseInt(sizeText, 16)
    if (size === 0) {
      // No trailers expected: the last chunk is followed by an empty line.
      const trailerEnd = bytes.indexOf('\r\n\r\n', lineEnd, 'latin1')
      if (trailerEnd < 0) break
      return { state: 'done', response: finish(Buffer.concat(parts), true), end: trailerEnd + 4 }
    }
    const dataEnd = lineEnd + 2 + size
    if (bytes.length < dataEnd + 2) break
    if (bytes.subarray(dataEnd, dataEnd + 2).toString('latin1') !== '\r\n') {
      return { state: 'invalid', reason: `chunk of ${size} bytes not followed by CRLF` }
    }
    parts.push(bytes.subarray(lineEnd + 2, dataEnd))
    at = dataEnd + 2
  }
  if (!options.closed) return { state: 'incomplete' }
  // Keep what arrived of a partial chunk: a truncation check wants to see every byte.
  const lineEnd = bytes.indexOf('\r\n', at, 'latin1')
  if (lineEnd >= 0) parts.push(bytes.subarray(lineEnd + 2))
  return { state: 'done', response: finish(Buffer.concat(parts), false), end: bytes.length }
}

/** A short printable excerpt of raw bytes, for failure reasons. */
export function quote(bytes: Buffer, max = 120): string {
  const text = JSON.stringify(bytes.subarray(0, max).toString('latin1'))
  return bytes.length > max ? `${text}... (${bytes.length} bytes)` : text
}
