/**
 * @module wsgi.file_wrapper: a file (or a byte range of it) as a Body. It iterates in blocks like
 * any body, so middleware that wraps it keeps working, and it is a `FileBody` a host may
 * recognise (`isFileBody`) to send the file by a faster path.
 */
import { open } from 'node:fs/promises'
import type { FileHandle } from 'node:fs/promises'
import type { Body, FileWrapper, FileWrapperSource } from './contract.ts'

/** The default block size: 64 KiB, the size node's file streams read. */
export const defaultBlockSize = 65_536

/**
 * A file as a response body: reads `[start, end]` (inclusive) in `blockSize` blocks, each only
 * when the host asks for it. `close()` closes the handle (also one handed in).
 *
 * @example
 * ```ts
 * import { FileBody } from 'framework/gateway'
 *
 * startResponse('200 OK', [['Content-Type', 'application/pdf']])
 * return new FileBody({ file: '/srv/files/report.pdf' })
 * ```
 */
export class FileBody implements AsyncIterable<Uint8Array> {
  /** The file and range, as given. */
  readonly source: Readonly<FileWrapperSource>
  /** Bytes per chunk. */
  readonly blockSize: number
  #handle: FileHandle | undefined
  #closed = false

  constructor(source: FileWrapperSource, blockSize = defaultBlockSize) {
    if (!Number.isInteger(blockSize) || blockSize <= 0) {
      throw new RangeError(
        `wsgi.file_wrapper got the block size ${blockSize}; pass a positive integer`,
      )
    }
    const { start = 0, end } = source
    if (
      !Number.isInteger(start) ||
      start < 0 ||
      (end !== undefined && (!Number.isInteger(end) || end < start - 1))
    ) {
      throw new RangeError(
        `wsgi.file_wrapper got the range start=${start} end=${end}; pass integers with 0 <= start <= end + 1`,
      )
    }
    this.source = Object.freeze({ ...source })
    this.blockSize = blockSize
    if (typeof source.file !== 'string') this.#handle = source.file
  }

  /** The open handle (opening the path on first use). */
  async handle(): Promise<FileHandle> {
    if (this.#closed) throw new Error('This file body was closed; a body is sent once')
    this.#handle ??= await open(this.source.file as string, 'r')
    return this.#handle
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    const handle = await this.handle()
    let position = this.source.start ?? 0
    const last = this.source.end ?? (await handle.stat()).size - 1
    while (position <= last) {
      const size = Math.min(this.blockSize, last - position + 1)
      const buffer = new Uint8Array(size)
      const { bytesRead } = await handle.read(buffer, 0, size, position)
      if (bytesRead === 0) return // The file shrank; the host's Content-Length check reports it.
      position += bytesRead
      yield bytesRead === size ? buffer : buffer.subarray(0, bytesRead)
    }
  }

  /** Closes the file. Safe to call more than once. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    const handle = this.#handle
    this.#handle = undefined
    await handle?.close()
  }
}

/**
 * The `wsgi.file_wrapper` every host of this folder offers.
 *
 * @example
 * ```ts
 * const wrapper = environ['wsgi.file_wrapper']
 * if (wrapper) return wrapper({ file: path, start: 0, end: 1023 })
 * ```
 */
export const fileWrapper: FileWrapper = (source, blockSize) => new FileBody(source, blockSize)

/**
 * True when `body` came from `fileWrapper` (unwrapped), so a host may send the file directly.
 *
 * @example
 * ```ts
 * import { isFileBody } from 'framework/gateway'
 *
 * if (isFileBody(body)) console.log(body.source.file)
 * ```
 */
export function isFileBody(body: Body | unknown): body is FileBody {
  return body instanceof FileBody
}
