/**
 * @module A minimal SMTP client (RFC 5321) on node:net and node:tls: EHLO (HELO as fallback),
 * STARTTLS or implicit TLS, AUTH PLAIN (or LOGIN when PLAIN is not offered), MAIL FROM, RCPT TO,
 * DATA with dot-stuffing, QUIT. No pipelining, no SMTPUTF8, no 8BITMIME (messages are 7-bit:
 * quoted-printable bodies and encoded-word headers).
 */
import { isIP, connect as netConnect, type Socket } from 'node:net'
import { connect as tlsConnect, type TLSSocket } from 'node:tls'
import { hostname } from 'node:os'

/** Where and how to connect. */
export interface SmtpOptions {
  host: string
  port: number
  username?: string
  password?: string
  /** STARTTLS after EHLO. */
  useTls?: boolean
  /** TLS from the first byte (port 465). */
  useSsl?: boolean
  /** Milliseconds for the connection and each reply. */
  timeoutMs?: number
  /** Passed to tls.connect (tests use `{ rejectUnauthorized: false }` for a self-signed server). */
  tlsOptions?: Record<string, unknown>
}

/** The server refused, or the connection failed. */
export class SmtpError extends Error {
  override name = 'SmtpError'
  readonly code = 'mail.E002'
  /** The SMTP reply code, 0 when the connection itself failed. */
  readonly replyCode: number
  constructor(message: string, replyCode = 0, options?: { cause?: unknown }) {
    super(message, options)
    this.replyCode = replyCode
  }
}

interface Reply {
  code: number
  lines: string[]
}

/** One SMTP session over a socket: reads replies line by line, writes commands. */
class SmtpConnection {
  #socket: Socket | TLSSocket
  #buffer = ''
  #replyLines: string[] = []
  #waiting: { resolve(reply: Reply): void; reject(error: Error): void } | undefined
  #queued: Reply[] = []
  #failure: Error | undefined
  readonly #timeoutMs: number

  constructor(socket: Socket | TLSSocket, timeoutMs: number) {
    this.#timeoutMs = timeoutMs
    this.#socket = socket
    this.#attach(socket)
  }

  #attach(socket: Socket | TLSSocket): void {
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => this.#onData(chunk))
    socket.on('error', (error) =>
      this.#fail(new SmtpError(`SMTP connection failed: ${error.message}`, 0, { cause: error })),
    )
    socket.on('close', () => this.#fail(new SmtpError('The SMTP server closed the connection.')))
    if (this.#timeoutMs > 0) {
      socket.setTimeout(this.#timeoutMs, () => {
        this.#fail(new SmtpError(`The SMTP server did not answer within ${this.#timeoutMs} ms.`))
        socket.destroy()
      })
    }
  }

  #onData(chunk: string): void {
    this.#buffer += chunk
    let end: number
    while ((end = this.#buffer.indexOf('\n')) >= 0) {
      const line = this.#buffer.slice(0, end).replace(/\r$/, '')
      this.#buffer = this.#buffer.slice(end + 1)
      this.#replyLines.push(line.slice(4))
      // "250-..." continues a multi-line reply; "250 ..." ends it.
      if (line.charAt(3) !== '-') {
        const reply = { code: Number(line.slice(0, 3)) || 0, lines: this.#replyLines }
        this.#replyLines = []
        if (this.#waiting) {
          const waiting = this.#waiting
          this.#waiting = undefined
          waiting.resolve(reply)
        } else this.#queued.push(reply)
      }
    }
  }

  #fail(error: Error): void {
    this.#failure ??= error
    if (this.#waiting) {
      const waiting = this.#waiting
      this.#waiting = undefined
      waiting.reject(this.#failure)
    }
  }

  read(): Promise<Reply> {
    const queued = this.#queued.shift()
    if (queued) return Promise.resolve(queued)
    if (this.#failure) return Promise.reject(this.#failure)
    return new Promise((resolve, reject) => (this.#waiting = { resolve, reject }))
  }

  async command(line: string, expect: readonly number[], shown = line): Promise<Reply> {
    this.#socket.write(`${line}\r\n`)
    const reply = await this.read()
    if (!expect.includes(reply.code)) {
      throw new SmtpError(
        `The SMTP server answered ${reply.code} ${reply.lines.join(' ')} to ${shown.split(' ')[0]}.`,
        reply.code,
      )
    }
    return reply
  }

  writeRaw(text: string): void {
    this.#socket.write(text)
  }

  async upgrade(host: string, tlsOptions: Record<string, unknown>): Promise<void> {
    const plain = this.#socket
    plain.removeAllListeners('data')
    plain.removeAllListeners('close')
    plain.removeAllListeners('error')
    plain.setTimeout(0)
    const secure = await new Promise<TLSSocket>((resolve, reject) => {
      const socket = tlsConnect({ socket: plain, host, ...serverName(host), ...tlsOptions }, () =>
        resolve(socket),
      )
      socket.once('error', reject)
    })
    this.#socket = secure
    this.#attach(secure)
  }

  close(): void {
    this.#socket.end()
    this.#socket.destroy()
  }
}

/** SNI names a host, never an address (RFC 6066); certificates are checked against either. */
function serverName(host: string): { servername?: string } {
  return isIP(host) ? {} : { servername: host }
}

function open(options: SmtpOptions): Promise<Socket | TLSSocket> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) =>
      reject(
        new SmtpError(
          `Cannot connect to the SMTP server ${options.host}:${options.port}: ${error.message}`,
          0,
          { cause: error },
        ),
      )
    const socket = options.useSsl
      ? tlsConnect(
          {
            host: options.host,
            port: options.port,
            ...serverName(options.host),
            ...options.tlsOptions,
          },
          () => resolve(socket),
        )
      : netConnect({ host: options.host, port: options.port }, () => resolve(socket))
    socket.once('error', onError)
    if (options.timeoutMs) {
      socket.setTimeout(options.timeoutMs, () => {
        socket.destroy()
        onError(new Error(`no connection within ${options.timeoutMs} ms`))
      })
    }
  })
}

