/**
 * @module HttpResponse: a response whose content is in memory (text or bytes).
 */
import type { Body, Environ } from '../gateway/index.ts'
import { HttpResponseBase, type ResponseInit } from './http-response-base.ts'

const encoder = new TextEncoder()
/** Up to this length, ASCII text is copied byte by byte rather than through TextEncoder. */
const SHORT_TEXT = 64

/**
 * UTF-8 bytes of `text`. Short ASCII bodies (W1's, W2's, redirects' empty ones) skip the call
 * into TextEncoder, whose fixed cost dominates for a few bytes.
 */
function encodeText(text: string): Uint8Array {
  const length = text.length
  if (length > SHORT_TEXT) return encoder.encode(text)
  const bytes = new Uint8Array(length)
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i)
    if (code > 0x7f) return encoder.encode(text)
    bytes[i] = code
  }
  return bytes
}

/**
 * A response with its content in memory. Content-Length is set when it is sent.
 *
 * @example
 * ```ts
 * return new HttpResponse('<h1>Hello</h1>')
 * return new HttpResponse('teapot', { status: 418, contentType: 'text/plain; charset=utf-8' })
 * ```
 */
export class HttpResponse extends HttpResponseBase {
  readonly streaming = false
  #content: Uint8Array

  constructor(content: string | Uint8Array = '', init: ResponseInit = {}) {
    super(init)
    this.#content = typeof content === 'string' ? encodeText(content) : content
  }

  /** The content as bytes. */
  get content(): Uint8Array {
    return this.#content
  }

  /** Replaces the content (middleware such as GZip uses it). */
  set content(value: string | Uint8Array) {
    this.#content = typeof value === 'string' ? encodeText(value) : value
  }

  /** The content decoded as UTF-8. */
  get text(): string {
    return new TextDecoder().decode(this.#content)
  }

  protected makeBody(environ: Environ): Body {
    const noBody =
      environ.REQUEST_METHOD === 'HEAD' ||
      this.status === 204 ||
      this.status === 304 ||
      this.status < 200
    if (this.status !== 204 && this.status !== 304 && this.status >= 200) {
      this.headers.set('Content-Length', String(this.#content.byteLength))
    } else {
      this.headers.delete('Content-Length')
    }
    return noBody ? [] : [this.#content]
  }
}
