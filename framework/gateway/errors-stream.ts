/**
 * @module ErrorsStream: the host side of `wsgi.errors`, a text stream that writes to a Writable
 * (process.stderr, a log file), to a callback, or, given nothing, to memory (like wsgiref's
 * StringIO) so a test can read what the application logged.
 */
import type { GatewayErrors } from './contract.ts'

/** Where an `ErrorsStream` sends its text: anything with `write(text)` or a plain callback. */
export type ErrorsTarget = { write(text: string): unknown } | ((text: string) => void)

/**
 * `wsgi.errors` over a target. Accepts any text (non-strings are converted with `String()`, so a
 * careless `write(error)` still logs something rather than throwing inside an error path).
 *
 * @example
 * ```ts
 * import { ErrorsStream } from 'framework/gateway'
 *
 * const toStderr = new ErrorsStream(process.stderr)
 * const inMemory = new ErrorsStream()
 * inMemory.write('boom\n')
 * inMemory.text // 'boom\n'
 * ```
 */
export class ErrorsStream implements GatewayErrors {
  readonly #target: ErrorsTarget | undefined
  #text = ''

  /** @param target where text goes; omitted: kept in memory and readable as `text`. */
  constructor(target?: ErrorsTarget) {
    this.#target = target
  }

  /** Everything written so far, when the stream writes to memory ('' otherwise). */
  get text(): string {
    return this.#text
  }

  write(text: string): void {
    const value = typeof text === 'string' ? text : String(text)
    const target = this.#target
    if (target === undefined) this.#text += value
    else if (typeof target === 'function') target(value)
    else target.write(value)
  }

  writelines(texts: Iterable<string>): void {
    for (const text of texts) this.write(text)
  }

  flush(): void {
    // Writables flush on their own; a target with a flush() of its own gets it called.
    const target = this.#target as { flush?: unknown } | undefined
    if (target && typeof target.flush === 'function') (target.flush as () => void)()
  }
}
