/**
 * @module RequestInput: the host side of `wsgi.input` over any async byte source (a node
 * IncomingMessage, a web ReadableStream, an array of chunks). It never reads past the length
 * limit, answers an empty Uint8Array at the end every time, calls a hook on the first read (for
 * `Expect: 100-continue`), and turns a client that left mid-body into a coded rejection.
 */
import type { GatewayInput } from './contract.ts'

/** The codes `InputError` carries. */
export type InputErrorCode = 'GW-H07' | 'GW-H13'

/**
 * Why a `wsgi.input` read rejected: `GW-H07` the client went away (or the body ended) before
 * the declared length arrived; `GW-H13` a bad `size`/`hint` argument.
 *
 * @example
 * ```ts
 * import { InputError } from 'framework/gateway'
 *
 * try {
 *   await environ['wsgi.input'].read()
 * } catch (error) {
 *   if (error instanceof InputError && error.code === 'GW-H07') return badRequest()
 * }
 * ```
 */
export class InputError extends Error {
  override name = 'InputError'
  readonly code: InputErrorCode

  constructor(code: InputErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
  }
}

/** How a `RequestInput` reads its source. */
export interface RequestInputOptions {
  /** Bytes to read at most (CONTENT_LENGTH). Omitted: until the source ends (a chunked body). */
  length?: number
  /** Called once, just before the first read touches the source (send `100 Continue` here). */
  onFirstRead?: () => void
  /**
   * When aborted (the client went away), pending and later reads reject with `GW-H07`. A
   * function is called for the signal when the first read reaches the body (never for an empty
   * one): a host whose signal is costly to make (an AbortController's signal costs microseconds
   * in Node 20) makes it only for the requests whose body is read.
   */
  signal?: AbortSignal | (() => AbortSignal)
  /**
   * Asked when the source ends without a declared length: false means the body was cut short
   * (a chunked body without its last chunk), so reads reject with `GW-H07`.
   */
  complete?: () => boolean
}

const empty = new Uint8Array(0)

/**
 * `wsgi.input` over an async iterable of byte chunks.
 *
 * @example
 * ```ts
 * import { RequestInput } from 'framework/gateway'
 *
 * const input = new RequestInput(request, { length: Number(request.headers['content-length']) })
 * const line = await input.readline()
 * const rest = await input.read()
 * ```
 */
export class RequestInput implements GatewayInput {
  readonly #source: AsyncIterable<Uint8Array>
  readonly #options: RequestInputOptions
  #iterator: AsyncIterator<Uint8Array> | undefined
  #chunks: Uint8Array[] = []
  #buffered = 0
  #remaining: number
  #sourceDone = false
  #error: InputError | undefined
  #started = false
  /** The reads in order; made by the first read (most requests never read their body). */
  #queue: Promise<unknown> | undefined
  /** The abort signal, once known (at construction, or at the first read when given lazily). */
  #signal: AbortSignal | undefined

  /**
   * @param source the raw body bytes (node `IncomingMessage`, a web `ReadableStream`, ...).
   *   It is iterated lazily and never told to stop, so a node request is not destroyed.
   * @param options the length limit, first-read hook, abort signal and completeness check.
   */
  constructor(source: AsyncIterable<Uint8Array>, options: RequestInputOptions = {}) {
    this.#source = source
    this.#options = options
    this.#remaining = options.length ?? Infinity
    if (this.#remaining === 0) this.#sourceDone = true
    if (typeof options.signal !== 'function') this.#watch(options.signal)
  }

  /** Fails the input when `signal` aborts (at once if it already has). */
  #watch(signal: AbortSignal | undefined): void {
    this.#signal = signal
    if (!signal) return
    if (signal.aborted) this.#fail('the client went away')
    else signal.addEventListener('abort', () => this.#fail('the client went away'), { once: true })
  }

  /** True once the whole body was read (every later read answers an empty Uint8Array). */
  get ended(): boolean {
    return this.#sourceDone && this.#buffered === 0 && this.#error === undefined
  }

  /** True once the first read happened (the `onFirstRead` hook ran). */
  get started(): boolean {
    return this.#started
  }

  read(size?: number): Promise<Uint8Array> {
    return this.#serial(async () => {
      const limit = checkSize(size, 'read(size)')
      while (this.#buffered < limit && (await this.#pull()));
      return this.#take(Math.min(limit, this.#buffered))
    })
  }

