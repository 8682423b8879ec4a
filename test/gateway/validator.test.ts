/**
 * validator(app): one case per rule code, each run twice through a small in-test host: once
 * broken (the code must be raised) and once correct (no validation error at all). Server-side
 * codes use a host that misbehaves on purpose, or a broken environ. Then the same validator
 * behind the repository's real hosts (BaseHost, callApplication): nothing changes, nothing is
 * flagged.
 *
 * Over 600 lines on purpose: the per-code table is the validator's specification and reads best
 * in one place, next to the driver it runs on (the brief names this one file for these tests).
 */
import { describe, expect, it } from 'vitest'
import {
  BaseHost,
  GatewayValidationError,
  callApplication,
  setupTestingDefaults,
  validator,
  validatorCodes,
} from '../../framework/gateway/index.ts'
import type {
  Application,
  Body,
  Environ,
  GatewayInput,
  InProcessRequest,
  ResponseHead,
  ResponseHeaders,
  StartResponse,
  ValidatorCode,
} from '../../framework/gateway/index.ts'

const enc = (text: string): Uint8Array => new TextEncoder().encode(text)
const dec = (bytes: Uint8Array): string => new TextDecoder().decode(bytes)
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/** A well-behaved wsgi.input over fixed bytes, as the contract describes it. */
function bytesInput(data: Uint8Array): GatewayInput {
  let at = 0
  const take = (n: number): Uint8Array => {
    const chunk = data.subarray(at, at + n)
    at += chunk.byteLength
    return chunk
  }
  const rest = (size?: number): number =>
    size === undefined || size < 0 ? data.byteLength - at : size
  return {
    async read(size?: number) {
      return take(rest(size))
    },
    async readline(size?: number) {
      const newline = data.indexOf(0x0a, at)
      const line = newline < 0 ? data.byteLength - at : newline - at + 1
      return take(Math.min(line, rest(size)))
    },
    async readlines() {
      const lines: Uint8Array[] = []
      for (let line = await this.readline(); line.byteLength > 0; line = await this.readline())
        lines.push(line)
      return lines
    },
    async *[Symbol.asyncIterator]() {
      if (at < data.byteLength) yield take(data.byteLength - at)
    },
  }
}

/** A wsgi.input whose read() resolves to whatever the test scripts, in order. */
function scriptedInput(results: unknown[]): GatewayInput {
  const next = async (): Promise<Uint8Array> =>
    (results.length > 0 ? results.shift() : new Uint8Array(0)) as Uint8Array
  return {
    read: next,
    readline: next,
    readlines: async () => [],
    async *[Symbol.asyncIterator]() {},
  }
}

/** A valid environ for GET / on http://localhost, its wsgi.errors feeding `log`. */
function baseEnviron(log: (text: string) => void = () => {}): Record<string, unknown> {
  return {
    REQUEST_METHOD: 'GET',
    SCRIPT_NAME: '',
    PATH_INFO: '/',
    QUERY_STRING: '',
    SERVER_NAME: 'localhost',
    SERVER_PORT: '80',
    SERVER_PROTOCOL: 'HTTP/1.1',
    HTTP_HOST: 'localhost',
    'wsgi.version': [1, 0],
    'wsgi.url_scheme': 'http',
    'wsgi.input': bytesInput(new Uint8Array(0)),
    'wsgi.errors': {
      write: (text: string) => log(text),
      writelines: (texts: Iterable<string>) => log([...texts].join('')),
      flush: () => {},
    },
    'wsgi.multithread': false,
    'wsgi.multiprocess': false,
    'wsgi.run_once': false,
    'wsgi.input_terminated': true,
    'gateway.signal': new AbortController().signal,
  }
}

interface HostOptions {
  /** Edits the (valid) environ before the call; may return a replacement. */
  environ?: (environ: Record<string, unknown>) => unknown
  /** The host's own misbehaviour, for the GW-S codes that concern how it runs the body. */
  fault?:
    | 'no-start-response'
    | 'write-missing'
    | 'no-rethrow'
    | 'concurrent-pull'
    | 'close-twice'
    | 'pull-after-close'
}

interface Outcome {
  status?: string
  headers?: ResponseHeaders
  body: string
  errors: string
  error?: unknown
}

/**
 * A tiny host: builds a valid environ, runs the app, pulls the body one chunk at a time, calls
 * close() once, rethrows excInfo after the head was "sent" (the first non-empty chunk).
 */
