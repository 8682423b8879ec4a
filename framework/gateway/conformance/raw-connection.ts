/**
 * @module RawConnection: one TCP connection to the host under test, speaking bytes, so a check
 * sees exact framing, stray bytes and connection cuts. Every wait has a deadline: a hung host
 * fails the check with a reason instead of hanging the suite.
 */
import { connect } from 'node:net'
import type { Socket } from 'node:net'
import { ConformanceFailure } from './conformance-failure.ts'
import { parseResponse, quote } from './response-parser.ts'
import type { RawResponse } from './response-parser.ts'

/** Where a base URL points, split for raw requests. */
export interface Target {
  host: string
  port: number
  /** The Host header's value, e.g. `127.0.0.1:8000`. */
  authority: string
  /** The URL's path without its trailing '/', prepended to every probe path ('' at the root). */
  prefix: string
}

/**
 * A raw connection. Bytes accumulate in `received`; `readResponse()` parses the next response
 * from where the previous one ended.
 *
 * @example
 * ```ts
 * const connection = await RawConnection.open(target, 5000)
 * connection.write(`GET /ok HTTP/1.1\r\nHost: x\r\n\r\n`)
 * const response = await connection.readResponse()
 * connection.destroy()
 * ```
 */
export class RawConnection {
  #socket: Socket
  #timeoutMs: number
  #chunks: Buffer[] = []
  #received = Buffer.alloc(0)
  #offset = 0
  #closed = false
  #waiters = new Set<() => void>()
  /** Milliseconds since open() at which each data event arrived, with its size. */
  readonly arrivals: { at: number; bytes: number }[] = []
  readonly #openedAt = Date.now()

  private constructor(socket: Socket, timeoutMs: number) {
    this.#socket = socket
    this.#timeoutMs = timeoutMs
    socket.on('data', (chunk: Buffer) => {
      this.#chunks.push(chunk)
      this.arrivals.push({ at: Date.now() - this.#openedAt, bytes: chunk.length })
      this.#notify()
    })
    // A reset is a cut like any other for the checks: record it, never let it throw.
    socket.on('error', () => {})
    socket.on('close', () => {
      this.#closed = true
      this.#notify()
    })
  }

  /** Connects with a deadline. */
  static open(target: Target, timeoutMs: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: target.host, port: target.port })
      const timer = setTimeout(() => {
        socket.destroy()
        reject(
          new ConformanceFailure(
            `could not connect to ${target.host}:${target.port} within ${timeoutMs} ms`,
          ),
        )
      }, timeoutMs)
      socket.once('connect', () => {
        clearTimeout(timer)
        resolve(new RawConnection(socket, timeoutMs))
      })
      socket.once('error', (error) => {
        clearTimeout(timer)
        reject(
          new ConformanceFailure(
            `could not connect to ${target.host}:${target.port}: ${error.message}`,
          ),
        )
      })
    })
  }

  /** Every byte received so far. */
  get received(): Buffer {
    if (this.#chunks.length > 0) {
      this.#received = Buffer.concat([this.#received, ...this.#chunks])
      this.#chunks = []
    }
    return this.#received
  }

  /** Bytes received after the last response readResponse() returned. */
  get unread(): Buffer {
    return this.received.subarray(this.#offset)
  }

  /** True once the host closed (or reset) the connection. */
  get closed(): boolean {
    return this.#closed
  }

  /** Sends bytes (a string is sent as latin-1, so '\xe9' is the byte 0xE9). */
  write(data: string | Uint8Array): void {
    if (!this.#socket.destroyed)
      this.#socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data)
  }

  /** Stops reading from the socket, so the host's writes back up (the slow client). */
  pause(): void {
    this.#socket.pause()
  }

  /** Reads again after pause(). */
  resume(): void {
    this.#socket.resume()
  }

  /** Cuts the connection from the client's side (the client that goes away). */
  destroy(): void {
    this.#socket.destroy()
  }

  /**
   * Waits until `ready()` holds, re-checking on every data or close event. Fails with `what` in
   * the reason after the deadline.
   */
  async waitUntil(ready: () => boolean, what: string, timeoutMs = this.#timeoutMs): Promise<void> {
    if (ready()) return
    await new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (!ready()) return
        done()
        resolve()
      }
      const timer = setTimeout(() => {
        done()
        reject(
          new ConformanceFailure(
            `timed out after ${timeoutMs} ms waiting for ${what}; received so far ${quote(this.received)}${this.#closed ? ' (connection closed)' : ''}`,
          ),
        )
      }, timeoutMs)
      const done = (): void => {
        clearTimeout(timer)
        this.#waiters.delete(check)
      }
      this.#waiters.add(check)
    })
  }

  /** Waits until the host closes the connection; false if it is still open at the deadline. */
  async waitForClose(timeoutMs = this.#timeoutMs): Promise<boolean> {
    try {
      await this.waitUntil(() => this.#closed, 'the connection to close', timeoutMs)
      return true
    } catch {
      return false
    }
  }

  /**
   * Reads the next response. Interim 1xx responses (100 Continue) are skipped unless
   * `keepInterim` is set. Fails when the bytes are not HTTP or nothing complete arrives in time.
   */
  async readResponse(
    options: { head?: boolean; keepInterim?: boolean; timeoutMs?: number } = {},
  ): Promise<RawResponse> {
    for (;;) {
      let result = parseResponse(this.received, this.#offset, {
        head: options.head ?? false,
        closed: this.#closed,
      })
      if (result.state === 'incomplete') {
        await this.waitUntil(
          () =>
            parseResponse(this.received, this.#offset, {
              head: options.head ?? false,
              closed: this.#closed,
            }).state !== 'incomplete',
          'a complete response',
          options.timeoutMs,
        )
        result = parseResponse(this.received, this.#offset, {
          head: options.head ?? false,
          closed: this.#closed,
        })
      }
      if (result.state === 'invalid')
        throw new ConformanceFailure(`unparsable response: ${result.reason}`)
      if (result.state !== 'done') continue
      this.#offset = result.end
      const { response } = result
      if (response.status >= 100 && response.status < 200 && !options.keepInterim) continue
      return response
    }
  }

  #notify(): void {
    for (const waiter of [...this.#waiters]) waiter()
  }
}

/** Splits a base URL into a raw-socket target; only http: is supported over raw sockets. */
export function targetOf(url: URL): Target {
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: Number(url.port || 80),
    authority: url.host,
    prefix: url.pathname.replace(/\/+$/, ''),
  }
}

/**
 * Builds request bytes: a request line, a Host header, the given headers in order and an
 * optional body. Strings go on the wire as latin-1.
 */
export function rawRequest(
  target: Target,
  method: string,
  path: string,
  headers: [string, string][] = [],
  body = '',
  version = 'HTTP/1.1',
): string {
  const lines = [`${method} ${target.prefix}${path} ${version}`, `Host: ${target.authority}`]
  for (const [name, value] of headers) lines.push(`${name}: ${value}`)
  return `${lines.join('\r\n')}\r\n\r\n${body}`
}
