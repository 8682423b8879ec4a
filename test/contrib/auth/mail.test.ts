/**
 * framework/core's email: the message text (encoded headers, quoted-printable, no Bcc header,
 * header injection refused), the console, file and locmem backends, and the SMTP client against
 * a real SMTP server process on loopback (Python's smtpd: EHLO, AUTH PLAIN, DATA).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  BadHeaderError,
  ConsoleEmailBackend,
  EmailMessage,
  SmtpError,
  getEmailBackend,
  outbox,
  sendMail,
  sendSmtp,
} from '../../../framework/core/index.ts'
import { defineSettings } from '../../../framework/conf/index.ts'
import { requireProgram } from '../../support/require-program.ts'

const base = { DEBUG: true } as const

describe('EmailMessage', () => {
  it('writes RFC 5322 text: encoded UTF-8 subject and names, quoted-printable body, CRLF, no Bcc', () => {
    const text = new EmailMessage({
      subject: 'Réinitialisation',
      body: 'Bonjour Zoë,\nvoici le lien.\n',
      from: 'Le Site <site@example.com>',
      to: ['Zoë <zoe@example.com>'],
      bcc: ['audit@example.com'],
    }).toString()
    expect(text).toContain('Subject: =?utf-8?b?UsOpaW5pdGlhbGlzYXRpb24=?=\r\n')
    expect(text).toContain('To: =?utf-8?b?Wm/Dqw==?= <zoe@example.com>\r\n')
    expect(text).toContain('Content-Transfer-Encoding: quoted-printable\r\n')
    expect(text).toContain('Bonjour Zo=C3=AB,\r\n')
    expect(text).not.toContain('audit@example.com')
    expect(text).not.toMatch(/[^\r]\n/)
  })

  it('refuses a header with a line break (header injection)', () => {
    expect(
      () => new EmailMessage({ subject: 'Hi\r\nBcc: victim@example.com', body: '', to: ['a@b.c'] }),
    ).toThrow(BadHeaderError)
    expect(() => new EmailMessage({ subject: 'x', body: '', to: ['a@b.c\nCc: v@x.y'] })).toThrow(
      /line break/,
    )
  })

  it('lists every envelope recipient, Bcc included, as bare addresses', () => {
    const message = new EmailMessage({
      subject: 's',
      body: 'b',
      to: ['A <a@x.y>'],
      cc: ['c@x.y'],
      bcc: ['d@x.y'],
    })
    expect(message.recipients()).toEqual(['a@x.y', 'c@x.y', 'd@x.y'])
  })
})

describe('backends', () => {
  it('locmem appends to the outbox; sendMail fills From with DEFAULT_FROM_EMAIL', async () => {
    outbox.length = 0
    const settings = defineSettings(
      { ...base, EMAIL_BACKEND: 'locmem', DEFAULT_FROM_EMAIL: 'noreply@example.com' },
      { env: {} },
    )
    expect(
      await sendMail({ subject: 'Hi', body: 'Hello', to: ['ada@example.com'] }, settings),
    ).toBe(1)
    expect(outbox).toHaveLength(1)
    expect(outbox[0]?.from).toBe('noreply@example.com')
  })

  it('console writes the message and a separator to the stream', async () => {
    let written = ''
    const backend = new ConsoleEmailBackend({ write: (text: string) => (written += text) })
    await backend.sendMessages([
      new EmailMessage({ subject: 'Hi', body: 'Hello there', from: 'a@b.c', to: ['d@e.f'] }),
    ])
    expect(written).toContain('Subject: Hi\n')
    expect(written).toContain('Hello there')
    expect(written.trimEnd().endsWith('-'.repeat(79))).toBe(true)
  })

  it('file writes one .eml per message in EMAIL_FILE_PATH', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mail-file-'))
    try {
      const settings = defineSettings(
        { ...base, EMAIL_BACKEND: 'file', EMAIL_FILE_PATH: join(dir, 'out') },
        { env: {} },
      )
      await sendMail({ subject: 'One', body: '1', to: ['a@b.c'] }, settings)
      await sendMail({ subject: 'Two', body: '2', to: ['a@b.c'] }, settings)
      const files = readdirSync(join(dir, 'out'))
      expect(files).toHaveLength(2)
      const texts = files.map((f) => readFileSync(join(dir, 'out', f), 'utf8'))
      expect(texts.some((t) => t.includes('Subject: One'))).toBe(true)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('file without EMAIL_FILE_PATH says which setting to set', () => {
    const settings = defineSettings({ ...base, EMAIL_BACKEND: 'file' }, { env: {} })
    expect(() => getEmailBackend(settings)).toThrow(/EMAIL_FILE_PATH is not set/)
  })
})

describe('SMTP against a real server process', () => {
  const python = requireProgram('python3', 'apt-get install python3')
  let sink: ChildProcess | undefined
  let port = 0
  const dir = mkdtempSync(join(tmpdir(), 'smtp-sink-'))

  beforeAll(async () => {
    if (!python.available) return
    sink = spawn(
      'python3',
      ['-W', 'ignore', join(import.meta.dirname, 'fixtures/smtp-sink.py'), dir],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    port = await new Promise<number>((resolve, reject) => {
      sink?.stdout?.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())))
      sink?.once('exit', (code) => reject(new Error(`smtp sink exited with ${code}`)))
      setTimeout(() => reject(new Error('smtp sink did not start in 10 s')), 10_000)
    })
  }, 15_000)

  afterAll(() => {
    if (sink?.pid) process.kill(sink.pid)
    rmSync(dir, { recursive: true, force: true })
  })

  it.skipIf(!python.available)(
    `delivers through the SMTP backend with AUTH PLAIN ${python.reason}`,
    async () => {
      const settings = defineSettings(
        {
          ...base,
          EMAIL_BACKEND: 'smtp',
          EMAIL_HOST: '127.0.0.1',
          EMAIL_PORT: port,
          EMAIL_HOST_USER: 'user',
          EMAIL_HOST_PASSWORD: 'secret',
          EMAIL_TIMEOUT: 5,
        },
        { env: {} },
      )
      const sent = await sendMail(
        {
          subject: 'Über',
          body: 'first\n.leading dot\nlast',
          from: 'Site <site@example.com>',
          to: ['ada@example.com'],
          bcc: ['audit@example.com'],
        },
        settings,
      )
      expect(sent).toBe(1)
      const envelope = JSON.parse(readFileSync(join(dir, '1.json'), 'utf8'))
      expect(envelope).toEqual({
        from: 'site@example.com',
        to: ['ada@example.com', 'audit@example.com'],
        auth: 'user',
      })
      const text = readFileSync(join(dir, '1.eml'), 'utf8')
      expect(text).toContain('Subject: =?utf-8?b?w5xiZXI=?=')
      // Dot-stuffing: the server saw (and unstuffed) the line, so it was not taken as the end.
      expect(text).toContain('\n.leading dot\n')
      expect(text).toContain('last')
      expect(text).not.toContain('audit@example.com')
    },
  )

  it.skipIf(!python.available)(
    `reports refused credentials as an SmtpError with the reply ${python.reason}`,
    async () => {
      const error = await sendSmtp(
        { host: '127.0.0.1', port, username: 'user', password: 'wrong', timeoutMs: 5000 },
        [{ from: 'a@b.c', recipients: ['d@e.f'], data: 'Subject: x\r\n\r\nx\r\n' }],
      ).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(SmtpError)
      expect((error as SmtpError).replyCode).toBe(535)
      expect((error as Error).message).toContain('AUTH')
      expect((error as Error).message).not.toContain('wrong')
    },
  )
})

describe('SMTP failures', () => {
  it('names the server when the connection is refused', async () => {
    const listener: Server = createServer()
    const port = await new Promise<number>((resolve) =>
      listener.listen(0, '127.0.0.1', () => resolve((listener.address() as { port: number }).port)),
    )
    await new Promise((resolve) => listener.close(resolve))
    const error = await sendSmtp({ host: '127.0.0.1', port, timeoutMs: 2000 }, []).catch(
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(SmtpError)
    expect((error as Error).message).toContain(`127.0.0.1:${port}`)
  })

  it('times out on a server that never greets, instead of hanging', async () => {
    const silent: Server = createServer(() => {})
    const port = await new Promise<number>((resolve) =>
      silent.listen(0, '127.0.0.1', () => resolve((silent.address() as { port: number }).port)),
    )
    try {
      const started = Date.now()
      const error = await sendSmtp({ host: '127.0.0.1', port, timeoutMs: 300 }, []).catch(
        (e: unknown) => e,
      )
      expect(error).toBeInstanceOf(SmtpError)
      expect((error as Error).message).toMatch(/did not answer within 300 ms/)
      expect(Date.now() - started).toBeLessThan(3000)
    } finally {
      silent.close()
    }
  })
})

describe('SMTP with STARTTLS against a real server process', () => {
  const python = requireProgram('python3', 'apt-get install python3')
  const openssl = requireProgram('openssl', 'apt-get install openssl')
  const ready = python.available && openssl.available
  const dir = mkdtempSync(join(tmpdir(), 'smtp-tls-'))
  let sink: ChildProcess | undefined
  let port = 0
  let ca: Buffer = Buffer.alloc(0)

  beforeAll(async () => {
    if (!ready) return
    // A throwaway certificate for 127.0.0.1, made for this run.
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    )
    ca = readFileSync(join(dir, 'cert.pem'))
    sink = spawn(
      'python3',
      [
        join(import.meta.dirname, 'fixtures/smtp-tls-sink.py'),
        dir,
        join(dir, 'cert.pem'),
        join(dir, 'key.pem'),
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    port = await new Promise<number>((resolve, reject) => {
      sink?.stdout?.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())))
      sink?.once('exit', (code) => reject(new Error(`smtp tls sink exited with ${code}`)))
      setTimeout(() => reject(new Error('smtp tls sink did not start in 10 s')), 10_000)
    })
  }, 30_000)

  afterAll(() => {
    if (sink?.pid) process.kill(sink.pid)
    rmSync(dir, { recursive: true, force: true })
  })

  const envelope = [
    {
      from: 'site@example.com',
      recipients: ['ada@example.com'],
      data: 'Subject: tls\r\n\r\nover tls\r\n',
    },
  ]

  it.skipIf(!ready)(
    `upgrades with STARTTLS, verifies the certificate, then authenticates ${python.reason}${openssl.reason}`,
    async () => {
      const sent = await sendSmtp(
        {
          host: '127.0.0.1',
          port,
          username: 'user',
          password: 'secret',
          useTls: true,
          timeoutMs: 5000,
          tlsOptions: { ca },
        },
        envelope,
      )
      expect(sent).toBe(1)
      expect(JSON.parse(readFileSync(join(dir, '1.json'), 'utf8'))).toMatchObject({
        tls: true,
        auth: 'user',
      })
    },
  )

  it.skipIf(!ready)(
    `refuses a server whose certificate it cannot verify ${python.reason}${openssl.reason}`,
    async () => {
      const error = await sendSmtp(
        {
          host: '127.0.0.1',
          port,
          username: 'user',
          password: 'secret',
          useTls: true,
          timeoutMs: 5000,
        },
        envelope,
      ).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(Error)
      expect(String((error as Error).message)).toMatch(/self[- ]signed|certificate/i)
    },
  )
})