async function host(app: Application, options: HostOptions = {}): Promise<Outcome> {
  const out: Outcome = { body: '', errors: '' }
  const parts: string[] = []
  let headSent = false
  const base = baseEnviron((text) => void (out.errors += text))
  const environ = (options.environ?.(base) ?? base) as Environ
  const write = async (chunk: Uint8Array): Promise<void> => {
    await tick()
    if (chunk.byteLength > 0) headSent = true
    parts.push(dec(chunk))
  }
  const startResponse: StartResponse = (status, headers, excInfo?) => {
    if (excInfo !== undefined && headSent && options.fault !== 'no-rethrow') throw excInfo
    out.status = status
    out.headers = headers
    return (options.fault === 'write-missing' ? undefined : write) as ReturnType<StartResponse>
  }
  let body: Body
  try {
    body = await app(
      environ,
      (options.fault === 'no-start-response' ? undefined : startResponse) as StartResponse,
    )
  } catch (error) {
    out.error = error
    return out
  }
  try {
    const source = body as Partial<Iterable<Uint8Array> & AsyncIterable<Uint8Array>>
    const iterator = source[Symbol.asyncIterator]?.() ?? source[Symbol.iterator]!()
    if (options.fault === 'concurrent-pull') await Promise.all([iterator.next(), iterator.next()])
    for (let step = await iterator.next(); !step.done; step = await iterator.next()) {
      if (step.value.byteLength > 0) headSent = true
      parts.push(dec(step.value))
    }
    await body.close?.()
    if (options.fault === 'close-twice') await body.close?.()
    if (options.fault === 'pull-after-close') await iterator.next()
  } catch (error) {
    out.error = error
  }
  out.body = parts.join('')
  return out
}

const ok = (
  startResponse: StartResponse,
  headers: ResponseHeaders = [],
): ReturnType<StartResponse> =>
  startResponse('200 OK', [['Content-Type', 'text/plain'], ...headers])

/** An app that answers with `headers` and `body` through the validator. */
const answer = (headers: ResponseHeaders, body: string, status = '200 OK'): Application =>
  validator((_environ, startResponse) => {
    startResponse(status, headers)
    return [enc(body)]
  })

const hello = validator((_environ, startResponse) => {
  ok(startResponse)
  return [enc('hello')]
})

/** Runs `hello` on an environ edited by `edit`. */
const environWith = (edit: (environ: Record<string, unknown>) => unknown): Promise<Outcome> =>
  host(hello, { environ: edit })

/** An app that reads wsgi.input with `use`, on an input the test provides. */
const reading = (use: (input: GatewayInput) => Promise<unknown>): Application =>
  validator(async (environ, startResponse) => {
    await use(environ['wsgi.input'])
    ok(startResponse)
    return []
  })

const withInput =
  (input: GatewayInput, extra: Record<string, unknown> = {}) =>
  (environ: Record<string, unknown>) =>
    Object.assign(environ, { 'wsgi.input': input }, extra)

interface Case {
  broken: () => Promise<Outcome>
  correct: () => Promise<Outcome>
}

