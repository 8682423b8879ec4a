/**
 * The conformance kit, run for real: against the node:http host and the Fetch host (served through
 * node:http by serveFetchOnNode), one `it` per check so a failure names the check; plus proof that
 * the kit fails what it should (a buffering middleware, a host that never answers) and reports
 * n/a and its own misuse clearly.
 */
import { createServer as createNetServer } from 'node:net'
import { createServer } from 'node:http'
import type { RequestListener } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  ConformanceError,
  ErrorsStream,
  conformanceChecks,
  runConformance,
  serveFetchOnNode,
  toFetchHandler,
  toNodeListener,
} from '../../framework/gateway/index.ts'
import type {
  Application,
  ConformanceHost,
  ConformanceReport,
} from '../../framework/gateway/index.ts'
import { parseResponse } from '../../framework/gateway/conformance/response-parser.ts'

/** A host that serves `listen(app)` on node:http at 127.0.0.1, port 0. */
function nodeHost(
  name: string,
  listen: (app: Application) => RequestListener,
  options: { notApplicable?: Record<string, string>; checkContinue?: boolean } = {},
): ConformanceHost {
  const { notApplicable, checkContinue = true } = options
  return {
    name,
    ...(notApplicable ? { notApplicable } : {}),
    async start(probe) {
      const listener = listen(probe.application)
      const server = createServer(listener)
      // Without a checkContinue listener node answers 100 Continue itself, before the app reads.
      if (checkContinue) server.on('checkContinue', listener)
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject)
        server.listen(0, '127.0.0.1', () => resolve())
      })
      const { port } = server.address() as AddressInfo
      return {
        url: `http://127.0.0.1:${port}`,
        stop: () =>
          new Promise<void>((resolve) => {
            server.closeAllConnections()
            server.close(() => resolve())
          }),
      }
    },
  }
}

/** wsgi.errors for the hosts: the probe fails on purpose (500s, overruns); keep stderr clean. */
const quiet = new ErrorsStream(() => {})

const hosts: ConformanceHost[] = [
  nodeHost('node:http host (toNodeListener)', (app) => toNodeListener(app, { errors: quiet })),
  nodeHost('Fetch host (toFetchHandler through serveFetchOnNode)', (app) =>
    serveFetchOnNode(toFetchHandler(app, { errors: quiet })),
  ),
]

for (const host of hosts) {
  describe(`conformance of the ${host.name}`, () => {
    let report: ConformanceReport
    beforeAll(async () => {
      report = await runConformance(host)
      console.log(report.format())
    }, 180_000)

    for (const check of conformanceChecks) {
      it(`${check.id}: ${check.title}`, () => {
        const row = report.row(check.id)
        expect(row?.outcome, row?.reason).toBe('pass')
      })
    }
  })
}

/**
 * A middleware that collects the whole body before passing it on and drops close(): the classic
 * streaming-breaking wrapper (Starlette's BaseHTTPMiddleware). Seen from outside, the host now
 * buffers and never closes.
 */
function bufferingMiddleware(app: Application): Application {
  return async (environ, startResponse) => {
    const body = await app(environ, startResponse)
    const chunks: Uint8Array[] = []
    for await (const chunk of body) chunks.push(chunk)
    return [Buffer.concat(chunks)]
  }
}

/**
 * A fake host over node:net that answers the first request of each connection with canned bytes
 * chosen by path, then closes: the way to show the kit a wire-level violation no real host makes.
 */
function cannedHost(answers: Record<string, string>): ConformanceHost {
  const sockets = new Set<Socket>()
  const server = createNetServer((socket) => {
    sockets.add(socket)
    let head = ''
    socket.on('data', (chunk: Buffer) => {
      head += chunk.toString('latin1')
      if (!head.includes('\r\n\r\n')) return
      const path = (head.split(' ')[1] ?? '').split('?')[0] ?? ''
      socket.end(
        Buffer.from(
          answers[path] ?? 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n',
          'latin1',
        ),
      )
    })
  })
  return {
    name: 'canned',
    async start() {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      const { port } = server.address() as AddressInfo
      return {
        url: `http://127.0.0.1:${port}`,
        stop: () =>
          new Promise<void>((resolve) => {
            for (const socket of sockets) socket.destroy()
            server.close(() => resolve())
          }),
      }
    },
  }
}

