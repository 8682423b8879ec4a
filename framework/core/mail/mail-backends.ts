/**
 * @module The email backends of EMAIL_BACKEND: `smtp` (sendSmtp), `console` (the message text
 * on a stream), `file` (one file per message in EMAIL_FILE_PATH), `locmem` (an in-memory outbox
 * for tests, Django's `mail.outbox`).
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import type { Settings } from '../../conf/index.ts'
import { bareAddress, type EmailMessage } from './email-message.ts'
import { sendSmtp } from './smtp-client.ts'

/** Sends messages somewhere; resolves to how many were sent. */
export interface EmailBackend {
  sendMessages(messages: readonly EmailMessage[]): Promise<number>
}

/** The settings the backends read. */
export type MailSettings = Pick<
  Settings,
  | 'EMAIL_BACKEND'
  | 'EMAIL_HOST'
  | 'EMAIL_PORT'
  | 'EMAIL_HOST_USER'
  | 'EMAIL_HOST_PASSWORD'
  | 'EMAIL_USE_TLS'
  | 'EMAIL_USE_SSL'
  | 'EMAIL_TIMEOUT'
  | 'EMAIL_FILE_PATH'
  | 'DEFAULT_FROM_EMAIL'
>

/**
 * Messages the `locmem` backend "sent", oldest first. Tests read and empty it.
 *
 * @example
 * ```ts
 * outbox.length = 0
 * await client.post('/password_reset/', { email: 'ada@example.com' })
 * expect(outbox[0]?.subject).toContain('Password reset')
 * ```
 */
export const outbox: EmailMessage[] = []

/** Writes each message, then a line of dashes, to a stream (default: stdout). */
export class ConsoleEmailBackend implements EmailBackend {
  readonly #stream: { write(text: string): unknown }
  constructor(stream: { write(text: string): unknown } = process.stdout) {
    this.#stream = stream
  }
  async sendMessages(messages: readonly EmailMessage[]): Promise<number> {
    for (const message of messages)
      this.#stream.write(`${message.toString().replace(/\r\n/g, '\n')}${'-'.repeat(79)}\n`)
    return messages.length
  }
}

/** Writes each message to `<folder>/<timestamp>-<random>.eml`. */
export class FileEmailBackend implements EmailBackend {
  readonly folder: string
  constructor(folder: string | undefined) {
    if (!folder) {
      throw Object.assign(
        new Error(
          'EMAIL_BACKEND is "file" but EMAIL_FILE_PATH is not set: set it to the folder messages go to.',
        ),
        {
          code: 'mail.E003',
        },
      )
    }
    this.folder = folder
  }
  async sendMessages(messages: readonly EmailMessage[]): Promise<number> {
    await mkdir(this.folder, { recursive: true })
    for (const message of messages) {
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}.eml`
      await writeFile(join(this.folder, name), message.toString())
    }
    return messages.length
  }
}

/** Appends to `outbox`. */
export class LocmemEmailBackend implements EmailBackend {
  async sendMessages(messages: readonly EmailMessage[]): Promise<number> {
    outbox.push(...messages)
    return messages.length
  }
}

/** Sends over SMTP with the EMAIL_* settings, one connection per call. */
export class SmtpEmailBackend implements EmailBackend {
  readonly #settings: MailSettings
  constructor(settings: MailSettings) {
    this.#settings = settings
  }
  async sendMessages(messages: readonly EmailMessage[]): Promise<number> {
    if (!messages.length) return 0
    const s = this.#settings
    return sendSmtp(
      {
        host: s.EMAIL_HOST,
        port: s.EMAIL_PORT,
        username: s.EMAIL_HOST_USER,
        password: s.EMAIL_HOST_PASSWORD,
        useTls: s.EMAIL_USE_TLS,
        useSsl: s.EMAIL_USE_SSL,
        ...(s.EMAIL_TIMEOUT !== null ? { timeoutMs: s.EMAIL_TIMEOUT * 1000 } : {}),
      },
      messages.map((message) => ({
        from: bareAddress(message.from),
        recipients: message.recipients(),
        data: message.toString(),
      })),
    )
  }
}

/**
 * The backend EMAIL_BACKEND names.
 *
 * @example
 * ```ts
 * await getEmailBackend(settings).sendMessages([message])
 * ```
 */
export function getEmailBackend(settings: MailSettings): EmailBackend {
  switch (settings.EMAIL_BACKEND) {
    case 'console':
      return new ConsoleEmailBackend()
    case 'file':
      return new FileEmailBackend(settings.EMAIL_FILE_PATH)
    case 'locmem':
      return new LocmemEmailBackend()
    case 'smtp':
      return new SmtpEmailBackend(settings)
  }
}