const cases: Record<ValidatorCode, Case> = {
  'GW-A01': {
    broken: async () => {
      try {
        validator('application' as unknown as Application)
        return { body: '', errors: '' }
      } catch (error) {
        return { body: '', errors: '', error }
      }
    },
    correct: () => host(validator((_e, sr) => (ok(sr), []))),
  },
  'GW-S01': {
    broken: () => environWith((env) => new Map(Object.entries(env))),
    correct: () => environWith((env) => ({ ...env })),
  },
  'GW-S02': {
    broken: () => environWith((env) => void delete env.SERVER_NAME),
    correct: () => environWith((env) => void delete env.HTTP_HOST),
  },
  'GW-S03': {
    broken: () => environWith((env) => void (env.SERVER_PORT = 80)),
    correct: () => environWith((env) => void (env.REMOTE_PORT = '51000')),
  },
  'GW-S04': {
    broken: () => environWith((env) => void (env.HTTP_X_PRICE = '€5')),
    correct: () => environWith((env) => void (env.HTTP_X_PRICE = '\u00e2\u0082\u00ac5')),
  },
  'GW-S05': {
    broken: () => environWith((env) => void (env.REQUEST_METHOD = '')),
    correct: () => environWith((env) => void (env.REQUEST_METHOD = 'PROPFIND')),
  },
  'GW-S06': {
    broken: () => environWith((env) => void (env.SCRIPT_NAME = '/')),
    correct: () => environWith((env) => void (env.SCRIPT_NAME = '/app')),
  },
  'GW-S07': {
    broken: () => environWith((env) => void (env.PATH_INFO = 'index.html')),
    correct: () =>
      environWith((env) => void Object.assign(env, { SCRIPT_NAME: '/app', PATH_INFO: '' })),
  },
  'GW-S08': {
    broken: () => environWith((env) => void (env.QUERY_STRING = '?a=1')),
    correct: () => environWith((env) => void (env.QUERY_STRING = 'a=1&b=%3F')),
  },
  'GW-S09': {
    broken: () => environWith((env) => void (env.SERVER_PORT = 'http')),
    correct: () => environWith((env) => void (env.SERVER_PORT = '8080')),
  },
  'GW-S10': {
    broken: () => environWith((env) => void (env.SERVER_PROTOCOL = 'HTTP1.1')),
    correct: () => environWith((env) => void (env.SERVER_PROTOCOL = 'HTTP/1.0')),
  },
  'GW-S11': {
    broken: () => environWith((env) => void (env.CONTENT_LENGTH = '12 bytes')),
    correct: () => environWith((env) => void (env.CONTENT_LENGTH = '')),
  },
  'GW-S12': {
    broken: () => environWith((env) => void (env.HTTP_CONTENT_TYPE = 'text/plain')),
    correct: () => environWith((env) => void (env.CONTENT_TYPE = 'text/plain')),
  },
  'GW-S13': {
    broken: () => environWith((env) => void (env['HTTP_X-FORWARDED-FOR'] = '10.0.0.1')),
    correct: () => environWith((env) => void (env.HTTP_X_FORWARDED_FOR = '10.0.0.1')),
  },
  'GW-S14': {
    broken: () => environWith((env) => void (env['wsgi.version'] = [1, 1])),
    correct: () => environWith((env) => void (env['wsgi.version'] = Object.freeze([1, 0]))),
  },
  'GW-S15': {
    broken: () => environWith((env) => void (env['wsgi.url_scheme'] = 'HTTPS')),
    correct: () => environWith((env) => void (env['wsgi.url_scheme'] = 'https')),
  },
  'GW-S16': {
    broken: () =>
      environWith((env) => void (env['wsgi.input'] = { read: async () => new Uint8Array(0) })),
    correct: () => environWith((env) => void (env['wsgi.input'] = bytesInput(enc('x')))),
  },
  'GW-S17': {
    broken: () => environWith((env) => void (env['wsgi.errors'] = { write: () => {} })),
    correct: () =>
      environWith((env) => void (env['wsgi.errors'] = { write() {}, writelines() {}, flush() {} })),
  },
  'GW-S18': {
    broken: () => environWith((env) => void (env['wsgi.multithread'] = true)),
    correct: () => environWith((env) => void (env['wsgi.run_once'] = true)),
  },
  'GW-S19': {
    broken: () => environWith((env) => void (env['wsgi.input_terminated'] = false)),
    correct: () => environWith(() => undefined),
  },
  'GW-S20': {
    broken: () => environWith((env) => void (env['gateway.signal'] = { aborted: false })),
    correct: () => environWith((env) => void (env['gateway.signal'] = AbortSignal.timeout(60_000))),
  },
  'GW-S21': {
    broken: () => environWith((env) => void (env['wsgi.file_wrapper'] = true)),
    correct: () => environWith((env) => void (env['wsgi.file_wrapper'] = () => [])),
  },
  'GW-S22': {
    broken: () => host(hello, { fault: 'no-start-response' }),
    correct: () => host(hello),
  },
  'GW-S23': {
    broken: () =>
      host(
        reading((input) => input.read()),
        { environ: withInput(scriptedInput(['abc'])) },
      ),
    correct: () =>
      host(
        reading((input) => input.read()),
        { environ: withInput(scriptedInput([enc('abc')])) },
      ),
  },
  'GW-S24': {
    broken: () =>
      host(
        reading((input) => input.read(2)),
        { environ: withInput(scriptedInput([enc('abcde')])) },
      ),
    correct: () =>
      host(
        reading((input) => input.read(2)),
        { environ: withInput(scriptedInput([enc('ab')])) },
      ),
  },
  'GW-S25': {
    broken: () =>
      host(
        reading(async (input) => [await input.read(), await input.read()]),
        {
          environ: withInput(scriptedInput([new Uint8Array(0), enc('late')])),
        },
      ),
    correct: () =>
      host(
        reading(async (input) => [await input.read(), await input.read()]),
        {
          environ: withInput(scriptedInput([new Uint8Array(0), new Uint8Array(0)])),
        },
      ),
  },
  'GW-S26': {
    broken: () =>
      host(
        reading((input) => input.read()),
        { environ: withInput(scriptedInput([enc('abcde')]), { CONTENT_LENGTH: '2' }) },
      ),
    correct: () =>
      host(
        reading((input) => input.read()),
        { environ: withInput(scriptedInput([enc('abcde')]), { CONTENT_LENGTH: '5' }) },
      ),
  },
  'GW-A02': {
    broken: () => host(reading((input) => input.read('10' as unknown as number))),
    correct: () => host(reading((input) => input.read(-1))),
  },
  'GW-A03': {
    broken: () =>
      host(
        reading((input) => Promise.all([input.read(1), input.read(1)])),
        { environ: withInput(bytesInput(enc('ab'))) },
      ),
    correct: () =>
      host(
        reading(async (input) => [await input.read(1), await input.read(1)]),
        { environ: withInput(bytesInput(enc('ab'))) },
      ),
  },
  'GW-A04': {
    broken: () =>
      host(
        validator((environ, sr) => {
          environ['wsgi.errors'].write(new Error('boom') as unknown as string)
          return (ok(sr), [])
        }),
      ),
    correct: () =>
      host(
        validator((environ, sr) => {
          environ['wsgi.errors'].writelines(['boom', '\n'])
          return (ok(sr), [])
        }),
      ),
  },
  'GW-A05': {
    broken: () => host(answer([], 'x', '200')),
    correct: () => host(answer([], 'x', '299 Custom Thing')),
  },
  'GW-A06': {
    broken: () =>
      host(answer(new Map([['Content-Type', 'text/plain']]) as unknown as ResponseHeaders, 'x')),
    correct: () =>
      host(answer([...new Map<string, string>([['Content-Type', 'text/plain']])], 'x')),
  },
  'GW-A07': {
    broken: () => host(answer([['Content-Length', 1 as unknown as string]], 'x')),
    correct: () => host(answer([['Content-Length', '1']], 'x')),
  },
  'GW-A08': {
    broken: () => host(answer([['Content Type', 'text/plain']], 'x')),
    correct: () => host(answer([['X-Request-Id', 'abc']], 'x')),
  },
  'GW-A09': {
    broken: () => host(answer([['Location', '/\r\nSet-Cookie: session=stolen']], 'x')),
    correct: () => host(answer([['X-Note', 'caf\u00e9\tnoir']], 'x')),
  },
  'GW-A10': {
    broken: () => host(answer([['Transfer-Encoding', 'chunked']], 'x')),
    correct: () => host(answer([['Vary', 'Accept-Encoding']], 'x')),
  },
  'GW-A11': {
    broken: () => host(answer([['Status', '404 Not Found']], 'x')),
    correct: () => host(answer([], 'x', '404 Not Found')),
  },
  'GW-A12': {
    broken: () =>
      host(
        validator((_e, sr) => {
          ok(sr)
          sr('500 Internal Server Error', [])
          return []
        }),
      ),
    correct: () =>
      host(
        validator((_e, sr) => {
          ok(sr)
          sr('500 Internal Server Error', [], new Error('template failed'))
          return []
        }),
      ),
  },
  'GW-A13': {
    broken: () =>
      host(
        validator((_e, sr) => {
          ok(sr)
          sr('500 Internal Server Error', [], 'template failed')
          return []
        }),
      ),
    correct: () =>
      host(
        validator((_e, sr) => {
          sr('500 Internal Server Error', [], new TypeError('first call with excInfo is fine'))
          return []
        }),
      ),
  },
  'GW-A14': {
    broken: () =>
      host(
        validator((_e, sr) => {
          ok(sr)
          return Object.assign([enc('x')], {
            close: () => void sr('500 Internal Server Error', []),
          })
        }),
      ),
    correct: () =>
      host(
        validator((_e, sr) => {
          ok(sr)
          return Object.assign([enc('x')], { close: () => {} })
        }),
      ),
  },
  'GW-S27': {
    broken: () => host(hello, { fault: 'write-missing' }),
    correct: () => host(hello),
  },
  'GW-S28': {
    broken: () => host(lateError, { fault: 'no-rethrow' }),
    correct: () => host(lateError),
  },
  'GW-A15': {
    broken: () => host(writing(async (write) => write('hello' as unknown as Uint8Array))),
    correct: () => host(writing(async (write) => write(enc('hello')))),
  },
  'GW-A16': {
    broken: () =>
      host(
        writing(async (write) => {
          void write(enc('a')).catch(() => {})
          await write(enc('b'))
        }),
      ),
    correct: () =>
      host(
        writing(async (write) => {
          await write(enc('a'))
          await write(enc('b'))
        }),
      ),
  },
  'GW-A17': {
    broken: () =>
      host(
        validator((_e, sr) => {
          const write = ok(sr)
          return (async function* () {
            await write(enc('from inside the body'))
          })()
        }),
      ),
    correct: () =>
      host(
        validator(async (_e, sr) => {
          await ok(sr)(enc('before returning'))
          return (async function* () {
            yield enc(', then the body')
          })()
        }),
      ),
  },
  'GW-A18': {
    broken: () => host(returning('hello')),
    correct: () => host(returning([enc('hello')])),
  },
  'GW-A19': {
    broken: () => host(returning(enc('hello'))),
    correct: () => host(returning([enc('hello')])),
  },
  'GW-A20': {
    broken: () => host(returning({ body: 'hello' })),
    correct: () => host(returning(new Set([enc('hello')]))),
  },
  'GW-A21': {
    broken: () => host(returning(Object.assign([enc('x')], { close: 'after sending' }))),
    correct: () => host(returning(Object.assign([enc('x')], { close: undefined }))),
  },
  'GW-A22': {
    broken: () =>
      host(
        returning(
          (function* () {
            yield 'hello'
          })(),
        ),
      ),
    correct: () =>
      host(
        returning(
          (function* () {
            yield Buffer.from('hello')
          })(),
        ),
      ),
  },
  'GW-A23': {
    broken: () =>
      host(
        validator((_e, sr) =>
          (async function* () {
            yield enc('too early')
            ok(sr)
          })(),
        ),
      ),
    correct: () =>
      host(
        validator((_e, sr) =>
          (async function* () {
            yield new Uint8Array(0)
            ok(sr)
            yield enc('in time')
          })(),
        ),
      ),
  },
  'GW-A24': {
    broken: () => host(validator(() => [])),
    correct: () => host(validator((_e, sr) => (ok(sr), []))),
  },
  'GW-A25': {
    broken: () =>
      host(
        answer(
          [
            ['Content-Length', '5'],
            ['Content-Length', '6'],
          ],
          'hello',
        ),
      ),
    correct: () =>
      host(
        answer(
          [
            ['Content-Length', '5'],
            ['content-length', '5'],
          ],
          'hello',
        ),
      ),
  },
  'GW-A26': {
    broken: () => host(answer([['Content-Length', '2']], 'hello')),
    correct: () => host(answer([['Content-Length', '5']], 'hello')),
  },
  'GW-A27': {
    // 'héllo' is 5 characters but 6 bytes: the usual way to get Content-Length wrong.
    broken: () => host(answer([['Content-Length', '7']], 'héllo')),
    correct: () => host(answer([['Content-Length', '6']], 'héllo')),
  },
  'GW-A28': {
    broken: () =>
      host(answer([['Content-Length', '5']], 'hello'), {
        environ: (env) => void (env.REQUEST_METHOD = 'HEAD'),
      }),
    correct: () =>
      host(answer([['Content-Length', '5']], ''), {
        environ: (env) => void (env.REQUEST_METHOD = 'HEAD'),
      }),
  },
  'GW-A29': {
    broken: () => host(answer([], 'unchanged', '304 Not Modified')),
    correct: () => host(answer([['Content-Length', '9']], '', '304 Not Modified')),
  },
  'GW-S29': {
    broken: () => host(streaming, { fault: 'concurrent-pull' }),
    correct: () => host(streaming),
  },
  'GW-S30': {
    broken: () => host(streaming, { fault: 'close-twice' }),
    correct: () => host(streaming),
  },
  'GW-S31': {
    broken: () => host(streaming, { fault: 'pull-after-close' }),
    correct: () => host(streaming),
  },
}

