/**
 * @module The pull side of one connection: request heads and body bytes, on demand. Written from
 * docs/gateway.md alone (an outsider's server); the socket is paused while enough is buffered, so
 * an application that does not read its input slows the client down instead of filling memory.
 */
import type { Socket } from 'node:net'

const highWaterMark = 256 * 1024

export class SocketReader {
  private buffer: Buffer = Buffer.alloc(0)
  private ended = false
  private waiter: (() => void) | undefined

  constructor(private readonly socket: Socket) {
    socket.on('data', (data: Buffer) => {
      this.buffer = this.buffer.length ? Buffer.concat([this.buffer, data]) : data
      if (this.buffer.length > highWaterMark) socket.pause()
      this.wake()
    })
    const end = () => {
      this.ended = true
      this.wake()
    }
    socket.on('end', end)
    socket.on('close', end)
    socket.on('error', end)
  }

  get closed(): boolean {
    return this.ended
  }

  /** Bytes up to the blank line ending a head; null at a clean end; 'too-large' past `limit`. */
  async readHead(limit: number): Promise<Buffer | null | 'too-large' | 'truncated'> {
    for (;;) {
      // RFC 9112 §2.2: ignore empty lines before a request-line.
      while (this.buffer.length >= 2 && this.buffer[0] === 13 && this.buffer[1] === 10)
        this.buffer = this.buffer.subarray(2)
      const end = this.buffer.indexOf('\r\n\r\n')
      if (end >= 0) return this.take(end + 4).subarray(0, end)
      if (this.buffer.length > limit) return 'too-large'
      if (this.ended) return this.buffer.length ? 'truncated' : null
      await this.wait()
    }
  }

  /** One CRLF-terminated line without its CRLF (a chunk-size or trailer line); throws past `limit`. */
  async readLine(limit: number): Promise<string> {
    for (;;) {
      const end = this.buffer.indexOf('\r\n')
      if (end >= 0)
        return this.take(end + 2)
          .subarray(0, end)
          .toString('latin1')
      if (this.buffer.length > limit) throw new Error('a chunked body line is too long')
      if (this.ended) throw new Error('the client closed the connection before the body ended')
      await this.wait()
    }
  }

  /** Between 1 and `max` bytes; rejects when the peer left first. */
  async readSome(max: number): Promise<Buffer> {
    while (this.buffer.length === 0) {
      if (this.ended) throw new Error('the client closed the connection before the body ended')
      await this.wait()
    }
    return this.take(Math.min(max, this.buffer.length))
  }

  private take(count: number): Buffer {
    const taken = this.buffer.subarray(0, count)
    this.buffer = this.buffer.subarray(count)
    if (this.buffer.length <= highWaterMark && this.socket.isPaused()) this.socket.resume()
    return taken
  }

  private wait(): Promise<void> {
    if (this.buffer.length <= highWaterMark) this.socket.resume()
    return new Promise((resolve) => (this.waiter = resolve))
  }

  private wake(): void {
    const waiter = this.waiter
    this.waiter = undefined
    waiter?.()
  }
}