describe('runConformance', () => {
  it('fails the environ checks when a host builds a wrong environ', async () => {
    const host = nodeHost('bad environ', (app) =>
      toNodeListener(app, {
        errors: quiet,
        environ(environ) {
          // The mistakes the checks exist for: '?' kept, UTF-8 decoded, Content-Type duplicated.
          if (environ.QUERY_STRING) environ.QUERY_STRING = `?${environ.QUERY_STRING}`
          environ.PATH_INFO = decodeURIComponent(
            environ.PATH_INFO.replace(
              /[\u0080-\u00ff]/g,
              (c) => `%${c.charCodeAt(0).toString(16)}`,
            ),
          )
          environ.HTTP_CONTENT_TYPE = environ.CONTENT_TYPE
        },
      }),
    )
    const report = await runConformance(host, {
      only: [
        'env.path_info_latin1',
        'env.query_string_raw',
        'env.content_keys',
        'env.strings_latin1',
      ],
    })
    expect(report.rows.map((row) => [row.id, row.outcome])).toEqual([
      ['env.path_info_latin1', 'fail'],
      ['env.query_string_raw', 'fail'],
      ['env.content_keys', 'fail'],
      ['env.strings_latin1', 'fail'],
    ])
    expect(report.row('env.query_string_raw')?.reason).toContain('"?a=%20b&c"')
    expect(report.row('env.strings_latin1')?.reason).toMatch(/code units above 0xFF: PATH_INFO/)
  })

  it('fails input.expect_100_continue when the server answers 100 before the app reads', async () => {
    const host = nodeHost('eager 100', (app) => toNodeListener(app, { errors: quiet }), {
      checkContinue: false,
    })
    const report = await runConformance(host, { only: ['input.expect_100_continue'] })
    expect(report.row('input.expect_100_continue')).toMatchObject({
      outcome: 'fail',
      reason: expect.stringMatching(
        /answered before the app read wsgi.input: "HTTP\/1.1 100 Continue/,
      ),
    })
  })

  it('fails response checks on wire-level violations: overrun, stray 204 body, folded Set-Cookie, no chunking', async () => {
    const host = cannedHost({
      '/content-length/over': 'HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\n0123456789abcdefghij',
      '/status/204': 'HTTP/1.1 204 No Content\r\n\r\n0\r\n\r\n',
      '/set-cookie':
        'HTTP/1.1 200 OK\r\nSet-Cookie: first=1; Path=/, second=2; Path=/; HttpOnly\r\nContent-Length: 0\r\n\r\n',
      '/multi-chunk': 'HTTP/1.1 200 OK\r\n\r\none two three',
    })
    const report = await runConformance(host, {
      only: [
        'resp.content_length_never_exceeded',
        'resp.chunked_http11',
        'resp.204_no_body',
        'resp.set_cookie_repeated',
      ],
      timeoutMs: 1000,
    })
    expect(report.failed.map((row) => row.id)).toEqual([
      'resp.content_length_never_exceeded',
      'resp.chunked_http11',
      'resp.204_no_body',
      'resp.set_cookie_repeated',
    ])
    expect(report.row('resp.content_length_never_exceeded')?.reason).toContain(
      '"0123456789abcdefghij"',
    )
    expect(report.row('resp.chunked_http11')?.reason).toMatch(
      /framing: expected "chunked", got "close"/,
    )
    expect(report.row('resp.204_no_body')?.reason).toMatch(
      /pipelined request|not an HTTP\/1.x status line/,
    )
  })

  it('fails streaming, backpressure and close() checks for a host behind a buffering middleware', async () => {
    const host = nodeHost('buffering', (app) =>
      toNodeListener(bufferingMiddleware(app), { errors: quiet }),
    )
    const report = await runConformance(host, {
      only: [
        'resp.set_cookie_repeated',
        'stream.not_buffered',
        'stream.backpressure',
        'close.normal_end',
      ],
      timeoutMs: 2000,
    })
    expect(report.rows.map((row) => [row.id, row.outcome])).toEqual([
      ['resp.set_cookie_repeated', 'pass'],
      ['close.normal_end', 'fail'],
      ['stream.not_buffered', 'fail'],
      ['stream.backpressure', 'fail'],
    ])
    expect(report.row('close.normal_end')?.reason).toMatch(/close\(\) was not called/)
    expect(report.row('stream.not_buffered')?.reason).toMatch(/timed out .* first chunk/)
    expect(report.row('stream.backpressure')?.reason).toMatch(/MiB while the client read nothing/)
  }, 60_000)

  it('fails a check with a timeout reason, instead of hanging, when the host never answers', async () => {
    const sockets = new Set<Socket>()
    // Accepts, reads and discards the request, and never says a word.
    const silent = createNetServer((socket) => {
      sockets.add(socket)
      socket.resume()
    })
    const host: ConformanceHost = {
      name: 'silent',
      async start() {
        await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
        const { port } = silent.address() as AddressInfo
        return {
          url: `http://127.0.0.1:${port}`,
          stop: () =>
            new Promise<void>((resolve) => {
              for (const socket of sockets) socket.destroy()
              silent.close(() => resolve())
            }),
        }
      },
    }
    const started = Date.now()
    const report = await runConformance(host, {
      only: ['resp.set_cookie_repeated'],
      timeoutMs: 300,
    })
    expect(report.row('resp.set_cookie_repeated')).toMatchObject({
      outcome: 'fail',
      reason: expect.stringMatching(/timed out after 300 ms/),
    })
    expect(Date.now() - started).toBeLessThan(5000)
  })

  it('reports a check the host declares not applicable as n/a with its reason, never as a pass', async () => {
    const host = nodeHost('cgi-like', (app) => toNodeListener(app, { errors: quiet }), {
      notApplicable: {
        'input.expect_100_continue': 'the web server in front answers 100-continue itself',
      },
    })
    const report = await runConformance(host, { only: ['input.expect_100_continue'] })
    expect(report.row('input.expect_100_continue')).toMatchObject({
      outcome: 'n/a',
      reason: 'the web server in front answers 100-continue itself',
    })
    expect(report.format()).toMatch(/0 pass, 0 fail, 1 n\/a/)
  })

  it('rejects an unknown check id with CONFORMANCE_UNKNOWN_CHECK naming it', async () => {
    const host = nodeHost('any', (app) => toNodeListener(app, { errors: quiet }))
    const error = await runConformance(host, { only: ['env.nope'] }).catch(
      (caught: unknown) => caught,
    )
    expect(error).toBeInstanceOf(ConformanceError)
    expect(error).toMatchObject({
      code: 'CONFORMANCE_UNKNOWN_CHECK',
      message: expect.stringContaining('"env.nope"'),
    })
  })

  it('rejects with CONFORMANCE_HOST_START when the host cannot start', async () => {
    const host: ConformanceHost = {
      name: 'broken',
      start: () => Promise.reject(new Error('port in use')),
    }
    await expect(runConformance(host)).rejects.toMatchObject({
      code: 'CONFORMANCE_HOST_START',
      message: expect.stringContaining('port in use'),
    })
  })

  it('formats a grid with a summary line and one line per check', async () => {
    const host = nodeHost('node', (app) => toNodeListener(app, { errors: quiet }))
    const report = await runConformance(host, {
      only: ['env.query_string_raw', 'resp.content_length_computed'],
    })
    const lines = report.format().split('\n')
    expect(lines[0]).toMatch(/^Gateway conformance of node: \d pass, \d fail, 0 n\/a$/)
    expect(
      lines.filter((line) =>
        /^\s+(env\.query_string_raw|resp\.content_length_computed)\s/.test(line),
      ),
    ).toHaveLength(2)
  })
})