/** Starts a 200 with a first chunk, then fails and tries to replace the status. */
function lateError(environ: Environ, startResponse: StartResponse): Promise<Body> {
  return validator((_e, sr) => {
    ok(sr)
    return (async function* () {
      yield enc('partial')
      const failure = new Error('database went away')
      try {
        sr('500 Internal Server Error', [], failure)
      } catch (error) {
        if (error !== failure) throw error
      }
    })()
  })(environ, startResponse) as Promise<Body>
}

/** An async generator body of three chunks. */
const streaming = validator((_e, sr) => {
  ok(sr)
  return (async function* () {
    yield enc('a')
    yield enc('b')
    yield enc('c')
  })()
})

const writing = (
  use: (write: (chunk: Uint8Array) => Promise<void>) => Promise<unknown>,
): Application =>
  validator(async (_e, sr) => {
    await use(ok(sr))
    return []
  })

const returning = (body: unknown): Application =>
  validator((_e, sr) => {
    ok(sr)
    return body as Body
  })

function codeOf(outcome: Outcome): string | undefined {
  return outcome.error instanceof GatewayValidationError ? outcome.error.code : undefined
}

describe('validator', () => {
  it('has a broken and a correct case for every code in validatorCodes, and no other', () => {
    expect(Object.keys(cases).sort()).toEqual(Object.keys(validatorCodes).sort())
  })

  for (const [code, { broken, correct }] of Object.entries(cases)) {
    const rule = validatorCodes[code as ValidatorCode]
    it(`raises ${code} (${rule.summary}) for the broken ${rule.side}, and nothing for the correct one`, async () => {
      const bad = await broken()
      expect(codeOf(bad), `broken case: ${String(bad.error)}`).toBe(code)
      const error = bad.error as GatewayValidationError
      expect(error.side).toBe(rule.side)
      expect(error.message.startsWith(`${code} (`)).toBe(true)
      const good = await correct()
      expect(good.error, `correct case: ${String(good.error)}`).toBeUndefined()
    })
  }
})

