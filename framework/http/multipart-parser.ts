/**
 * @module A pure, streaming multipart/form-data parser: bytes in, events out, no I/O.
 *
 * Why pure: the request decides where each part goes (memory, temp file) and how much it may
 * hold; the parser only finds boundaries (RFC 7578, RFC 2046 §5.1.1) with bounded memory.
 */
import { BadRequest } from './http-errors.ts'

/** What the parser reports. */
export type MultipartEvent =
  | {
      type: 'part'
      headers: Record<string, string>
      name: string
      filename: string | undefined
      contentType: string
    }
  | { type: 'data'; chunk: Uint8Array }
  | { type: 'partEnd' }

const MAX_HEADER_BYTES = 16 * 1024
const CRLFCRLF = Buffer.from('\r\n\r\n')

/**
 * Feeds body chunks with `write()`, then calls `end()`. Each returns the events found so far.
 * Malformed or truncated input throws BadRequest with code `http.multipart_invalid`.
 *
 * @example
 * ```ts
 * const parser = new MultipartParser(boundary)
 * for (const event of parser.write(chunk)) handle(event)
 * parser.end()
 * ```
 */
export class MultipartParser {
  readonly #delimiter: Buffer
  #buffer: Buffer = Buffer.alloc(0)
  #state: 'preamble' | 'afterDelimiter' | 'headers' | 'body' | 'done' = 'preamble'

  constructor(boundary: string) {
    if (!/^[0-9A-Za-z'()+_,\-./:=? ]{1,70}$/.test(boundary) || boundary.endsWith(' ')) {
      throw invalid(`invalid boundary ${JSON.stringify(boundary)}`)
    }
    this.#delimiter = Buffer.from(`\r\n--${boundary}`)
    // The first delimiter may start the body without a preceding CRLF.
    this.#buffer = Buffer.from('\r\n')
  }

  /** Parses `chunk`; returns the events it completes. */
  write(chunk: Uint8Array): MultipartEvent[] {
    this.#buffer = this.#buffer.length ? Buffer.concat([this.#buffer, chunk]) : Buffer.from(chunk)
    const events: MultipartEvent[] = []
    for (;;) {
      if (this.#state === 'done') {
        this.#buffer = Buffer.alloc(0)
        return events
      }
      if (this.#state === 'preamble') {
        const at = this.#buffer.indexOf(this.#delimiter)
        if (at === -1) {
          this.#buffer = this.#buffer.subarray(
            Math.max(0, this.#buffer.length - this.#delimiter.length + 1),
          )
          return events
        }
        this.#buffer = this.#buffer.subarray(at + this.#delimiter.length)
        this.#state = 'afterDelimiter'
      }
      if (this.#state === 'afterDelimiter') {
        // After a delimiter: "--" closes, else optional whitespace then CRLF opens a part.
        if (this.#buffer.length < 2) return events
        if (this.#buffer[0] === 0x2d && this.#buffer[1] === 0x2d) {
          this.#state = 'done'
          continue
        }
        const eol = this.#buffer.indexOf('\r\n')
        if (eol === -1) {
          if (this.#buffer.length > 256) throw invalid('garbage after a boundary')
          return events
        }
        if (this.#buffer.subarray(0, eol).toString('latin1').trim() !== '')
          throw invalid('garbage after a boundary')
        this.#buffer = this.#buffer.subarray(eol + 2)
        this.#state = 'headers'
      }
      if (this.#state === 'headers') {
        const end = this.#buffer.indexOf(CRLFCRLF)
        const blank = this.#buffer.subarray(0, 2).toString('latin1') === '\r\n'
        if (end === -1 && !blank) {
          if (this.#buffer.length > MAX_HEADER_BYTES)
            throw invalid('part headers larger than 16 KiB')
          return events
        }
        const headerEnd = blank ? 0 : end
        events.push(parsePartHeaders(this.#buffer.subarray(0, headerEnd).toString('utf8')))
        this.#buffer = this.#buffer.subarray(headerEnd + (blank ? 2 : 4))
        this.#state = 'body'
      }
      if (this.#state === 'body') {
        const at = this.#buffer.indexOf(this.#delimiter)
        if (at === -1) {
          // Keep a tail that could be the start of a delimiter split across chunks.
          const keep = this.#delimiter.length - 1
          if (this.#buffer.length > keep) {
            events.push({
              type: 'data',
              chunk: Uint8Array.prototype.slice.call(this.#buffer, 0, this.#buffer.length - keep),
            })
            this.#buffer = this.#buffer.subarray(this.#buffer.length - keep)
          }
          return events
        }
        if (at > 0)
          events.push({ type: 'data', chunk: Uint8Array.prototype.slice.call(this.#buffer, 0, at) })
        events.push({ type: 'partEnd' })
        this.#buffer = this.#buffer.subarray(at + this.#delimiter.length)
        this.#state = 'afterDelimiter'
      }
    }
  }

  /** Declares the end of input; throws when the closing delimiter was never seen. */
  end(): MultipartEvent[] {
    if (this.#state !== 'done')
      throw invalid('the body ended before the closing boundary (truncated upload?)')
    return []
  }
}

function invalid(reason: string): BadRequest {
  return new BadRequest(`Malformed multipart/form-data body: ${reason}.`, 'http.multipart_invalid')
}

function parsePartHeaders(text: string): MultipartEvent & { type: 'part' } {
  const headers: Record<string, string> = {}
  for (const line of text.split('\r\n')) {
    if (line === '') continue
    const colon = line.indexOf(':')
    if (colon <= 0) throw invalid(`bad part header line ${JSON.stringify(line.slice(0, 80))}`)
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }
  const disposition = headers['content-disposition']
  if (!disposition) throw invalid('a part has no Content-Disposition header')
  const params = parseHeaderParams(disposition)
  const name = params.name
  if (name === undefined) throw invalid('a part has no name in its Content-Disposition header')
  return {
    type: 'part',
    headers,
    name,
    filename: params['filename*'] ?? params.filename,
    contentType: headers['content-type'] ?? 'text/plain',
  }
}

/**
 * Parses `value; a=1; b="two"` parameters (RFC 9110 quoted strings; RFC 5987 `name*`).
 *
 * @example
 * ```ts
 * parseHeaderParams('form-data; name="f"; filename="a.txt"').filename // 'a.txt'
 * ```
 */
export function parseHeaderParams(value: string): Record<string, string> {
  const out: Record<string, string> = {}
  const re = /;\s*([^\s=;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g
  for (const m of value.matchAll(re)) {
    const key = (m[1] ?? '').toLowerCase()
    let v = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '').trim()
    if (key.endsWith('*')) {
      const ext = /^([\w-]+)'[^']*'(.*)$/.exec(v)
      if (ext) {
        try {
          v = decodeURIComponent(ext[2] ?? '')
        } catch {
          continue
        }
      }
    }
    out[key] = v
  }
  return out
}
