/**
 * @module EmailMessage: one email, and its RFC 5322 text (UTF-8 headers as RFC 2047 encoded
 * words, the body quoted-printable when it is not plain ASCII, CRLF line ends).
 */
import { randomBytes } from 'node:crypto'

/** What an EmailMessage is made of. */
export interface EmailInit {
  subject: string
  body: string
  /** The sender (default: DEFAULT_FROM_EMAIL when sent with sendMail()). */
  from?: string
  to: readonly string[]
  cc?: readonly string[]
  bcc?: readonly string[]
  replyTo?: readonly string[]
  /** Extra headers; names and values must not contain line breaks. */
  headers?: Readonly<Record<string, string>>
}

/** A header name or value with a line break: header injection, refused (Django's BadHeaderError). */
export class BadHeaderError extends Error {
  override name = 'BadHeaderError'
  readonly code = 'mail.E001'
}

function checkHeader(name: string, value: string): void {
  if (/[\r\n]/.test(name) || /[\r\n]/.test(value)) {
    throw new BadHeaderError(
      `Header ${JSON.stringify(name)} contains a line break (${JSON.stringify(value)}): headers must be one line; a line break would let the text add headers.`,
    )
  }
}

function encodeWord(text: string): string {
  // eslint-disable-next-line no-control-regex
  if (/^[\x20-\x7e]*$/.test(text)) return text
  return `=?utf-8?b?${Buffer.from(text, 'utf8').toString('base64')}?=`
}

function encodeAddress(address: string): string {
  const match = /^(.*)<([^<>]+)>\s*$/.exec(address)
  if (!match) return address.trim()
  const name = (match[1] ?? '').trim().replace(/^"|"$/g, '')
  return name ? `${encodeWord(name)} <${match[2]}>` : `<${match[2]}>`
}

/** The bare address of `Name <a@b>` or `a@b`. */
export function bareAddress(address: string): string {
  const match = /<([^<>]+)>\s*$/.exec(address)
  return (match ? (match[1] as string) : address).trim()
}

function quotedPrintable(text: string): string {
  const bytes = Buffer.from(text.replace(/\r?\n/g, '\n'), 'utf8')
  const lines: string[] = []
  let line = ''
  const push = (chunk: string) => {
    if (line.length + chunk.length > 75) {
      lines.push(`${line}=`)
      line = ''
    }
    line += chunk
  }
  for (const byte of bytes) {
    if (byte === 0x0a) {
      // Trailing space before a line break must be encoded (RFC 2045 §6.7 rule 3).
      line = line.replace(
        /[ \t]$/,
        (c) => `=${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
      )
      lines.push(line)
      line = ''
    } else if ((byte >= 33 && byte <= 126 && byte !== 61) || byte === 32) {
      push(String.fromCharCode(byte))
    } else {
      push(`=${byte.toString(16).toUpperCase().padStart(2, '0')}`)
    }
  }
  lines.push(line)
  return lines.join('\r\n')
}

/**
 * An email message.
 *
 * @example
 * ```ts
 * const message = new EmailMessage({ subject: 'Hi', body: 'Hello', from: 'site@example.com', to: ['ada@example.com'] })
 * message.toString() // 'Content-Type: text/plain; charset="utf-8"\r\n...'
 * ```
 */
export class EmailMessage {
  readonly subject: string
  readonly body: string
  from: string
  readonly to: readonly string[]
  readonly cc: readonly string[]
  readonly bcc: readonly string[]
  readonly replyTo: readonly string[]
  readonly headers: Readonly<Record<string, string>>

  constructor(init: EmailInit) {
    this.subject = init.subject
    this.body = init.body
    this.from = init.from ?? ''
    this.to = init.to
    this.cc = init.cc ?? []
    this.bcc = init.bcc ?? []
    this.replyTo = init.replyTo ?? []
    this.headers = init.headers ?? {}
    checkHeader('Subject', this.subject)
    checkHeader('From', this.from)
    for (const address of [...this.to, ...this.cc, ...this.bcc, ...this.replyTo])
      checkHeader('To', address)
    for (const [name, value] of Object.entries(this.headers)) checkHeader(name, value)
  }

  /** Every envelope recipient: to, cc and bcc (bcc never appears in the headers). */
  recipients(): string[] {
    return [...this.to, ...this.cc, ...this.bcc].map(bareAddress)
  }

  /** The message as sent: headers, a blank line, the body; CRLF line ends. */
  toString(date: Date = new Date()): string {
    const ascii = /^[\x20-\x7e\r\n\t]*$/.test(this.body)
    const headers: [string, string][] = [
      ['Content-Type', 'text/plain; charset="utf-8"'],
      ['MIME-Version', '1.0'],
      ['Content-Transfer-Encoding', ascii ? '7bit' : 'quoted-printable'],
      ['Subject', encodeWord(this.subject)],
      ['From', encodeAddress(this.from)],
      ['To', this.to.map(encodeAddress).join(', ')],
    ]
    if (this.cc.length) headers.push(['Cc', this.cc.map(encodeAddress).join(', ')])
    if (this.replyTo.length) headers.push(['Reply-To', this.replyTo.map(encodeAddress).join(', ')])
    headers.push(['Date', date.toUTCString().replace('GMT', '-0000')])
    const domain = bareAddress(this.from).split('@')[1] || 'localhost'
    headers.push(['Message-ID', `<${Date.now()}.${randomBytes(8).toString('hex')}@${domain}>`])
    for (const [name, value] of Object.entries(this.headers))
      headers.push([name, encodeWord(value)])
    const body = ascii ? this.body.replace(/\r?\n/g, '\r\n') : quotedPrintable(this.body)
    return `${headers.map(([n, v]) => `${n}: ${v}`).join('\r\n')}\r\n\r\n${body}\r\n`
  }
}