describe('validator, as a transparent middleware', () => {
  it('passes status, headers and body bytes through unchanged', async () => {
    const out = await host(
      answer(
        [
          ['Content-Type', 'text/plain'],
          ['Set-Cookie', 'a=1'],
          ['Set-Cookie', 'b=2'],
        ],
        'hi',
        '201 Created',
      ),
    )
    expect(out).toEqual({
      status: '201 Created',
      headers: [
        ['Content-Type', 'text/plain'],
        ['Set-Cookie', 'a=1'],
        ['Set-Cookie', 'b=2'],
      ],
      body: 'hi',
      errors: '',
    })
  })

  it('keeps an array body an array of the same length, so a server can still compute Content-Length', async () => {
    const body = await validator((_e, sr) => (ok(sr), [enc('hello')]))(
      validEnviron(),
      okStartResponse,
    )
    expect(Array.isArray(body)).toBe(true)
    expect((body as Uint8Array[]).length).toBe(1)
    expect(dec((body as Uint8Array[])[0]!)).toBe('hello')
  })

  it('keeps a sync iterable sync and an async iterable async', async () => {
    const sync = await validator((_e, sr) => (ok(sr), new Set([enc('x')])))(
      validEnviron(),
      okStartResponse,
    )
    expect(Symbol.iterator in sync && !(Symbol.asyncIterator in sync)).toBe(true)
    const async = await validator((_e, sr) => {
      ok(sr)
      return (async function* () {
        yield enc('x')
      })()
    })(validEnviron(), okStartResponse)
    expect(Symbol.asyncIterator in async && !(Symbol.iterator in async)).toBe(true)
  })

  it("calls the application body's close() exactly once when the server closes", async () => {
    let closes = 0
    const out = await host(returning(Object.assign([enc('x')], { close: () => void closes++ })))
    expect(out.error).toBeUndefined()
    expect(closes).toBe(1)
  })

  it("runs a generator body's finally block when the server closes it early", async () => {
    let cleanedUp = false
    const body = await validator((_e, sr) => {
      ok(sr)
      return (async function* () {
        try {
          yield enc('a')
          yield enc('b')
        } finally {
          cleanedUp = true
        }
      })()
    })(validEnviron(), okStartResponse)
    const iterator = (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]()
    await iterator.next()
    await body.close?.()
    expect(cleanedUp).toBe(true)
  })

  it('does not hold close() hostage to a pull that never settles', async () => {
    let closes = 0
    const body = await validator((_e, sr) => {
      ok(sr)
      const stream = (async function* () {
        yield enc('event 1')
        await new Promise<never>(() => {}) // no next event, ever
      })()
      return Object.assign(stream, { close: () => void closes++ })
    })(validEnviron(), okStartResponse)
    const iterator = (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]()
    await iterator.next()
    void iterator.next() // in flight for good: the client left while the app waits
    const closed = Promise.resolve(body.close?.()).then(() => 'closed')
    const timeout = new Promise((resolve) => setTimeout(resolve, 2000, 'still waiting after 2 s'))
    expect(await Promise.race([closed, timeout])).toBe('closed')
    expect(closes).toBe(1)
  })

  it('writes a server-side fault found late to wsgi.errors, since the application may swallow the throw', async () => {
    const out = await host(streaming, { fault: 'close-twice' })
    expect(out.errors).toContain('GW-S30')
    expect(out.errors).toContain('exactly once')
  })

  it('closes the application body when it rejects the body, so nothing leaks', async () => {
    let closed = false
    const out = await host(
      validator((_e, sr) => {
        ok(sr)
        return Object.assign([enc('hello')], { close: () => void (closed = true) }) as Body
      }),
      { environ: (env) => void (env.REQUEST_METHOD = 'HEAD') },
    )
    expect(codeOf(out)).toBe('GW-A28')
    expect(closed).toBe(true)
  })

  it('reports the application returning with a write() still pending as GW-A16', async () => {
    const out = await host(
      validator((_e, sr) => {
        void ok(sr)(enc('not awaited'))
        return []
      }),
    )
    expect(codeOf(out)).toBe('GW-A16')
  })

  it('treats a null excInfo as none given, as PEP 3333 treats exc_info=None (GW-A12)', async () => {
    const out = await host(
      validator((_e, sr) => {
        ok(sr)
        sr('500 Internal Server Error', [], null)
        return []
      }),
    )
    expect(codeOf(out)).toBe('GW-A12')
  })

  it('accepts a HEAD response that declares the GET Content-Length with an empty body', async () => {
    const out = await host(answer([['Content-Length', '1234']], ''), {
      environ: (env) => void (env.REQUEST_METHOD = 'HEAD'),
    })
    expect(out.error).toBeUndefined()
  })

  it('rejects a readline() that returns more than one line as GW-S24', async () => {
    const out = await host(
      reading((input) => input.readline()),
      { environ: withInput(scriptedInput([enc('a\nb\n')])) },
    )
    expect(codeOf(out)).toBe('GW-S24')
  })

  it('lets a well-behaved input be read by line, by size and by iteration', async () => {
    const seen: string[] = []
    const out = await host(
      reading(async (input) => {
        seen.push(dec(await input.readline()))
        seen.push(dec(await input.read(2)))
        for await (const chunk of input) seen.push(dec(chunk))
        seen.push(String((await input.read()).byteLength))
      }),
      { environ: withInput(bytesInput(enc('one\ntwo\nthree')), { CONTENT_LENGTH: '13' }) },
    )
    expect(out.error).toBeUndefined()
    expect(seen).toEqual(['one\n', 'tw', 'o\nthree', '0'])
  })

  it('quotes the culprit and the fix in its message', async () => {
    const out = await host(answer([['Connection', 'close']], 'x'))
    expect((out.error as Error).message).toMatch(/"Connection" is hop-by-hop; remove it/)
  })
})

