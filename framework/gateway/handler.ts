/**
 * @module BaseHost: the request algorithm of the gateway contract, once, for every host (as
 * wsgiref's BaseHandler). A host subclasses it and fills in only how the head and bytes reach
 * the client: `sendHead`, `write` (resolving when the bytes were accepted), `end` and `abort`.
 *
 * The algorithm (docs/gateway.md, "The server side"):
 * 1. call the application (sync or async) with the environ and a startResponse;
 * 2. check the body (a string or bare Uint8Array is an error: 500);
 * 3. defer the head until the first non-empty chunk, the first write() or the end of the body,
 *    so an application can still replace its status with excInfo after an error;
 * 4. pull the next chunk only after the last one was accepted (bounded memory);
 * 5. frame: a declared Content-Length is a hard limit (more: cut; fewer: cut); without one,
 *    compute it for a body array of at most one element, a wsgi.file_wrapper body or an empty
 *    body, else chunked on
 *    HTTP/1.1 (when the host can) and close-delimited otherwise; HEAD, 1xx, 204, 304: no body;
 * 6. on an error before the head: 500 (plain text, no internals) and the stack in wsgi.errors;
 *    after the head: cut the connection;
 * 7. call close() (and an unfinished iterator's return()) exactly once, also on client
 *    disconnect (`gateway.signal`) or error.
 */
import type {
  Application,
  Body,
  Environ,
  ResponseHeaders,
  StartResponse,
  Write,
} from './contract.ts'
import { ResponseStart } from './start-response.ts'
import { isFileBody } from './file-wrapper.ts'

/** How the body is delimited on the wire. */
export type Framing = 'length' | 'chunked' | 'close' | 'none'

/** What a host receives when the head is decided. */
export interface ResponseHead {
  /** The numeric status, e.g. 200. */
  status: number
  /** The reason phrase, e.g. 'OK'. */
  reason: string
  /** The final headers, in order (Date/Server/Content-Length added by the base when due). */
  headers: ResponseHeaders
  /** How the body is delimited: the host adds no framing header of its own beyond this. */
  framing: Framing
  /** The body length, when `framing` is 'length'. */
  contentLength?: number
}

/** Options every host accepts. */
export interface BaseHostOptions {
  /** Add a `Date` header when the application set none (default true). */
  date?: boolean
  /** A `Server` header value added when the application set none (default: no header). */
  server?: string
}

/** The codes `ResponseError` carries. */
export type ResponseErrorCode =
  | 'GW-H09' // the body (or a chunk) is not what the contract allows
  | 'GW-H10' // Content-Length broken: invalid, exceeded, or not reached
  | 'GW-H11' // output before startResponse()
  | 'GW-H14' // write() misuse: not bytes, after the end, or after the client left

/**
 * A fault in the application's response, found by the host: a wrong body type, output before
 * startResponse, or bytes beyond the declared Content-Length. Logged to wsgi.errors; before the
 * head it becomes a 500, after it the connection is cut. write() rejects with it too.
 *
 * @example
 * ```ts
 * import { ResponseError } from 'framework/gateway'
 *
 * try {
 *   await write(chunk)
 * } catch (error) {
 *   if (error instanceof ResponseError && error.code === 'GW-H14') return // the client left
 * }
 * ```
 */
export class ResponseError extends Error {
  override name = 'ResponseError'
  readonly code: ResponseErrorCode

  constructor(code: ResponseErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
  }
}

/**
 * Every code the hosts of this folder put on the errors they throw, as data (for docs/gateway.md
 * and for code that branches on `error.code`). `GW-S..`/`GW-A..` are the validator's, not these.
 *
 * @example
 * ```ts
 * import { hostErrorCodes } from 'framework/gateway'
 *
 * console.log(hostErrorCodes['GW-H07']) // 'wsgi.input: the body ended early (client went away)'
 * ```
 */
