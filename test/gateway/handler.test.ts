import { describe, expect, it } from 'vitest'
import {
  BaseHost,
  ErrorsStream,
  hostErrorCodes,
  setupTestingDefaults,
} from '../../framework/gateway/index.ts'
import type {
  Application,
  Body,
  Environ,
  ResponseHead,
  StartResponse,
} from '../../framework/gateway/index.ts'

const enc = (text: string) => new TextEncoder().encode(text)
const dec = (bytes: Uint8Array) => new TextDecoder().decode(bytes)

/** A host that records what reaches the "wire"; `gate` holds write() until released. */
class RecordingHost extends BaseHost {
  protected readonly canChunk: boolean
  events: string[] = []
  head: ResponseHead | undefined
  bytes = ''
  gate: Promise<void> | undefined

  constructor(options: { canChunk?: boolean; date?: boolean; server?: string } = {}) {
    super({ date: options.date ?? false, ...(options.server ? { server: options.server } : {}) })
    this.canChunk = options.canChunk ?? true
  }

  protected sendHead(head: ResponseHead): void {
    this.head = head
    this.events.push(`head ${head.status} ${head.framing}`)
  }

  protected async write(chunk: Uint8Array): Promise<void> {
    this.events.push(`write ${dec(chunk)}`)
    this.bytes += dec(chunk)
    if (this.gate) await this.gate
  }

  protected end(): void {
    this.events.push('end')
  }

  protected abort(): void {
    this.events.push('abort')
  }
}

function environ(extra: Record<string, unknown> = {}): Environ {
  return setupTestingDefaults({ 'wsgi.errors': new ErrorsStream(), ...extra })
}

function errorsOf(env: Environ): string {
  return (env['wsgi.errors'] as ErrorsStream).text
}

function header(host: RecordingHost, name: string): string | undefined {
  return host.head?.headers.find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1]
}

async function run(app: Application, env = environ(), host = new RecordingHost()) {
  await host.run(app, env)
  return { host, env }
}

const ok = (start: StartResponse, headers: [string, string][] = []) => start('200 OK', headers)

