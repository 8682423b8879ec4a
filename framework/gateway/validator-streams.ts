/**
 * @module The validator's wrappers around wsgi.input and wsgi.errors (docs/gateway.md,
 * "wsgi.input" and "wsgi.errors"): they check how the application uses each stream and what the
 * server's input returns, and otherwise pass every call straight through.
 */
import type { GatewayErrors, GatewayInput } from './contract.ts'
import { GatewayValidationError } from './gateway-validation-error.ts'
import { describe } from './validator-environ.ts'

/** Reports a server-side violation on wsgi.errors first (the app may swallow the throw), then throws. */
export type ServerFault = (error: GatewayValidationError) => never

/**
 * Wraps wsgi.input. `contentLength` is the environ's CONTENT_LENGTH as a number, or undefined
 * when the body's length is not known in advance (chunked).
 *
 * @example
 * ```ts
 * const input = checkedInput(environ['wsgi.input'], 12, serverFault)
 * ```
 */
export function checkedInput(
  inner: GatewayInput,
  contentLength: number | undefined,
  serverFault: ServerFault,
): GatewayInput {
  let busy = false
  let ended = false
  let total = 0

  function checkSize(method: string, size: unknown): void {
    if (size !== undefined && !Number.isInteger(size)) {
      throw new GatewayValidationError(
        'GW-A02',
        `wsgi.input.${method}(${describe(size)}); pass an integer (or nothing, for all that is left).`,
      )
    }
  }

  function account(method: string, chunk: unknown, asked: number | undefined): Uint8Array {
    if (!(chunk instanceof Uint8Array)) {
      serverFault(
        new GatewayValidationError(
          'GW-S23',
          `wsgi.input.${method}() resolved to ${describe(chunk)}; resolve to a Uint8Array.`,
        ),
      )
    }
    if (asked !== undefined && asked >= 0 && chunk.byteLength > asked) {
      serverFault(
        new GatewayValidationError(
          'GW-S24',
          `wsgi.input.${method}(${asked}) returned ${chunk.byteLength} bytes; return at most the size asked for.`,
        ),
      )
    }
    if (chunk.byteLength > 0 && ended) {
      serverFault(
        new GatewayValidationError(
          'GW-S25',
          `wsgi.input.${method}() returned ${chunk.byteLength} bytes after it had returned an empty chunk (the end); once ended, resolve every read to an empty Uint8Array.`,
        ),
      )
    }
    // Why: read(0) and readline(0) legitimately return nothing without meaning "the end".
    if (chunk.byteLength === 0 && asked !== 0) ended = true
    total += chunk.byteLength
    if (contentLength !== undefined && total > contentLength) {
      serverFault(
        new GatewayValidationError(
          'GW-S26',
          `wsgi.input returned ${total} bytes in all but CONTENT_LENGTH is ${contentLength}; stop reading the socket at CONTENT_LENGTH.`,
        ),
      )
    }
    return chunk
  }

  function checkLine(method: string, line: Uint8Array): void {
    const newline = line.indexOf(0x0a)
    if (newline >= 0 && newline !== line.byteLength - 1) {
      serverFault(
        new GatewayValidationError(
          'GW-S24',
          `wsgi.input.${method}() returned bytes past the first '\\n' (at ${newline} of ${line.byteLength}); return one line at a time and keep the rest for the next read.`,
        ),
      )
    }
  }

  /** One call at a time: a second read while the first is pending would race for the same bytes. */
  async function serial<T>(method: string, call: () => Promise<T>): Promise<T> {
    if (busy) {
      throw new GatewayValidationError(
        'GW-A03',
        `wsgi.input.${method}() was called while another read was still pending; await each read before the next.`,
      )
    }
    busy = true
    try {
      return await call()
    } finally {
      busy = false
    }
  }

  return {
    read(size?: number) {
      checkSize('read', size)
      return serial('read', async () => account('read', await inner.read(size), size))
    },
    readline(size?: number) {
      checkSize('readline', size)
      return serial('readline', async () => {
        const line = account('readline', await inner.readline(size), size)
        checkLine('readline', line)
        return line
      })
    },
    readlines(hint?: number) {
      checkSize('readlines', hint)
      return serial('readlines', async () => {
        const lines: unknown = await inner.readlines(hint)
        if (!Array.isArray(lines)) {
          serverFault(
            new GatewayValidationError(
              'GW-S23',
              `wsgi.input.readlines() resolved to ${describe(lines)}; resolve to an array of Uint8Array lines.`,
            ),
          )
        }
        for (const line of lines) checkLine('readlines', account('readlines', line, undefined))
        // Why: readlines reads to the end (or the hint); an empty array is no evidence of the end.
        return lines as Uint8Array[]
      })
    },
    [Symbol.asyncIterator]() {
      const iterator = inner[Symbol.asyncIterator]()
      return {
        next: () =>
          serial('[Symbol.asyncIterator]().next', async () => {
            const step = await iterator.next()
            if (!step.done) account('[Symbol.asyncIterator]().next', step.value, undefined)
            return step
          }),
        return: async (value?: unknown) => {
          await iterator.return?.(value)
          return { done: true as const, value: undefined }
        },
        [Symbol.asyncIterator]() {
          return this
        },
      }
    },
  }
}

/**
 * Wraps wsgi.errors: only strings go through (PEP 3333's errors stream is a text stream).
 *
 * @example
 * ```ts
 * const errors = checkedErrors(environ['wsgi.errors'])
 * errors.write('disk almost full\n')
 * ```
 */
export function checkedErrors(inner: GatewayErrors): GatewayErrors {
  function check(method: string, text: unknown): string {
    if (typeof text !== 'string') {
      throw new GatewayValidationError(
        'GW-A04',
        `wsgi.errors.${method}() got ${describe(text)}; pass text (String(value), or error.stack for an Error).`,
      )
    }
    return text
  }
  return {
    write(text: string) {
      inner.write(check('write', text))
    },
    writelines(texts: Iterable<string>) {
      if (
        typeof texts !== 'object' ||
        texts === null ||
        typeof (texts as Iterable<string>)[Symbol.iterator] !== 'function'
      ) {
        throw new GatewayValidationError(
          'GW-A04',
          `wsgi.errors.writelines() got ${describe(texts)}; pass an iterable of strings, e.g. an array.`,
        )
      }
      inner.writelines([...texts].map((text) => check('writelines', text)))
    },
    flush() {
      inner.flush()
    },
  }
}
