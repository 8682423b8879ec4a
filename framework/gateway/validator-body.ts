/**
 * @module The validator's body checks (docs/gateway.md, "The body"): what the application returns,
 * what each chunk is, and how the server consumes it (one pull at a time, close() once, nothing
 * after close()). The wrapper keeps the body's shape: an array stays an array (so a server can
 * still compute Content-Length for a one-element body), an iterable stays sync, an async iterable
 * stays async.
 */
import type { Body } from './contract.ts'
import { GatewayValidationError } from './gateway-validation-error.ts'
import { describe } from './validator-environ.ts'
import { accountEnd, accountOutput } from './validator-response.ts'
import type { ResponseState } from './validator-response.ts'
import type { ServerFault } from './validator-streams.ts'

type Closable = { close?(): void | Promise<void> }

/** Throws the matching GW-A18…A21 unless `value` has the shape of a Body. */
export function checkBodyShape(value: unknown): asserts value is Body {
  if (typeof value === 'string') {
    throw new GatewayValidationError(
      'GW-A18',
      `the application returned the string ${describe(value)}; return [new TextEncoder().encode(text)] (a string would be sent one character at a time).`,
    )
  }
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) {
    throw new GatewayValidationError(
      'GW-A19',
      `the application returned ${describe(value)} itself; wrap it in an array: return [bytes] (a bare Uint8Array iterates numbers).`,
    )
  }
  const object = value as Record<PropertyKey, unknown> | null
  if (
    typeof object !== 'object' ||
    object === null ||
    (typeof object[Symbol.iterator] !== 'function' &&
      typeof object[Symbol.asyncIterator] !== 'function')
  ) {
    throw new GatewayValidationError(
      'GW-A20',
      `the application returned ${describe(value)}; return an iterable or async iterable of Uint8Array, e.g. [bytes] or an async generator.`,
    )
  }
  if (object.close !== undefined && typeof object.close !== 'function') {
    throw new GatewayValidationError(
      'GW-A21',
      `the body's close is ${describe(object.close)}; make it a method, or leave it out.`,
    )
  }
}

function checkChunk(chunk: unknown, index: number): Uint8Array {
  if (!(chunk instanceof Uint8Array)) {
    throw new GatewayValidationError(
      'GW-A22',
      `chunk #${index} of the body is ${describe(chunk)}; yield Uint8Array chunks only (new TextEncoder().encode(text) for text).`,
    )
  }
  return chunk
}

/**
 * Wraps a body whose shape checkBodyShape accepted. Chunks are checked as the server pulls them;
 * an array body is checked at once (it is complete already), and stays an array.
 *
 * @example
 * ```ts
 * checkBodyShape(returned)
 * return checkedBody(returned, state, serverFault)
 * ```
 */
export function checkedBody(body: Body, state: ResponseState, serverFault: ServerFault): Body {
  let closeCalls = 0
  let finished = false
  let index = 0
  let iterator: Iterator<unknown> | AsyncIterator<unknown> | undefined
  /** An async pull is in flight. */
  let pulling = false

  function finish(): void {
    if (finished) return
    finished = true
    state.ended = true
    accountEnd(state)
  }

  function step(result: IteratorResult<unknown>): IteratorResult<Uint8Array> {
    if (result.done) {
      finish()
      return { done: true, value: undefined }
    }
    const chunk = checkChunk(result.value, index++)
    accountOutput(state, chunk.byteLength, `chunk #${index - 1} of the body`)
    return { done: false, value: chunk }
  }

  function checkOpen(): void {
    if (closeCalls > 0) {
      serverFault(
        new GatewayValidationError(
          'GW-S31',
          'the server pulled a chunk from the body after calling close(); stop iterating once close() was called.',
        ),
      )
    }
  }

  /**
   * Ends an unfinished inner iterator, once. While a pull is in flight the result is not awaited:
   * an async generator runs return() only after its current step, which may be waiting for an
   * event that never comes (the host does the same).
   */
  function endIterator(): unknown {
    const inner = iterator
    const wasFinished = finished
    finished = true
    if (!inner || wasFinished || typeof inner.return !== 'function') return undefined
    const result: unknown = inner.return()
    if (pulling && result instanceof Promise) {
      result.catch(() => undefined)
      return undefined
    }
    return result
  }

  function close(): void | Promise<void> {
    if (closeCalls++ > 0) {
      serverFault(
        new GatewayValidationError(
          'GW-S30',
          `the server called the body's close() ${closeCalls} times; call it exactly once.`,
        ),
      )
    }
    state.ended = true
    // Why: a generator body has no close(); ending its iterator is how its finally blocks run.
    const pending: unknown[] = [endIterator()]
    pending.push((body as Closable).close?.())
    if (pending.some((value) => value instanceof Promise))
      return Promise.all(pending).then(() => undefined)
  }

  if (Array.isArray(body)) {
    // Why: an array is already complete, so everything about it is known now; checking it eagerly
    // keeps it an array, which a server needs to compute Content-Length for a one-element body.
    const chunks = body.map((chunk, at) => checkChunk(chunk, at))
    for (const [at, chunk] of chunks.entries())
      accountOutput(state, chunk.byteLength, `chunk #${at} of the body`)
    finish()
    Object.defineProperty(chunks, Symbol.iterator, {
      value: function* () {
        for (const chunk of Array.prototype.values.call(chunks)) {
          checkOpen()
          yield chunk
        }
      },
    })
    Object.defineProperty(chunks, 'close', { value: close })
    return chunks as Body
  }

  const wrapper: Record<PropertyKey, unknown> = { close }
  const source = body as Partial<Iterable<unknown> & AsyncIterable<unknown>>
  const syncIterable = source[Symbol.iterator]
  const asyncIterable = source[Symbol.asyncIterator]
  if (typeof syncIterable === 'function') {
    wrapper[Symbol.iterator] = () => ({
      next(): IteratorResult<Uint8Array> {
        checkOpen()
        iterator ??= syncIterable.call(source)
        return step((iterator as Iterator<unknown>).next())
      },
      return(): IteratorResult<Uint8Array> {
        // A for...of that stops early ends the inner iterator too; close() still follows.
        endIterator()
        return { done: true, value: undefined }
      },
    })
  }
  if (typeof asyncIterable === 'function') {
    wrapper[Symbol.asyncIterator] = () => ({
      async next(): Promise<IteratorResult<Uint8Array>> {
        checkOpen()
        if (pulling) {
          serverFault(
            new GatewayValidationError(
              'GW-S29',
              'the server asked for the next chunk before the previous one arrived; await each next() (and the socket write) before pulling again.',
            ),
          )
        }
        pulling = true
        try {
          iterator ??= asyncIterable.call(source)
          return step(await iterator.next())
        } finally {
          pulling = false
        }
      },
      async return(): Promise<IteratorResult<Uint8Array>> {
        await endIterator()
        return { done: true, value: undefined }
      },
    })
  }
  return wrapper as unknown as Body
}