export const hostErrorCodes = {
  'GW-H01': 'startResponse: the status is not "NNN Reason" (StartResponseError)',
  'GW-H02': 'startResponse: headers are not a real array of [name, value] string pairs',
  'GW-H03': 'startResponse: a header name is not an RFC 9110 token',
  'GW-H04': 'startResponse: a header value is not latin-1 or holds a control character',
  'GW-H05': 'startResponse: a hop-by-hop header (Connection, Transfer-Encoding, Proxy-*, ...)',
  'GW-H06': 'startResponse: called a second time without excInfo',
  'GW-H07': 'wsgi.input: the body ended early (client went away) (InputError)',
  'GW-H08': 'utf8PathInfo: PATH_INFO is not valid UTF-8 (PathInfoError)',
  'GW-H09': 'the body, or one of its chunks, is not what the contract allows (ResponseError)',
  'GW-H10': 'Content-Length invalid, exceeded or not reached (ResponseError)',
  'GW-H11': 'output before startResponse() (ResponseError)',
  'GW-H12': 'latin1ToBytes: a code unit above 0xFF (Latin1Error)',
  'GW-H13': 'wsgi.input: a size or hint that is not an integer (InputError)',
  'GW-H14': 'write(): not a Uint8Array, after the end, or after the client left (ResponseError)',
} as const

const errorBody = new TextEncoder().encode('500 Internal Server Error\n')

/**
 * The base of every host. One instance serves one request: `await host.run(app, environ)`
 * never rejects; it resolves once the response ended (or was cut) and close() was called.
 *
 * @example
 * ```ts
 * import { BaseHost } from 'framework/gateway'
 * import type { ResponseHead } from 'framework/gateway'
 *
 * class ArrayHost extends BaseHost {
 *   protected readonly canChunk = true
 *   head?: ResponseHead
 *   chunks: Uint8Array[] = []
 *   protected sendHead(head: ResponseHead) { this.head = head }
 *   protected async write(chunk: Uint8Array) { this.chunks.push(chunk) }
 *   protected end() {}
 *   protected abort() {}
 * }
 * await new ArrayHost().run(app, environ)
 * ```
 */
export abstract class BaseHost {
  /** Whether the transport can send a chunked body (HTTP/1.1 only; the base checks the version). */
  protected abstract readonly canChunk: boolean
  /** Sends the status line and headers (or records them). */
  protected abstract sendHead(head: ResponseHead): void | Promise<void>
  /** Sends body bytes; resolves once the transport accepted them (drain), rejects if it can't. */
  protected abstract write(chunk: Uint8Array): Promise<void>
  /** Ends the response normally. */
  protected abstract end(): void | Promise<void>
  /** Cuts the connection: the response is broken and the client must see it. */
  protected abstract abort(reason: unknown): void

  readonly #options: BaseHostOptions
  #start = new ResponseStart()
  #environ: Environ | undefined
  #body: Body | undefined
  #iterator: Iterator<Uint8Array> | AsyncIterator<Uint8Array> | undefined
  #iteratorDone = false
  #writeUsed = false
  #noBody = false
  #declared: number | undefined
  #sent = 0
  #clientGone = false
  #done = false
  #closeStarted: Promise<void> | undefined
  #outputLock: Promise<unknown> = Promise.resolve()
  #abortWaiter: Promise<never> | undefined

  constructor(options: BaseHostOptions = {}) {
    this.#options = { date: true, ...options }
  }

  /** True once the client went away (`gateway.signal` fired). */
  protected get clientGone(): boolean {
    return this.#clientGone
  }

  /** True once the head was sent (or recorded). */
  get headSent(): boolean {
    return this.#start.headSent
  }