/** A message as the SMTP client sends it. */
export interface SmtpEnvelope {
  from: string
  recipients: readonly string[]
  /** The RFC 5322 text, CRLF line ends. */
  data: string
}

/**
 * Sends `messages` over one SMTP connection; resolves to the number sent.
 *
 * @example
 * ```ts
 * await sendSmtp({ host: '127.0.0.1', port: 2525 }, [{ from: 'a@x', recipients: ['b@y'], data: message.toString() }])
 * ```
 */
export async function sendSmtp(
  options: SmtpOptions,
  messages: readonly SmtpEnvelope[],
): Promise<number> {
  if (options.useTls && options.useSsl) {
    throw new SmtpError('EMAIL_USE_TLS and EMAIL_USE_SSL exclude each other: set only one.')
  }
  const socket = await open(options)
  const connection = new SmtpConnection(socket, options.timeoutMs ?? 0)
  try {
    const greeting = await connection.read()
    if (greeting.code !== 220)
      throw new SmtpError(
        `The SMTP server greeted with ${greeting.code} ${greeting.lines.join(' ')}.`,
        greeting.code,
      )
    const name = hostname() || 'localhost'
    let ehlo = await connection.command(`EHLO ${name}`, [250, 500, 502]).catch(() => undefined)
    if (!ehlo || ehlo.code !== 250) ehlo = await connection.command(`HELO ${name}`, [250])
    let features = ehlo.lines.map((l) => l.toUpperCase())
    if (options.useTls) {
      if (!features.some((f) => f.startsWith('STARTTLS'))) {
        throw new SmtpError('EMAIL_USE_TLS is on but the SMTP server does not offer STARTTLS.')
      }
      await connection.command('STARTTLS', [220])
      await connection.upgrade(options.host, options.tlsOptions ?? {})
      features = (await connection.command(`EHLO ${name}`, [250])).lines.map((l) => l.toUpperCase())
    }
    if (options.username && options.password) {
      const auth = features.find((f) => f.startsWith('AUTH')) ?? ''
      if (auth.includes('PLAIN') || !auth.includes('LOGIN')) {
        const token = Buffer.from(`\0${options.username}\0${options.password}`, 'utf8').toString(
          'base64',
        )
        await connection.command(`AUTH PLAIN ${token}`, [235], 'AUTH PLAIN')
      } else {
        await connection.command('AUTH LOGIN', [334])
        await connection.command(
          Buffer.from(options.username).toString('base64'),
          [334],
          'AUTH LOGIN',
        )
        await connection.command(
          Buffer.from(options.password).toString('base64'),
          [235],
          'AUTH LOGIN',
        )
      }
    }
    let sent = 0
    for (const message of messages) {
      await connection.command(`MAIL FROM:<${message.from}>`, [250])
      for (const recipient of message.recipients)
        await connection.command(`RCPT TO:<${recipient}>`, [250, 251])
      await connection.command('DATA', [354])
      // Dot-stuffing: a line starting with '.' gets another, so it cannot end the data early.
      const data = message.data.replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..')
      connection.writeRaw(data.endsWith('\r\n') ? data : `${data}\r\n`)
      await connection.command('.', [250])
      sent++
    }
    await connection.command('QUIT', [221]).catch(() => undefined)
    return sent
  } finally {
    connection.close()
  }
}
