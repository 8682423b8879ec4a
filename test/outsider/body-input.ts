/**
 * @module wsgi.input as docs/gateway.md's "wsgi.input" section describes it: read, readline,
 * readlines and async iteration sharing one position, never past CONTENT_LENGTH, empty forever
 * once the body ended, rejecting after the client left.
 */
import type { SocketReader } from './socket-reader.ts'

const empty = new Uint8Array(0)

export class BodyInput implements AsyncIterable<Uint8Array> {
  private pending: Uint8Array = empty // bytes read ahead by readline()
  private busy = false
  private firstRead = true
  private chunkedEnded = false
  private received = 0
  /** Set when a chunked body outgrew `limit`: the server then answers 413 rather than 500. */
  tooLarge = false

  /** `length` undefined means a chunked body, decoded here (RFC 9112 §7.1). */
  constructor(
    private readonly reader: SocketReader,
    private readonly length: number | undefined,
    private readonly limit: number,
    private readonly onFirstRead: () => void,
    private readonly signal: AbortSignal,
  ) {
    this.remaining = length ?? 0
  }
  private remaining: number

  /** Reads and drops what the application left unread, up to `max` bytes; false past that. */
  async discard(max: number): Promise<boolean> {
    let dropped = 0
    for (;;) {
      const chunk = await this.read(Math.min(64 * 1024, max - dropped + 1))
      if (chunk.byteLength === 0) return true
      dropped += chunk.byteLength
      if (dropped > max) return false
    }
  }

  read(size?: number): Promise<Uint8Array> {
    return this.exclusive(async () => {
      const limit = checkSize(size)
      const parts: Uint8Array[] = []
      let total = 0
      while (limit < 0 || total < limit) {
        const chunk = await this.pull(limit < 0 ? Infinity : limit - total)
        if (chunk.byteLength === 0) break
        parts.push(chunk)
        total += chunk.byteLength
      }
      return Buffer.concat(parts)
    })
  }

  readline(size?: number): Promise<Uint8Array> {
    return this.exclusive(() => this.line(checkSize(size)))
  }

  readlines(hint?: number): Promise<Uint8Array[]> {
    return this.exclusive(async () => {
      const limit = checkSize(hint)
      const lines: Uint8Array[] = []
      let total = 0
      for (;;) {
        const line = await this.line(-1)
        if (line.byteLength === 0) return lines
        lines.push(line)
        total += line.byteLength
        if (limit > 0 && total >= limit) return lines
      }
    })
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    for (;;) {
      const chunk = await this.exclusive(() => this.pull(Infinity))
      if (chunk.byteLength === 0) return
      yield chunk
    }
  }

  private async line(limit: number): Promise<Uint8Array> {
    const parts: Uint8Array[] = []
    let total = 0
    while (limit < 0 || total < limit) {
      const chunk = await this.pull(limit < 0 ? Infinity : limit - total)
      if (chunk.byteLength === 0) break
      const newline = chunk.indexOf(10)
      if (newline >= 0 && newline + 1 < chunk.byteLength) {
        this.pending = chunk.subarray(newline + 1) // read ahead: the next call gets it first
        parts.push(chunk.subarray(0, newline + 1))
        break
      }
      parts.push(chunk)
      total += chunk.byteLength
      if (newline >= 0) break
    }
    return Buffer.concat(parts)
  }

  /** Up to `max` bytes: what readline() read ahead first, then the socket, never past the body. */
  private async pull(max: number): Promise<Uint8Array> {
    if (this.signal.aborted)
      throw new Error('the request was aborted', { cause: this.signal.reason })
    if (this.firstRead) {
      this.firstRead = false
      this.onFirstRead()
    }
    if (this.pending.byteLength > 0) {
      const chunk = this.pending.subarray(0, max)
      this.pending = this.pending.subarray(chunk.byteLength)
      return chunk
    }
    if (max === 0) return empty
    if (this.remaining === 0 && (this.length !== undefined || !(await this.nextChunk())))
      return empty
    const chunk = await this.reader.readSome(Math.min(max, this.remaining))
    this.remaining -= chunk.byteLength
    if (this.length === undefined && this.remaining === 0 && (await this.reader.readLine(2)) !== '')
      throw new Error('a chunk of the request body is not followed by CRLF')
    return chunk
  }

  /** Reads the next chunk-size line; false at the last chunk (its trailers are read and dropped). */
  private async nextChunk(): Promise<boolean> {
    if (this.chunkedEnded) return false
    const line = await this.reader.readLine(4096)
    const size = /^([0-9A-Fa-f]{1,8})[ \t]*(;.*)?$/.exec(line)?.[1]
    if (size === undefined) throw new Error(`malformed chunk-size line ${JSON.stringify(line)}`)
    this.remaining = parseInt(size, 16)
    this.received += this.remaining
    if (this.received > this.limit) {
      this.tooLarge = true
      throw new Error(`the request body exceeds the server's limit of ${this.limit} bytes`)
    }
    if (this.remaining > 0) return true
    while ((await this.reader.readLine(16 * 1024)) !== '') {} // trailer fields: not in the environ
    this.chunkedEnded = true
    return false
  }

  /** Two reads in flight would race for the same bytes (GW-A03): refuse the second. */
  private async exclusive<T>(call: () => Promise<T>): Promise<T> {
    if (this.busy) throw new Error('wsgi.input: await each read before starting the next')
    this.busy = true
    try {
      return await call()
    } finally {
      this.busy = false
    }
  }
}

function checkSize(size: number | undefined): number {
  if (size === undefined) return -1
  if (!Number.isInteger(size))
    throw new TypeError(`wsgi.input: size must be an integer, got ${size}`)
  return size
}