describe('parseResponse', () => {
  const bytes = (text: string): Buffer => Buffer.from(text, 'latin1')

  it('un-chunks a chunked body and reports where the response ended', () => {
    const wire = bytes(
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\nNEXT',
    )
    const result = parseResponse(wire, 0, {})
    expect(result.state).toBe('done')
    if (result.state !== 'done') return
    expect(result.response).toMatchObject({ status: 200, framing: 'chunked', complete: true })
    expect(result.response.body.toString()).toBe('abcde')
    expect(wire.subarray(result.end).toString()).toBe('NEXT')
  })

  it('marks a chunked body cut by the connection as incomplete', () => {
    const wire = bytes('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n')
    expect(parseResponse(wire, 0, {}).state).toBe('incomplete')
    const result = parseResponse(wire, 0, { closed: true })
    expect(result.state === 'done' && result.response.complete).toBe(false)
  })

  it('marks a Content-Length body cut short by the connection as incomplete', () => {
    const wire = bytes('HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\n0123456789')
    const result = parseResponse(wire, 0, { closed: true })
    expect(
      result.state === 'done' && [result.response.complete, result.response.body.toString()],
    ).toEqual([false, '0123456789'])
  })

  it('ends a response to HEAD at its blank line whatever Content-Length says', () => {
    const result = parseResponse(bytes('HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n'), 0, {
      head: true,
    })
    expect(result.state === 'done' && result.response.body.length).toBe(0)
  })

  it('calls bytes that are not HTTP invalid, quoting them', () => {
    const result = parseResponse(bytes('garbage\r\n\r\n'), 0, {})
    expect(result).toMatchObject({ state: 'invalid', reason: expect.stringContaining('"garbage"') })
  })
})
