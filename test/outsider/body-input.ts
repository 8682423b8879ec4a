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

  constructor(
    private readonly reader: SocketReader,
    private remaining: number,
    private readonly onFirstRead: () => void,
    private readonly signal: AbortSignal,
  ) {}

  /** Bytes the application left unread; the server discards them before the next request. */
  get unread(): number {
    return this.remaining + this.pending.byteLength
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
    if (this.signal.aborted) throw new Error('the request was aborted', { cause: this.signal.reason })
    if (this.firstRead) {
      this.firstRead = false
      this.onFirstRead()
    }
    if (this.pending.byteLength > 0) {
      const chunk = this.pending.subarray(0, max)
      this.pending = this.pending.subarray(chunk.byteLength)
      return chunk
    }
    if (this.remaining === 0 || max === 0) return empty
    const chunk = await this.reader.readSome(Math.min(max, this.remaining))
    this.remaining -= chunk.byteLength
    return chunk
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
  if (!Number.isInteger(size)) throw new TypeError(`wsgi.input: size must be an integer, got ${size}`)
  return size
}
