/**
 * The CGI host in process: the environ it builds from CGI meta-variables, and the bytes it writes
 * for a response, over real node streams standing in for stdin, stdout and stderr.
 */
import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { CgiError, cgiEnviron, cgiVariables, runCgi } from '../../framework/gateway/index.ts'
import type { Application, Environ } from '../../framework/gateway/index.ts'

const encoder = new TextEncoder()
const bytes = (text: string) => encoder.encode(text)
const latin1 = (data: Uint8Array) => Buffer.from(data).toString('latin1')

/** A real Writable that keeps what it gets; `hold` delays every write's callback until release(). */
class Collector extends Writable {
  chunks: Buffer[] = []
  #held: (() => void)[] = []
  hold = false

  constructor() {
    super({ highWaterMark: 16 })
  }

  override _write(chunk: Buffer, _encoding: string, callback: (error?: Error | null) => void) {
    this.chunks.push(chunk)
    if (this.hold) this.#held.push(() => callback())
    else callback()
  }

  release() {
    const held = this.#held
    this.#held = []
    for (const done of held) done()
  }

  get text(): string {
    return Buffer.concat(this.chunks).toString('latin1')
  }
}

const request = { REQUEST_METHOD: 'GET', SERVER_PROTOCOL: 'HTTP/1.1', PATH_INFO: '/' }

async function serve(
  app: Application,
  variables: Record<string, string> = request,
  stdin: Uint8Array[] = [],
) {
  const stdout = new Collector()
  let errors = ''
  const ok = await runCgi(app, {
    variables,
    stdin,
    stdout,
    stderr: (text) => (errors += text),
    date: false,
  })
  return { ok, out: stdout.text, errors, stdout }
}

const hello: Application = (_environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']])
  return [bytes('Hello World')]
}

describe('cgiVariables', () => {
  it('keeps every byte of the raw environment block as one latin-1 code unit', () => {
    const raw = Buffer.concat([
      Buffer.from('PATH_INFO=/a'),
      Buffer.from([0xff, 0xc3, 0xa9]),
      Buffer.from('\0X=1\0'),
    ])
    expect(cgiVariables(new Uint8Array(raw))).toEqual({ PATH_INFO: '/a\u00ff\u00c3\u00a9', X: '1' })
  })

  it('turns decoded strings back into their UTF-8 bytes, as latin-1', () => {
    expect(cgiVariables({ PATH_INFO: '/café', GONE: undefined })).toEqual({
      PATH_INFO: '/caf\u00c3\u00a9',
    })
  })
})

describe('cgiEnviron', () => {
  const streams = { stdin: [], stderr: () => undefined }

  it('fills the keys a CGI server may leave out with their defaults', () => {
    const environ = cgiEnviron({ REQUEST_METHOD: 'GET' }, streams)
    expect(environ).toMatchObject({
      SCRIPT_NAME: '',
      PATH_INFO: '',
      QUERY_STRING: '',
      SERVER_NAME: 'localhost',
      SERVER_PORT: '80',
      SERVER_PROTOCOL: 'HTTP/1.0',
    })
  })

  it('says one request, one process: run_once and multiprocess true, multithread false', () => {
    const environ = cgiEnviron({ REQUEST_METHOD: 'GET' }, streams)
    expect([
      environ['wsgi.run_once'],
      environ['wsgi.multiprocess'],
      environ['wsgi.multithread'],
    ]).toEqual([true, true, false])
    expect(environ['wsgi.version']).toEqual([1, 0])
    expect(environ['wsgi.input_terminated']).toBe(true)
  })

  it("maps HTTPS=on to the url scheme 'https' and port 443", () => {
    const environ = cgiEnviron({ REQUEST_METHOD: 'GET', HTTPS: 'on' }, streams)
    expect([environ['wsgi.url_scheme'], environ.SERVER_PORT]).toEqual(['https', '443'])
    expect(cgiEnviron({ REQUEST_METHOD: 'GET', HTTPS: 'off' }, streams)['wsgi.url_scheme']).toBe(
      'http',
    )
  })

  it("also takes REQUEST_SCHEME=https as the url scheme 'https'", () => {
    const environ = cgiEnviron({ REQUEST_METHOD: 'GET', REQUEST_SCHEME: 'https' }, streams)
    expect(environ['wsgi.url_scheme']).toBe('https')
  })

  it('drops HTTP_CONTENT_LENGTH and HTTP_CONTENT_TYPE, keeping CONTENT_* only', () => {
    const environ = cgiEnviron(
      {
        REQUEST_METHOD: 'POST',
        CONTENT_LENGTH: '3',
        CONTENT_TYPE: 'text/plain',
        HTTP_CONTENT_LENGTH: '3',
        HTTP_CONTENT_TYPE: 'text/plain',
        HTTP_X_A: 'b',
      },
      streams,
    )
    expect(Object.keys(environ).filter((key) => key.startsWith('HTTP_'))).toEqual(['HTTP_X_A'])
    expect([environ.CONTENT_LENGTH, environ.CONTENT_TYPE]).toEqual(['3', 'text/plain'])
  })

  it('throws GW-C01 when REQUEST_METHOD is missing (not started by a web server)', () => {
    expect(() => cgiEnviron({}, streams)).toThrow(CgiError)
    expect(() => cgiEnviron({}, streams)).toThrow(/REQUEST_METHOD is not set/)
  })

  it('throws GW-C02 for a CONTENT_LENGTH that is not decimal digits', () => {
    try {
      cgiEnviron({ REQUEST_METHOD: 'POST', CONTENT_LENGTH: '12abc' }, streams)
      expect.unreachable()
    } catch (error) {
      expect((error as CgiError).code).toBe('GW-C02')
      expect((error as CgiError).message).toContain('"12abc"')
    }
  })
})

