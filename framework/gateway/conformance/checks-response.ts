/**
 * @module Checks of how a host turns startResponse and the body into bytes (docs/gateway.md, "The
 * response"): deferred headers and excInfo, Content-Length truncation and computation, chunked
 * and close-delimited framing, bodiless responses, repeated Set-Cookie, write() ordering.
 */
import { ensure, ensureEqual, ensureStatus, text } from './expect.ts'
import { rawRequest } from './raw-connection.ts'
import type { RawConnection } from './raw-connection.ts'
import { headerValues } from './response-parser.ts'
import type { RawResponse } from './response-parser.ts'
import { readEvents, pollUntil } from './side-channel.ts'
import type { ConformanceCheck } from './conformance-types.ts'

/** The note a pass carries when a host cut before its accepted bytes reached the client. */
export const unflushedNote =
  'the host cut the connection before the bytes it had accepted were flushed, so the client saw ' +
  "no response at all rather than a truncated one (node's res.write corks until the next tick: " +
  'destroy the socket in the write callback, or after res.end for a Content-Length overrun)'

/**
 * Expects the host to cut the connection, so the client never sees a complete response. A host
 * that cuts before its socket flushed what it accepted passes with a note (the client still
 * cannot mistake the response for complete); any bytes that did arrive must be a 200 cut short.
 */
async function expectCut(
  connection: RawConnection,
  timeoutMs: number,
  after: string,
): Promise<{ response?: RawResponse; note?: string }> {
  const closed = await connection.waitForClose(timeoutMs)
  ensure(
    closed,
    `the connection stayed open ${timeoutMs} ms after ${after}; received ${JSON.stringify(connection.received.toString('latin1'))}`,
  )
  if (connection.received.length === 0) return { note: unflushedNote }
  const response = await connection.readResponse()
  ensureStatus(response, 200, `the headers sent before ${after}`)
  ensure(
    !response.complete,
    `the client saw a complete response (${response.framing}, body ${JSON.stringify(text(response))}) after ${after}; the connection must be cut instead`,
  )
  return { response }
}

const appError: ConformanceCheck = {
  id: 'resp.app_error_500',
  title: 'an app that throws before startResponse gets a 500 that does not reveal the error',
  async run(context) {
    const response = await context.request('GET', '/throw')
    ensureStatus(response, 500, 'the app threw before the head')
    ensure(
      !text(response).includes('secret-detail-4711'),
      `the 500 body shows the error's message to the client: ${JSON.stringify(text(response).slice(0, 200))}; write it to wsgi.errors only`,
    )
  },
}

const deferred: ConformanceCheck = {
  id: 'resp.deferred_headers',
  title:
    'nothing is sent before the first non-empty chunk: an app that yields b"" then throws gets a 500',
  async run(context) {
    const response = await context.request('GET', '/deferred-error')
    ensureStatus(response, 500, 'the app failed before any body byte')
  },
}

const excInfoBefore: ConformanceCheck = {
  id: 'resp.exc_info_before_body',
  title: 'startResponse with excInfo before the first byte replaces the status (client sees 500)',
  async run(context) {
    const response = await context.request('GET', '/exc-info/before')
    ensureStatus(response, 500, 'the app replaced 200 by 500 with excInfo before the body')
    ensureEqual(text(response), 'recovered', 'the body of the replacement response')
  },
}

const excInfoAfter: ConformanceCheck = {
  id: 'resp.exc_info_after_body',
  title: 'startResponse with excInfo after the first byte rethrows, and the connection is cut',
  async run(context) {
    const log = context.sidePath('log')
    const connection = await context.open()
    connection.write(
      rawRequest(context.target, 'GET', `/exc-info/after?log=${encodeURIComponent(log)}`),
    )
    const { note } = await expectCut(connection, context.timeoutMs, 'an error after the first byte')
    await pollUntil(() => readEvents(log).length > 0, context.timeoutMs)
    const events = readEvents(log).map(
      (event) => `${event.name}${event.detail === false ? '(another error)' : ''}`,
    )
    ensureEqual(events, ['rethrown'], 'what the second startResponse did (side channel)')
    return note
  },
}

const lengthOver: ConformanceCheck = {
  id: 'resp.content_length_never_exceeded',
  title: 'an app that declares Content-Length 10 and yields 20 bytes: at most 10 reach the client',
  async run(context) {
    const connection = await context.open()
    connection.write(rawRequest(context.target, 'GET', '/content-length/over'))
    // docs/gateway.md, "Content-Length and framing": drop the excess, close after the response.
    const closed = await connection.waitForClose(context.timeoutMs)
    ensure(
      closed,
      `the connection stayed open ${context.timeoutMs} ms after the app overran its Content-Length; received ${JSON.stringify(connection.received.toString('latin1'))}; close it after the response`,
    )
    if (connection.received.length === 0) return unflushedNote
    const response = await connection.readResponse()
    ensureStatus(response, 200, 'headers sent with the first chunk')
    ensure(
      '0123456789'.startsWith(text(response)),
      `the body ${JSON.stringify(text(response))} is not the first bytes the app gave`,
    )
    ensure(
      connection.unread.length === 0,
      `bytes past Content-Length reached the client: ${JSON.stringify(connection.unread.toString('latin1'))}`,
    )
    return undefined
  },
}

