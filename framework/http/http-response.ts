/**
 * @module HttpResponse: a response whose content is in memory (text or bytes).
 */
import type { Body, Environ } from '../gateway/index.ts'
import { HttpResponseBase, type ResponseInit } from './http-response-base.ts'

/**
 * UTF-8 bytes of `text`, as a Buffer (a Uint8Array, which is what a body chunk must be).
 *
 * Why a Buffer and not TextEncoder's Uint8Array: node:http turns every chunk that is not a Buffer
 * into one (a view on `chunk.buffer`), and V8 keeps a small typed array's bytes inside the object
 * until `.buffer` is first read, which then allocates a separate backing store and copies: W1's
 * 13 bytes cost an allocation, a copy and a later free per response. Buffer.from takes small
 * strings from node's shared pool, and a Buffer goes to the socket as it is.
 */
function encodeText(text: string): Uint8Array {
  return Buffer.from(text, 'utf8')
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