describe('runCgi', () => {
  it('writes Status, the headers, a blank line and the body, with CRLF line ends', async () => {
    const { ok, out } = await serve(hello)
    expect(ok).toBe(true)
    expect(out).toBe(
      'Status: 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 11\r\n\r\nHello World',
    )
  })

  it('never frames the body itself: a generator body goes out raw, without Transfer-Encoding', async () => {
    const app: Application = (_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']])
      return (function* () {
        yield bytes('one ')
        yield bytes('two')
      })()
    }
    const { out } = await serve(app)
    expect(out).toBe('Status: 200 OK\r\nContent-Type: text/plain\r\n\r\none two')
  })

  it('reads wsgi.input only up to CONTENT_LENGTH, even when stdin holds more', async () => {
    let body = ''
    const app: Application = async (environ, startResponse) => {
      body = latin1(await environ['wsgi.input'].read())
      startResponse('204 No Content', [])
      return []
    }
    await serve(app, { ...request, REQUEST_METHOD: 'POST', CONTENT_LENGTH: '5' }, [
      bytes('hel'),
      bytes('lo, and more'),
    ])
    expect(body).toBe('hello')
  })

  it('gives an empty wsgi.input without CONTENT_LENGTH (RFC 3875: no body)', async () => {
    let body: Uint8Array | undefined
    const app: Application = async (environ, startResponse) => {
      body = await environ['wsgi.input'].read()
      startResponse('204 No Content', [])
      return []
    }
    await serve(app, request, [bytes('stray bytes')])
    expect(body).toEqual(new Uint8Array(0))
  })

  it('sends no body for HEAD', async () => {
    const { out } = await serve(hello, { ...request, REQUEST_METHOD: 'HEAD' })
    expect(out).toBe(
      'Status: 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 11\r\n\r\n',
    )
  })

  it('pulls the next chunk only after stdout accepted the previous one (backpressure)', async () => {
    let pulled = 0
    const app: Application = (_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'application/octet-stream']])
      return (function* () {
        for (let i = 0; i < 5; i++) {
          pulled++
          yield new Uint8Array(1024)
        }
      })()
    }
    const stdout = new Collector()
    stdout.hold = true
    const done = runCgi(app, { variables: request, stdin: [], stdout, stderr: () => undefined })
    await new Promise((resolve) => setTimeout(resolve, 50))
    // The head and the first chunk are in flight; the generator must not have run ahead.
    expect(pulled).toBe(1)
    for (let i = 0; i < 20 && pulled < 5; i++) {
      stdout.release()
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    stdout.hold = false
    stdout.release()
    expect(await done).toBe(true)
    expect(pulled).toBe(5)
  })

  it('answers 500 and logs the error to stderr when the app throws before its first byte', async () => {
    const app: Application = () => {
      throw new Error('boom before the head')
    }
    const { ok, out, errors } = await serve(app)
    expect(out.startsWith('Status: 500 Internal Server Error\r\n')).toBe(true)
    expect(out).not.toContain('boom')
    expect(errors).toContain('boom before the head')
    expect(ok).toBe(true)
  })

  it('closes stdout and resolves false when the app fails after the head (the response is cut)', async () => {
    let closed = 0
    const app: Application = (_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']])
      const body = (async function* () {
        yield bytes('partial ')
        throw new Error('boom mid-body')
      })()
      return Object.assign(body, { close: () => void closed++ })
    }
    const { ok, out, errors, stdout } = await serve(app)
    expect(ok).toBe(false)
    expect(stdout.destroyed).toBe(true)
    expect(out.endsWith('partial ')).toBe(true)
    expect(errors).toContain('boom mid-body')
    expect(closed).toBe(1)
  })

  it('answers 417 to an Expect other than 100-continue without calling the app', async () => {
    let called = false
    const app: Application = (environ, startResponse) => {
      called = true
      return hello(environ, startResponse)
    }
    const { out } = await serve(app, { ...request, HTTP_EXPECT: 'something-else' })
    expect(out.startsWith('Status: 417 Expectation Failed\r\n')).toBe(true)
    expect(called).toBe(false)
  })

  it('answers 400 with the reason to a malformed CONTENT_LENGTH', async () => {
    const { out } = await serve(hello, { ...request, REQUEST_METHOD: 'POST', CONTENT_LENGTH: '-1' })
    expect(out.startsWith('Status: 400 Bad Request\r\n')).toBe(true)
    expect(out).toContain('CONTENT_LENGTH is "-1"')
  })

  it('aborts gateway.signal and calls close() once when the given signal fires (SIGTERM)', async () => {
    const controller = new AbortController()
    let seen: Environ | undefined
    let closed = 0
    const app: Application = (environ, startResponse) => {
      seen = environ
      startResponse('200 OK', [['Content-Type', 'text/plain']])
      const body = (async function* () {
        yield bytes('tick ')
        controller.abort()
        await new Promise((resolve) => setTimeout(resolve, 10_000))
      })()
      return Object.assign(body, { close: () => void closed++ })
    }
    const stdout = new Collector()
    const ok = await runCgi(app, {
      variables: request,
      stdin: [],
      stdout,
      stderr: () => undefined,
      signal: controller.signal,
    })
    expect(ok).toBe(false)
    expect(seen?.['gateway.signal'].aborted).toBe(true)
    expect(closed).toBe(1)
  })

  it('throws GW-C01 rather than writing a response when REQUEST_METHOD is missing', async () => {
    await expect(serve(hello, {})).rejects.toMatchObject({ code: 'GW-C01' })
  })
})