const lengthUnder: ConformanceCheck = {
  id: 'resp.content_length_short_cuts',
  title: 'an app that declares Content-Length 20 and yields 10 bytes: the connection is cut',
  async run(context) {
    const connection = await context.open()
    connection.write(rawRequest(context.target, 'GET', '/content-length/under'))
    const { response, note } = await expectCut(
      connection,
      context.timeoutMs,
      'a body shorter than its Content-Length',
    )
    if (response) {
      ensure(
        '0123456789'.startsWith(text(response)),
        `the body ${JSON.stringify(text(response))} is not what the app gave`,
      )
    }
    return note
  },
}

const computedLength: ConformanceCheck = {
  id: 'resp.content_length_computed',
  title: 'a one-element list body gets a Content-Length (no chunked encoding)',
  async run(context) {
    const response = await context.request('GET', '/one-chunk')
    ensureStatus(response, 200, '/one-chunk')
    ensureEqual(headerValues(response, 'Content-Length'), ['11'], 'Content-Length')
    ensureEqual(headerValues(response, 'Transfer-Encoding'), [], 'Transfer-Encoding')
    ensureEqual(text(response), 'hello world', 'body')
  },
}

const chunked: ConformanceCheck = {
  id: 'resp.chunked_http11',
  title: 'a generator body without Content-Length is chunked on HTTP/1.1',
  async run(context) {
    const connection = await context.open()
    connection.write(rawRequest(context.target, 'GET', '/multi-chunk'))
    const response = await connection.readResponse()
    ensureStatus(response, 200, '/multi-chunk')
    ensureEqual(response.framing, 'chunked', 'framing')
    ensureEqual(text(response), 'one two three', 'body')
    // The connection stays usable: a keep-alive follow-up gets its own answer.
    connection.write(rawRequest(context.target, 'GET', '/ok', [['Connection', 'close']]))
    const next = await connection.readResponse()
    ensureEqual(text(next), 'ok', 'the next response on the same connection')
  },
}

const closeDelimited: ConformanceCheck = {
  id: 'resp.close_delimited_http10',
  title: 'a generator body without Content-Length is close-delimited on HTTP/1.0',
  async run(context) {
    const connection = await context.open()
    connection.write(rawRequest(context.target, 'GET', '/multi-chunk', [], '', 'HTTP/1.0'))
    ensure(
      await connection.waitForClose(context.timeoutMs),
      `the connection stayed open; received ${JSON.stringify(connection.received.toString('latin1'))}`,
    )
    const response = await connection.readResponse()
    ensureStatus(response, 200, '/multi-chunk over HTTP/1.0')
    ensureEqual(response.framing, 'close', 'framing')
    ensureEqual(text(response), 'one two three', 'body')
  },
}

/** A bodiless response must end at its blank line: the pipelined /ok right behind it proves it. */
function bodiless(
  id: string,
  title: string,
  method: string,
  path: string,
  status: number,
): ConformanceCheck {
  return {
    id,
    title,
    async run(context) {
      const connection = await context.open()
      connection.write(
        rawRequest(context.target, method, path) +
          rawRequest(context.target, 'GET', '/ok', [['Connection', 'close']]),
      )
      const response = await connection.readResponse({ head: method === 'HEAD' })
      ensureStatus(response, status, `${method} ${path}`)
      const next = await connection.readResponse()
      ensureStatus(
        next,
        200,
        `the pipelined request after ${method} ${path} (stray body bytes would corrupt it)`,
      )
      ensureEqual(text(next), 'ok', 'the pipelined response body')
      if (method === 'HEAD')
        ensureEqual(
          headerValues(response, 'Content-Length'),
          ['11'],
          "HEAD keeps the app's Content-Length",
        )
    },
  }
}

const setCookie: ConformanceCheck = {
  id: 'resp.set_cookie_repeated',
  title: 'repeated Set-Cookie headers stay separate header lines',
  async run(context) {
    const response = await context.request('GET', '/set-cookie')
    ensureEqual(
      headerValues(response, 'Set-Cookie'),
      ['first=1; Path=/', 'second=2; Path=/; HttpOnly'],
      'Set-Cookie lines',
    )
  },
}

const writeFirst: ConformanceCheck = {
  id: 'resp.write_before_iterable',
  title: 'data given to write() goes out before the returned iterable',
  async run(context) {
    const response = await context.request('GET', '/write-first')
    ensureStatus(response, 200, '/write-first')
    ensureEqual(text(response), 'written iterated', 'body')
  },
}

/** The response checks, in the order of docs/gateway.md. */
export const responseChecks: readonly ConformanceCheck[] = [
  appError,
  deferred,
  excInfoBefore,
  excInfoAfter,
  lengthOver,
  lengthUnder,
  computedLength,
  chunked,
  closeDelimited,
  bodiless(
    'resp.head_no_body',
    'a response to HEAD carries no body bytes (and keeps Content-Length)',
    'HEAD',
    '/head',
    200,
  ),
  bodiless('resp.204_no_body', 'a 204 response carries no body bytes', 'GET', '/status/204', 204),
  bodiless('resp.304_no_body', 'a 304 response carries no body bytes', 'GET', '/status/304', 304),
  setCookie,
  writeFirst,
]