  readline(size?: number): Promise<Uint8Array> {
    return this.#serial(async () => {
      const limit = checkSize(size, 'readline(size)')
      let scanned = 0
      for (;;) {
        const at = this.#indexOfNewline(scanned)
        if (at >= 0) return this.#take(Math.min(at + 1, limit))
        scanned = this.#buffered
        if (this.#buffered >= limit || !(await this.#pull())) break
      }
      return this.#take(Math.min(limit, this.#buffered))
    })
  }

  async readlines(hint?: number): Promise<Uint8Array[]> {
    const limit = checkSize(hint, 'readlines(hint)', true)
    const lines: Uint8Array[] = []
    let total = 0
    for (;;) {
      const line = await this.readline()
      if (line.length === 0) return lines
      lines.push(line)
      total += line.length
      if (total >= limit) return lines
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    for (;;) {
      const chunk = await this.#serial(async () => {
        if (this.#buffered === 0) await this.#pull()
        return this.#take(this.#buffered)
      })
      if (chunk.length === 0) return
      yield chunk
    }
  }

  /**
   * Reads and drops the rest of the body, up to `maxBytes`; true when the body ended within
   * it. Hosts call this after the response so a keep-alive connection can read the next request.
   */
  async discard(maxBytes: number): Promise<boolean> {
    let dropped = 0
    try {
      while (dropped <= maxBytes) {
        const chunk = await this.read(65_536)
        if (chunk.length === 0) return true
        dropped += chunk.length
      }
    } catch {
      // A client that left while we drained is no one's problem any more.
    }
    return false
  }

  // One operation at a time: a second read issued before the first settled waits its turn
  // instead of interleaving bytes (the validator reports such apps as GW-A03).
  #serial<T>(operation: () => Promise<T>): Promise<T> {
    const result = (this.#queue ?? Promise.resolve()).then(operation)
    this.#queue = result.catch(() => undefined)
    return result
  }

  #fail(reason: string, cause?: unknown): void {
    // A body that fully arrived stays readable after the client left.
    if (this.#error || this.#sourceDone) return
    const declared = this.#options.length
    const expected = declared === undefined ? 'the end of the chunked body' : `${declared} bytes`
    this.#error = new InputError(
      'GW-H07',
      `The request body ended early: ${reason} before ${expected} arrived. ` +
        'Answer 400 Bad Request (or stop), the body cannot be read any further.',
      { cause },
    )
  }

  /** Pulls one chunk from the source into the buffer; false at the end. */
  async #pull(): Promise<boolean> {
    if (this.#error) throw this.#error
    if (this.#sourceDone) return false
    if (!this.#started) {
      // A lazy signal is asked for only now, when the source is about to be read.
      const signal = this.#options.signal
      if (typeof signal === 'function' && this.#signal === undefined) {
        this.#watch(signal())
        if (this.#error) throw this.#error
      }
      this.#started = true
      this.#options.onFirstRead?.()
    }
    this.#iterator ??= this.#source[Symbol.asyncIterator]()
    let step: IteratorResult<Uint8Array>
    try {
      step = await this.#nextOrAbort(this.#iterator)
    } catch (error) {
      this.#fail('the connection failed', error)
      throw this.#error
    }
    if (this.#error) throw this.#error
    if (step.done) {
      if (this.#remaining !== Infinity) {
        this.#fail(`only ${this.#options.length! - this.#remaining} bytes came`)
        throw this.#error
      }
      if (this.#options.complete && !this.#options.complete()) {
        this.#fail('the connection closed')
        throw this.#error
      }
      this.#sourceDone = true
      return false
    }
    let chunk = toBytes(step.value)
    // Never read past the declared length, even if the source offers more.
    if (chunk.length > this.#remaining) chunk = chunk.subarray(0, this.#remaining)
    this.#remaining -= chunk.length
    if (this.#remaining === 0) this.#sourceDone = true
    if (chunk.length > 0) {
      this.#chunks.push(chunk)
      this.#buffered += chunk.length
    }
    return true
  }

  #nextOrAbort(iterator: AsyncIterator<Uint8Array>): Promise<IteratorResult<Uint8Array>> {
    const signal = this.#signal
    if (!signal) return iterator.next()
    if (signal.aborted) return Promise.reject(signal.reason)
    // A disconnect must wake a read that waits on a source that will never speak again.
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(signal.reason)
      signal.addEventListener('abort', onAbort, { once: true })
      iterator.next().then(
        (step) => {
          signal.removeEventListener('abort', onAbort)
          resolve(step)
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort)
          reject(error)
        },
      )
    })
  }

  #indexOfNewline(from: number): number {
    let offset = 0
    for (const chunk of this.#chunks) {
      if (from < offset + chunk.length) {
        const at = chunk.indexOf(0x0a, Math.max(0, from - offset))
        if (at >= 0) return offset + at
      }
      offset += chunk.length
    }
    return -1
  }

  #take(count: number): Uint8Array {
    if (count <= 0) {
      if (this.#error && this.#buffered === 0) throw this.#error
      return empty
    }
    const first = this.#chunks[0]!
    let result: Uint8Array
    if (first.length >= count) {
      result = first.subarray(0, count)
      if (first.length === count) this.#chunks.shift()
      else this.#chunks[0] = first.subarray(count)
    } else {
      result = new Uint8Array(count)
      let filled = 0
      while (filled < count) {
        const chunk = this.#chunks[0]!
        const part = Math.min(chunk.length, count - filled)
        result.set(chunk.subarray(0, part), filled)
        filled += part
        if (part === chunk.length) this.#chunks.shift()
        else this.#chunks[0] = chunk.subarray(part)
      }
    }
    this.#buffered -= count
    return result
  }
}

function checkSize(size: number | undefined, what: string, isHint = false): number {
  if (size === undefined || size === null) return Infinity
  if (typeof size !== 'number' || !Number.isInteger(size)) {
    throw new InputError(
      'GW-H13',
      `wsgi.input.${what} got ${JSON.stringify(size) ?? String(size)}; pass an integer or nothing`,
    )
  }
  if (size < 0 || (isHint && size === 0)) return Infinity
  return size
}

function toBytes(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value
  if (typeof value === 'string') return new Uint8Array(Buffer.from(value, 'latin1'))
  if (ArrayBuffer.isView(value))
    return new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
  if (value instanceof ArrayBuffer) return new Uint8Array(value)
  throw new InputError('GW-H07', `The request body source yielded ${typeof value}, not bytes`)
}