describe('BaseHost', () => {
  it('runs a sync app returning one chunk: head, bytes, end, with a computed Content-Length', async () => {
    const { host } = await run((_, start) => {
      ok(start, [['Content-Type', 'text/plain']])
      return [enc('hello')]
    })
    expect(host.events).toEqual(['head 200 length', 'write hello', 'end'])
    expect(header(host, 'Content-Length')).toBe('5')
  })

  it('awaits an async app', async () => {
    const { host } = await run(async (_, start) => {
      await new Promise((resolve) => setTimeout(resolve, 5))
      ok(start)
      return [enc('late')]
    })
    expect(host.bytes).toBe('late')
  })

  it.each([
    ['a string', 'hello'],
    ['a bare Uint8Array', enc('hello')],
    ['null', null],
    ['a number', 42],
  ])('answers 500 when the body is %s, logging a GW-H09 error', async (_, body) => {
    const { host, env } = await run((_, start) => {
      ok(start)
      return body as unknown as Body
    })
    expect(host.head?.status).toBe(500)
    expect(host.bytes).toBe('500 Internal Server Error\n')
    expect(errorsOf(env)).toMatch(/ResponseError: The application returned/)
  })

  it('answers 500 for a chunk that is not a Uint8Array', async () => {
    const { host } = await run((_, start) => {
      ok(start)
      return ['text' as unknown as Uint8Array]
    })
    expect(host.head?.status).toBe(500)
  })

  it('answers a plain 500 with no internals and logs the stack when the app throws', async () => {
    const { host, env } = await run(() => {
      throw new Error('secret database password')
    })
    expect(host.head?.status).toBe(500)
    expect(header(host, 'Content-Type')).toBe('text/plain; charset=utf-8')
    expect(host.bytes).not.toContain('secret')
    expect(errorsOf(env)).toContain('secret database password')
    expect(errorsOf(env)).toMatch(/\n\s+at /)
  })

  it('defers the head past empty chunks, so a later error still becomes a 500', async () => {
    const { host } = await run((_, start) => {
      ok(start)
      return (function* () {
        yield new Uint8Array(0)
        throw new Error('after an empty chunk')
      })()
    })
    expect(host.events).toEqual(['head 500 length', 'write 500 Internal Server Error\n', 'end'])
  })

  it('lets an app replace its status with excInfo before the first byte', async () => {
    const { host } = await run((_, start) => {
      ok(start)
      return (function* () {
        try {
          throw new Error('boom')
        } catch (error) {
          start('503 Service Unavailable', [['Retry-After', '1']], error)
          yield enc('try later')
        }
      })()
    })
    expect(host.head?.status).toBe(503)
    expect(header(host, 'Retry-After')).toBe('1')
  })

  it('cuts the connection (no end) when the app fails after the head was sent', async () => {
    const { host, env } = await run((_, start) => {
      ok(start)
      return (async function* () {
        yield enc('part')
        throw new Error('mid-stream')
      })()
    })
    expect(host.events).toEqual(['head 200 chunked', 'write part', 'abort'])
    expect(errorsOf(env)).toContain('mid-stream')
  })

  it('rethrows excInfo from startResponse after the head was sent, cutting the connection', async () => {
    const { host } = await run((_, start) => {
      ok(start)
      return (async function* () {
        yield enc('part')
        start('500 Internal Server Error', [], new Error('too late'))
      })()
    })
    expect(host.events.at(-1)).toBe('abort')
  })

  it('pulls the next chunk only after the last one was accepted', async () => {
    const host = new RecordingHost()
    let release!: () => void
    host.gate = new Promise((resolve) => (release = resolve))
    const pulled: number[] = []
    const done = host.run((_, start) => {
      ok(start)
      return (function* () {
        for (let i = 1; i <= 3; i++) {
          pulled.push(i)
          yield enc(String(i))
        }
      })()
    }, environ())
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(pulled).toEqual([1])
    release()
    host.gate = undefined
    await done
    expect(pulled).toEqual([1, 2, 3])
  })

  it('calls close() exactly once after a normal end', async () => {
    let closes = 0
    await run((_, start) => {
      ok(start)
      return Object.assign([enc('x')], { close: () => void closes++ })
    })
    expect(closes).toBe(1)
  })

  it('calls close() exactly once when the body throws', async () => {
    let closes = 0
    await run((_, start) => {
      ok(start)
      const body = (async function* () {
        yield enc('x')
        throw new Error('fail')
      })()
      return Object.assign(body, { close: () => void closes++ })
    })
    expect(closes).toBe(1)
  })

  it('calls close() once and stops a waiting body when the client goes away', async () => {
    const controller = new AbortController()
    let closes = 0
    let finalized = false
    const host = new RecordingHost()
    const done = host.run(
      (_, start) => {
        ok(start)
        const body = (async function* () {
          try {
            yield enc('first')
            await new Promise(() => {}) // waits for an event that never comes
          } finally {
            finalized = true
          }
        })()
        return Object.assign(body, { close: () => void closes++ })
      },
      environ({ 'gateway.signal': controller.signal }),
    )
    await new Promise((resolve) => setTimeout(resolve, 10))
    controller.abort()
    await done
    expect(closes).toBe(1)
    expect(host.events).not.toContain('end')
    expect(finalized).toBe(false) // a generator stuck in next() cannot run finally; close() is the way
  })

  it("runs a sync generator's finally (iterator.return) when iteration stops early", async () => {
    let finalized = false
    await run(
      (_, start) => {
        ok(start)
        return (function* () {
          try {
            yield enc('a')
            yield enc('b')
          } finally {
            finalized = true
          }
        })()
      },
      environ({ REQUEST_METHOD: 'HEAD' }),
    )
    expect(finalized).toBe(true)
  })

  it('sends no more than the declared Content-Length, logs, and cuts', async () => {
    const { host, env } = await run((_, start) => {
      ok(start, [['Content-Length', '4']])
      return (function* () {
        yield enc('abc')
        yield enc('defgh')
      })()
    })
    expect(host.bytes).toBe('abcd')
    expect(host.events.at(-1)).toBe('abort')
    expect(errorsOf(env)).toMatch(/more than its Content-Length of 4/)
  })

  it('cuts the connection when fewer bytes than Content-Length were sent', async () => {
    const { host, env } = await run((_, start) => {
      ok(start, [['Content-Length', '10']])
      return (function* () {
        yield enc('abc')
      })()
    })
    expect(host.events).toEqual(['head 200 length', 'write abc', 'abort'])
    expect(errorsOf(env)).toMatch(/declared Content-Length 10 but sent 3/)
  })

  it('answers 500 for a malformed Content-Length', async () => {
    const { host } = await run((_, start) => {
      ok(start, [['Content-Length', 'ten']])
      return [enc('x')]
    })
    expect(host.head?.status).toBe(500)
  })

  it('uses chunked framing for a streamed body on HTTP/1.1', async () => {
    const { host } = await run((_, start) => {
      ok(start)
      return (function* () {
        yield enc('a')
        yield enc('b')
      })()
    })
    expect(host.head?.framing).toBe('chunked')
    expect(header(host, 'Content-Length')).toBeUndefined()
  })

  it('uses close-delimited framing on HTTP/1.0, and when the host cannot chunk', async () => {
    const app: Application = (_, start) => {
      ok(start)
      return (function* () {
        yield enc('a')
      })()
    }
    const old = await run(app, environ({ SERVER_PROTOCOL: 'HTTP/1.0' }))
    expect(old.host.head?.framing).toBe('close')
    const noChunk = await run(app, environ(), new RecordingHost({ canChunk: false }))
    expect(noChunk.host.head?.framing).toBe('close')
  })

  it('gives an empty array or empty stream Content-Length 0', async () => {
    const array = await run((_, start) => (ok(start), []))
    expect(header(array.host, 'Content-Length')).toBe('0')
    const stream = await run((_, start) => (ok(start), (function* () {})()))
    expect(header(stream.host, 'Content-Length')).toBe('0')
  })

  it('sends no body for HEAD but keeps the computed Content-Length', async () => {
    const { host } = await run(
      (_, start) => (ok(start), [enc('hello')]),
      environ({ REQUEST_METHOD: 'HEAD' }),
    )
    expect(host.events).toEqual(['head 200 none', 'end'])
    expect(header(host, 'Content-Length')).toBe('5')
  })

  it('computes no Content-Length from an empty body for HEAD or 304 (0 would be false)', async () => {
    const head = await run((_, start) => (ok(start), []), environ({ REQUEST_METHOD: 'HEAD' }))
    expect(head.host.events).toEqual(['head 200 none', 'end'])
    expect(header(head.host, 'Content-Length')).toBeUndefined()
    const notModified = await run((_, start) => (start('304 Not Modified', []), []))
    expect(header(notModified.host, 'Content-Length')).toBeUndefined()
  })

  it.each(['204 No Content', '304 Not Modified'])('sends no body for %s', async (status) => {
    const { host } = await run((_, start) => {
      start(status, [])
      return [enc('ignored')]
    })
    expect(host.events).toEqual([`head ${status.slice(0, 3)} none`, 'end'])
  })

  it('sends write() data before the iterable, and allows write() during iteration', async () => {
    const { host } = await run((_, start) => {
      const write = ok(start)
      void write(enc('w1 '))
      return (async function* () {
        yield enc('i1 ')
        await write(enc('w2 '))
        yield enc('i2')
      })()
    })
    expect(host.bytes).toBe('w1 i1 w2 i2')
    expect(host.head?.framing).toBe('chunked')
  })

  it('rejects write() of something other than a Uint8Array with GW-H14', async () => {
    let rejection: unknown
    await run(async (_, start) => {
      const write = ok(start)
      rejection = await write('text' as unknown as Uint8Array).catch((error: unknown) => error)
      return []
    })
    expect(rejection).toMatchObject({ code: 'GW-H14' })
  })

  it('answers 500 (GW-H11) for a body without startResponse', async () => {
    const { host, env } = await run(() => [enc('x')])
    expect(host.head?.status).toBe(500)
    expect(errorsOf(env)).toMatch(/before calling startResponse/)
  })

  it('adds Date and Server when absent, and never duplicates them', async () => {
    const host = new RecordingHost({ date: true, server: 'test/1' })
    await run((_, start) => (ok(start), []), environ(), host)
    expect(header(host, 'Date')).toMatch(/GMT$/)
    expect(header(host, 'Server')).toBe('test/1')
    const own = new RecordingHost({ date: true, server: 'test/1' })
    await run((_, start) => (ok(start, [['Server', 'mine']]), []), environ(), own)
    expect(own.head?.headers.filter(([name]) => name === 'Server')).toEqual([['Server', 'mine']])
  })
})

describe('hostErrorCodes', () => {
  it('lists every GW-H code the host sources throw, and no other', async () => {
    const { readFile } = await import('node:fs/promises')
    const files = ['latin1', 'uri', 'input', 'start-response', 'handler', 'node-http', 'fetch']
    const used = new Set<string>()
    for (const file of files) {
      const source = await readFile(
        new URL(`../../framework/gateway/${file}.ts`, import.meta.url),
        'utf8',
      )
      const code = source.replace(/export const hostErrorCodes = \{[\s\S]*?\} as const/, '')
      for (const match of code.matchAll(/'(GW-H\d\d)'/g)) used.add(match[1]!)
    }
    expect([...used].sort()).toEqual(Object.keys(hostErrorCodes).sort())
  })
})