function validEnviron(): Environ {
  return baseEnviron() as Environ
}

const okStartResponse: StartResponse = () => async () => {}

/** The repository's own host algorithm (BaseHost), recording what it would send. */
class RecordingHost extends BaseHost {
  protected readonly canChunk = true
  head: ResponseHead | undefined
  chunks: string[] = []
  ended = false
  aborted: unknown = undefined
  protected sendHead(head: ResponseHead): void {
    this.head = head
  }
  protected async write(chunk: Uint8Array): Promise<void> {
    await tick()
    this.chunks.push(dec(chunk))
  }
  protected end(): void {
    this.ended = true
  }
  protected abort(reason: unknown): void {
    this.aborted = reason
  }
}

/** Runs `app` behind the real BaseHost; returns the host and what went to wsgi.errors. */
async function realHost(app: Application, extra: Record<string, unknown> = {}) {
  let log = ''
  const environ = setupTestingDefaults({
    'wsgi.errors': { write: (t: string) => void (log += t), writelines() {}, flush() {} },
    ...extra,
  })
  const recording = new RecordingHost()
  await recording.run(app, environ)
  return { host: recording, errors: () => log }
}

describe('validator under the real host algorithm (BaseHost)', () => {
  it('raises nothing for a one-element array, and the host still computes Content-Length', async () => {
    const { host: h, errors } = await realHost(hello)
    expect(errors()).toBe('')
    expect(h.head?.framing).toBe('length')
    expect(h.head?.contentLength).toBe(5)
    expect(h.chunks.join('')).toBe('hello')
  })

  it('raises nothing for a streaming body with a late startResponse, sent chunked', async () => {
    const app = validator((_e, sr) =>
      (async function* () {
        yield new Uint8Array(0)
        ok(sr)
        yield enc('a')
        yield enc('b')
      })(),
    )
    const { host: h, errors } = await realHost(app)
    expect(errors()).toBe('')
    expect(h.head?.framing).toBe('chunked')
    expect(h.chunks.join('')).toBe('ab')
    expect(h.ended).toBe(true)
  })

  it('raises nothing when write() output precedes the body', async () => {
    const app = validator(async (_e, sr) => {
      await ok(sr)(enc('written, '))
      return [enc('returned')]
    })
    const { host: h, errors } = await realHost(app)
    expect(errors()).toBe('')
    expect(h.chunks.join('')).toBe('written, returned')
  })

  it('raises nothing when the host rethrows a late excInfo and the app stops', async () => {
    const { host: h, errors } = await realHost(lateError)
    expect(errors()).toBe('')
    expect(h.head?.status).toBe(200)
    expect(h.chunks.join('')).toBe('partial')
  })

  it('raises nothing for HEAD with the GET Content-Length and an empty body', async () => {
    const { host: h, errors } = await realHost(answer([['Content-Length', '5']], ''), {
      REQUEST_METHOD: 'HEAD',
    })
    expect(errors()).toBe('')
    expect(h.head?.framing).toBe('none')
  })

  it('raises nothing when the client leaves mid-stream: return() and close() once each', async () => {
    const controller = new AbortController()
    let closes = 0
    let cleanedUp = false
    const app = validator((environ, sr) => {
      ok(sr)
      const signal = environ['gateway.signal']
      const stream = (async function* () {
        try {
          yield enc('first')
          controller.abort(new Error('client went away'))
          // Bounded: the signal is already aborted (the host heard it synchronously), so this
          // wait ends at once; a real stream would wait here for its next event.
          if (!signal.aborted) await new Promise((r) => signal.addEventListener('abort', r))
          await tick()
          yield enc('never sent')
        } finally {
          cleanedUp = true
        }
      })()
      return Object.assign(stream, { close: () => void closes++ })
    })
    const { host: h, errors } = await realHost(app, { 'gateway.signal': controller.signal })
    await tick()
    expect(errors()).not.toMatch(/GW-[AS]/)
    expect(closes).toBe(1)
    expect(cleanedUp).toBe(true)
    expect(h.chunks).toEqual(['first'])
  })

  it('lets the host finish when the client leaves while the body waits for an event that never comes', async () => {
    const controller = new AbortController()
    let closes = 0
    const app = validator((_e, sr) => {
      ok(sr)
      const stream = (async function* () {
        yield enc('event 1')
        setTimeout(() => controller.abort(new Error('client went away')), 10)
        // A server-sent-events stream with no next event: this step never settles.
        await new Promise<never>(() => {})
      })()
      return Object.assign(stream, { close: () => void closes++ })
    })
    const finished = realHost(app, { 'gateway.signal': controller.signal }).then(() => 'finished')
    const timeout = new Promise((resolve) => setTimeout(resolve, 2000, 'still waiting after 2 s'))
    expect(await Promise.race([finished, timeout])).toBe('finished')
    expect(closes).toBe(1)
  })

  it("turns an application's broken Content-Length into the host's 500, with the code logged", async () => {
    const { host: h, errors } = await realHost(answer([['Content-Length', '2']], 'hello'))
    expect(errors()).toContain('GW-A26')
    expect(h.head?.status).toBe(500)
  })
})

