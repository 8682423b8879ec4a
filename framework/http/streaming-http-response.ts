/**
 * @module StreamingHttpResponse: a body produced chunk by chunk, never buffered.
 */
import type { Body, Environ } from '../gateway/index.ts'
import { HttpResponseBase, type ResponseInit } from './http-response-base.ts'

/** A chunk source: bytes or text, sync or async, optionally with `close()`. */
export type StreamingContent = (
  Iterable<Uint8Array | string> | AsyncIterable<Uint8Array | string>
) & {
  close?(): void | Promise<void>
}

/**
 * Streams `content` through the gateway: each chunk is sent as it is produced, and the server's
 * `close()` reaches the source's `close()` (or its iterator's `return()`).
 *
 * @example
 * ```ts
 * async function* rows() {
 *   for (let i = 0; i < 3; i++) yield `row ${i}\n`
 * }
 * return new StreamingHttpResponse(rows(), { contentType: 'text/plain; charset=utf-8' })
 * ```
 */
export class StreamingHttpResponse extends HttpResponseBase {
  readonly streaming = true
  /** The chunk source; middleware may replace it with a wrapper (GZip) that closes the original. */
  streamingContent: StreamingContent

  constructor(content: StreamingContent, init: ResponseInit = {}) {
    super(init)
    this.streamingContent = content
  }

  protected makeBody(environ: Environ): Body {
    const source = this.streamingContent
    if (environ.REQUEST_METHOD === 'HEAD') {
      return Object.assign([] as Uint8Array[], { close: () => closeSource(source) })
    }
    let iterator: Iterator<Uint8Array | string> | AsyncIterator<Uint8Array | string> | undefined
    let closed = false
    // Why a hand-written async iterator and not a generator: a generator cannot be closed while
    // it waits, and close() must reach the source even before the first chunk is pulled.
    return {
      [Symbol.asyncIterator]() {
        return {
          async next(): Promise<IteratorResult<Uint8Array>> {
            iterator ??=
              Symbol.asyncIterator in source
                ? source[Symbol.asyncIterator]()
                : source[Symbol.iterator]()
            const step = await iterator.next()
            if (step.done) return { done: true, value: undefined }
            // A Buffer, not TextEncoder's bytes: a tenth of the cost, and node:http sends a Buffer
            // as it is (http-response.ts, encodeText).
            return {
              done: false,
              value: typeof step.value === 'string' ? Buffer.from(step.value, 'utf8') : step.value,
            }
          },
          async return(): Promise<IteratorResult<Uint8Array>> {
            await close()
            return { done: true, value: undefined }
          },
        }
      },
      close,
    }
    async function close(): Promise<void> {
      if (closed) return
      closed = true
      await iterator?.return?.()
      await closeSource(source)
    }
  }
}

async function closeSource(source: StreamingContent): Promise<void> {
  await source.close?.()
}