  /**
   * Runs `app` for `environ` to the end. Never rejects: application errors become a 500 or a
   * cut connection and are logged to `environ['wsgi.errors']`.
   */
  async run(app: Application, environ: Environ): Promise<void> {
    this.#environ = environ
    const signal = environ['gateway.signal'] as AbortSignal | undefined
    let onAbort: (() => void) | undefined
    if (signal) {
      this.#abortWaiter = new Promise<never>((_, reject) => {
        onAbort = () => {
          this.#clientGone = true
          reject(new ResponseError('GW-H14', 'The client went away before the response ended'))
          // Close now: a body waiting for events (server-sent events) learns it at once.
          void this.#closeBody()
        }
      })
      this.#abortWaiter.catch(() => undefined)
      if (signal.aborted) onAbort!()
      else signal.addEventListener('abort', onAbort!, { once: true })
    }
    try {
      await this.#respond(app, environ)
    } catch (error) {
      await this.#fail(error)
    } finally {
      if (signal && onAbort) signal.removeEventListener('abort', onAbort)
      await this.#closeBody()
    }
  }

  async #respond(app: Application, environ: Environ): Promise<void> {
    const startResponse: StartResponse = (status, headers, excInfo) => {
      this.#start.start(status, headers, excInfo)
      return this.#write
    }
    const result = app(environ, startResponse)
    let body: Body
    if (this.#abortWaiter && isPromise(result)) {
      try {
        body = await Promise.race([result, this.#abortWaiter])
      } catch (error) {
        // The client left while the application was still working: close its body when it comes.
        if (this.#clientGone) {
          result.then((late) => this.#closeLate(late)).catch(() => undefined)
          return
        }
        throw error
      }
    } else {
      body = await result
    }
    // Only an object can carry close(); a null or primitive body is refused just below.
    if (body !== null && (typeof body === 'object' || typeof body === 'function')) this.#body = body
    const iterator = bodyIterator(body)
    this.#iterator = iterator
    while (!this.#clientGone && !this.#done) {
      const next = iterator.next()
      const step =
        this.#abortWaiter && isPromise(next)
          ? await Promise.race([next, this.#abortWaiter])
          : await next
      if (step.done) {
        this.#iteratorDone = true
        break
      }
      const chunk: unknown = step.value
      if (!(chunk instanceof Uint8Array)) {
        throw new ResponseError(
          'GW-H09',
          `The response body yielded ${describe(chunk)}; yield Uint8Array chunks only ` +
            '(encode text with new TextEncoder().encode(text))',
        )
      }
      if (chunk.length === 0) continue
      if (!(await this.#output(chunk))) break
    }
    if (!this.#clientGone && !this.#done) await this.#finish()
  }

  // The application's legacy write(): the same path as body chunks, before them in order.
  readonly #write: Write = async (chunk: Uint8Array): Promise<void> => {
    if (!(chunk instanceof Uint8Array)) {
      throw new ResponseError(
        'GW-H14',
        `write() got ${describe(chunk)}; pass a Uint8Array (new TextEncoder().encode(text))`,
      )
    }
    if (this.#clientGone) {
      throw new ResponseError('GW-H14', 'write() was called after the client went away')
    }
    if (this.#done) {
      throw new ResponseError('GW-H14', 'write() was called after the response ended')
    }
    this.#writeUsed = true
    if (chunk.length > 0) await this.#output(chunk)
  }

  /** Sends one non-empty chunk (head first if due); false when no more body is wanted. */
  #output(chunk: Uint8Array): Promise<boolean> {
    const run = async (): Promise<boolean> => {
      if (this.#done || this.#clientGone) return false
      if (!this.#start.called) {
        throw new ResponseError(
          'GW-H11',
          'The application produced body bytes before calling startResponse(); call ' +
            'startResponse(status, headers) before the first chunk or write()',
        )
      }
      if (!this.#start.headSent) await this.#sendHead(false)
      if (this.#noBody) return false
      const declared = this.#declared
      if (declared !== undefined && this.#sent + chunk.length > declared) {
        const room = declared - this.#sent
        if (room > 0) {
          this.#sent += room
          await this.write(chunk.subarray(0, room))
        }
        const error = new ResponseError(
          'GW-H10',
          `The application sent more than its Content-Length of ${declared} bytes ` +
            `(${this.#sent - room + chunk.length} or more); the extra bytes were not sent and the ` +
            'connection was cut. Fix the Content-Length header or drop it',
        )
        // Logged and cut here, not by the caller: an application may swallow write()'s rejection.
        this.#log(error)
        this.#cut(error)
        throw error
      }
      this.#sent += chunk.length
      await this.write(chunk)
      return true
    }
    const result = this.#outputLock.then(run)
    this.#outputLock = result.catch(() => undefined)
    return result
  }

  async #finish(): Promise<void> {
    await this.#outputLock
    if (this.#done || this.#clientGone) return
    if (!this.#start.headSent) {
      if (!this.#start.called) {
        throw new ResponseError(
          'GW-H11',
          'The application returned its body without calling startResponse(); call ' +
            'startResponse(status, headers) before returning (or before the body ends)',
        )
      }
      await this.#sendHead(true)
    }
    if (this.#declared !== undefined && this.#sent < this.#declared) {
      const error = new ResponseError(
        'GW-H10',
        `The application declared Content-Length ${this.#declared} but sent ${this.#sent} ` +
          'bytes; the connection was cut so the client sees an incomplete response. Fix the ' +
          'Content-Length header or drop it',
      )
      this.#log(error)
      this.#cut(error)
      return
    }
    this.#done = true
    await this.end()
  }

  async #sendHead(ended: boolean): Promise<void> {
    const environ = this.#environ!
    const status = this.#start.status!
    const headers = this.#start.headers!.slice()
    const method = environ.REQUEST_METHOD
    const code = status.code
    this.#noBody = method === 'HEAD' || code < 200 || code === 204 || code === 304
    const noLengthHeader = code < 200 || code === 204
    let declared = declaredLength(headers)
    let framing: Framing
    if (declared === undefined && !noLengthHeader && !this.#writeUsed) {
      // Compute a length when it is known for free: a body of at most one chunk, or an ended
      // body that sent nothing (HEAD excepted: an app may skip the body for HEAD).
      const body = this.#body
      if (Array.isArray(body) && body.length <= 1 && body.every((c) => c instanceof Uint8Array)) {
        // An empty body says nothing of the length for HEAD or 304: 0 would be false there.
        if (body.length === 1) declared = (body[0] as Uint8Array).length
        else if (method !== 'HEAD' && code !== 304) declared = 0
      } else if (isFileBody(body)) {
        // A file's length is known from its range or its size: no chunked encoding needed.
        const { start = 0, end } = body.source
        const size = end !== undefined ? end + 1 : (await (await body.handle()).stat()).size
        declared = Math.max(0, size - start)
      } else if (ended && method !== 'HEAD' && code !== 304) {
        declared = 0
      }
      if (declared !== undefined) headers.push(['Content-Length', String(declared)])
    }
    if (this.#noBody) framing = 'none'
    else if (declared !== undefined) framing = 'length'
    else if (this.canChunk && httpAtLeast11(environ.SERVER_PROTOCOL)) framing = 'chunked'
    else framing = 'close'
    this.#declared = this.#noBody ? undefined : declared
    if (this.#options.date && !hasHeader(headers, 'date')) {
      headers.push(['Date', new Date().toUTCString()])
    }
    if (this.#options.server && !hasHeader(headers, 'server')) {
      headers.push(['Server', this.#options.server])
    }
    this.#start.markHeadSent()
    const head: ResponseHead = { status: code, reason: status.reason, headers, framing }
    if (framing === 'length') head.contentLength = declared
    await this.sendHead(head)
  }

  async #fail(error: unknown): Promise<void> {
    if (this.#clientGone) return // Nobody to answer; not the application's fault.
    if (this.#done) return
    this.#log(error)
    if (this.#start.headSent) {
      this.#cut(error)
      return
    }
    try {
      // A fresh state: the application's status and headers are discarded, internals unshown.
      this.#start = new ResponseStart()
      this.#start.start('500 Internal Server Error', [
        ['Content-Type', 'text/plain; charset=utf-8'],
        ['Content-Length', String(errorBody.length)],
      ])
      await this.#sendHead(false)
      if (!this.#noBody) {
        this.#sent = errorBody.length
        await this.write(errorBody)
      }
      this.#done = true
      await this.end()
    } catch (secondError) {
      if (!this.#clientGone) this.#cut(secondError)
    }
  }

  #cut(reason: unknown): void {
    if (this.#done) return
    this.#done = true
    try {
      this.abort(reason)
    } catch (error) {
      this.#log(error)
    }
  }

  #closeBody(): Promise<void> {
    if (this.#closeStarted) return this.#closeStarted
    const body = this.#body
    if (body === undefined || body === null) return Promise.resolve()
    this.#closeStarted = (async () => {
      const iterator = this.#iterator
      if (iterator && !this.#iteratorDone && typeof iterator.return === 'function') {
        // Not awaited: an async generator busy in next() would only run it afterwards.
        try {
          Promise.resolve(iterator.return()).catch((error: unknown) => this.#log(error))
        } catch (error) {
          this.#log(error)
        }
      }
      if (typeof body.close === 'function') {
        try {
          await body.close()
        } catch (error) {
          this.#log(error)
        }
      }
    })()
    return this.#closeStarted
  }

  async #closeLate(body: unknown): Promise<void> {
    if (this.#body !== undefined) return
    if (body && typeof (body as Body).close === 'function') {
      this.#body = body as Body
      await this.#closeBody()
    }
  }

  #log(error: unknown): void {
    const errors = this.#environ?.['wsgi.errors']
    const detail = error instanceof Error ? (error.stack ?? String(error)) : String(error)
    const where = this.#environ
      ? `${this.#environ.REQUEST_METHOD} ${this.#environ.SCRIPT_NAME}${this.#environ.PATH_INFO}`
      : 'request'
    try {
      errors?.write(`[gateway] ${where}: ${detail}\n`)
      errors?.flush()
    } catch {
      // An errors stream that throws must not turn a logged error into a crash.
    }
  }
}

function bodyIterator(body: unknown): Iterator<Uint8Array> | AsyncIterator<Uint8Array> {
  if (typeof body === 'string') {
    throw new ResponseError(
      'GW-H09',
      `The application returned a string (${describe(body)}) as its body; return an array of ` +
        'Uint8Array instead, e.g. [new TextEncoder().encode(text)]',
    )
  }
  if (ArrayBuffer.isView(body) || body instanceof ArrayBuffer) {
    throw new ResponseError(
      'GW-H09',
      'The application returned a bare Uint8Array (or ArrayBuffer) as its body, which would ' +
        'iterate numbers; wrap it in an array: [bytes]',
    )
  }
  const candidate = body as Partial<AsyncIterable<Uint8Array> & Iterable<Uint8Array>> | null
  if (candidate && typeof candidate[Symbol.asyncIterator] === 'function') {
    return candidate[Symbol.asyncIterator]!()
  }
  if (candidate && typeof candidate[Symbol.iterator] === 'function') {
    return candidate[Symbol.iterator]!()
  }
  throw new ResponseError(
    'GW-H09',
    `The application returned ${describe(body)} as its body; return an iterable or async ` +
      'iterable of Uint8Array chunks (an array, a generator, a ReadableStream)',
  )
}

function declaredLength(headers: ResponseHeaders): number | undefined {
  const values = headers.filter(([name]) => name.toLowerCase() === 'content-length')
  if (values.length === 0) return undefined
  const distinct = new Set(values.map(([, value]) => value.trim()))
  const [only] = distinct
  if (distinct.size !== 1 || !/^\d{1,15}$/.test(only!)) {
    throw new ResponseError(
      'GW-H10',
      `The application set Content-Length to ${values.map(([, v]) => JSON.stringify(v)).join(', ')}; ` +
        'set it once, to the body length in decimal digits, or leave it out',
    )
  }
  return Number(only)
}

function hasHeader(headers: ResponseHeaders, lowerName: string): boolean {
  return headers.some(([name]) => name.toLowerCase() === lowerName)
}

function httpAtLeast11(protocol: string): boolean {
  const match = /^HTTP\/(\d+)\.(\d+)$/.exec(protocol)
  if (!match) return false
  const major = Number(match[1])
  return major > 1 || (major === 1 && Number(match[2]) >= 1)
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function'
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `the string ${JSON.stringify(value.slice(0, 40))}`
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object') return `an object (${value.constructor?.name ?? 'Object'})`
  return `${typeof value} ${String(value)}`
}