/** Status, headers (Date aside, it ticks) and body of the in-process host's response. */
async function response(app: Application, request: InProcessRequest = {}) {
  const out = await callApplication(app, request)
  return {
    status: `${out.status} ${out.statusText}`,
    headers: out.headers.filter(([name]) => name.toLowerCase() !== 'date'),
    body: out.text(),
    aborted: out.aborted,
    errors: out.errors,
  }
}

describe('validator behind callApplication (the in-process host)', () => {
  const apps: [string, Application, InProcessRequest][] = [
    ['a one-element array', (_e, sr) => (ok(sr), [enc('hello')]), {}],
    [
      'an async generator',
      (_e, sr) => {
        ok(sr)
        return (async function* () {
          yield enc('a')
          yield enc('b')
        })()
      },
      {},
    ],
    [
      'write() then a body',
      async (_e, sr) => {
        await ok(sr)(enc('written '))
        return [enc('returned')]
      },
      {},
    ],
    [
      'HEAD with the GET length',
      (_e, sr) => (ok(sr, [['Content-Length', '5']]), []),
      { method: 'HEAD' },
    ],
    [
      'an error page replacing a status before the head',
      (_e, sr) => {
        ok(sr)
        sr('503 Service Unavailable', [['Retry-After', '1']], new Error('pool exhausted'))
        return [enc('busy')]
      },
      {},
    ],
    [
      'a request body read by line, by size, by iteration, then past the end',
      async (environ, sr) => {
        const input = environ['wsgi.input']
        const parts = [await input.readline(), await input.read(3)]
        for await (const chunk of input) parts.push(chunk)
        parts.push(await input.read(), await input.read())
        ok(sr)
        return parts
      },
      { method: 'POST', body: 'line1\nabcrest of it' },
    ],
  ]

  for (const [what, app, request] of apps) {
    it(`changes nothing in the response for ${what}, and finds no fault in the host`, async () => {
      const plain = await response(app, request)
      const checked = await response(validator(app), request)
      expect(checked).toEqual(plain)
      expect(checked.errors).toBe('')
    })
  }

  it("reports a broken application through the host's log, as a 500", async () => {
    const out = await response(returning('hello'))
    expect(out.status).toBe('500 Internal Server Error')
    expect(out.errors).toContain('GW-A18')
  })

  it('finds no server fault when the client leaves mid-stream', async () => {
    const controller = new AbortController()
    let closes = 0
    const app = validator((_e, sr) => {
      ok(sr)
      const stream = (async function* () {
        yield enc('first')
        controller.abort(new Error('client went away'))
        await tick()
        yield enc('too late')
      })()
      return Object.assign(stream, { close: () => void closes++ })
    })
    const out = await response(app, { signal: controller.signal })
    expect(out.errors).not.toMatch(/GW-S/)
    expect(closes).toBe(1)
  })
})
