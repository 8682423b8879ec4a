/**
 * @module Checks of wsgi.input (docs/gateway.md, "wsgi.input"): read/readline/readlines, the end
 * exactly at CONTENT_LENGTH with the pipelined next request intact, chunked request bodies, and
 * Expect: 100-continue answered only when the app first reads.
 */
import { writeFileSync } from 'node:fs'
import { setTimeout as delay } from 'node:timers/promises'
import { ConformanceFailure } from './conformance-failure.ts'
import { ensure, ensureEqual, ensureStatus, text } from './expect.ts'
import { rawRequest } from './raw-connection.ts'
import { pollUntil, readEvents } from './side-channel.ts'
import type { ConformanceCheck } from './conformance-types.ts'

const body = 'abc\nde\nfg\nh'

const readMethods: ConformanceCheck = {
  id: 'input.read_methods',
  title: 'read(n), readline() and readlines() return the right bytes, then empty again and again',
  async run(context) {
    const response = await context.request(
      'POST',
      '/input/read',
      [
        ['Content-Type', 'text/plain'],
        ['Content-Length', String(body.length)],
      ],
      body,
    )
    ensureStatus(response, 200, '/input/read')
    const seen = JSON.parse(response.body.toString('utf8')) as unknown
    ensureEqual(
      seen,
      {
        read2: 'ab',
        readline: 'c\n',
        readlines: ['de\n', 'fg\n', 'h'],
        after: [0, 0, 0],
        afterLines: 0,
      },
      'what the probe read (after = lengths of read(), read(5), readline() at the end)',
    )
  },
}

const eofAtLength: ConformanceCheck = {
  id: 'input.eof_at_content_length',
  title: 'wsgi.input ends exactly at CONTENT_LENGTH: the pipelined next request stays intact',
  async run(context) {
    const connection = await context.open()
    const first = rawRequest(
      context.target,
      'POST',
      '/input/read',
      [['Content-Length', String(body.length)]],
      body,
    )
    const second = rawRequest(context.target, 'GET', '/ok', [['Connection', 'close']])
    // One write: the next request's bytes sit right behind the body, where an over-reading
    // input would eat them.
    connection.write(first + second)
    const response = await connection.readResponse()
    ensureStatus(response, 200, '/input/read')
    const seen = JSON.parse(response.body.toString('utf8')) as {
      readlines?: string[]
      after?: number[]
    }
    ensureEqual(seen.readlines, ['de\n', 'fg\n', 'h'], 'readlines() up to CONTENT_LENGTH')
    ensureEqual(seen.after, [0, 0, 0], 'reads at the end')
    const next = await connection.readResponse()
    ensureStatus(next, 200, 'the pipelined GET /ok after the body')
    ensureEqual(text(next), 'ok', 'the pipelined response body')
  },
}

const iteration: ConformanceCheck = {
  id: 'input.async_iteration',
  title: 'async iteration over wsgi.input yields the whole body, ending at CONTENT_LENGTH',
  async run(context) {
    const connection = await context.open()
    const headers: [string, string][] = [['Content-Length', '11']]
    const first = rawRequest(context.target, 'POST', '/input/iterate', headers, 'hello world')
    connection.write(first + rawRequest(context.target, 'GET', '/ok', [['Connection', 'close']]))
    const response = await connection.readResponse()
    ensureStatus(response, 200, '/input/iterate')
    ensureEqual(text(response), 'hello world', 'the bytes the iteration yielded')
    const next = await connection.readResponse()
    ensureEqual(text(next), 'ok', 'the pipelined response after the iterated body')
  },
}

const chunkedBody: ConformanceCheck = {
  id: 'input.chunked_request',
  title: 'a chunked request body (Transfer-Encoding: chunked) is read whole',
  async run(context) {
    const chunks = ['hello ', 'chunked ', 'world']
    const wire =
      chunks.map((chunk) => `${chunk.length.toString(16)}\r\n${chunk}\r\n`).join('') + '0\r\n\r\n'
    const response = await context.request(
      'POST',
      '/input/echo',
      [['Transfer-Encoding', 'chunked']],
      wire,
    )
    ensureStatus(response, 200, '/input/echo with a chunked body')
    ensureEqual(text(response), chunks.join(''), 'the body the app read')
  },
}

const expectContinue: ConformanceCheck = {
  id: 'input.expect_100_continue',
  title: 'Expect: 100-continue is answered when the app first reads wsgi.input, not before',
  async run(context) {
    const log = context.sidePath('log')
    const gate = context.sidePath('gate')
    const connection = await context.open()
    const path = `/input/continue?log=${encodeURIComponent(log)}&gate=${encodeURIComponent(gate)}`
    connection.write(
      rawRequest(context.target, 'POST', path, [
        ['Content-Length', '5'],
        ['Expect', '100-continue'],
      ]),
    )
    const waiting = await pollUntil(
      () => readEvents(log).some((event) => event.name === 'waiting'),
      context.timeoutMs,
    )
    ensure(
      waiting,
      `the app was not called within ${context.timeoutMs} ms of a request with Expect: 100-continue and no body yet (the host must call it before the body arrives)`,
    )
    // The app is running and has not read: give an eager host time to show its 100.
    await delay(300)
    ensure(
      connection.received.length === 0,
      `the host answered before the app read wsgi.input: ${JSON.stringify(connection.received.toString('latin1'))}`,
    )
    writeFileSync(gate, 'open')
    await connection.waitUntil(
      () => connection.received.length > 0,
      '100 Continue after the app began to read',
    )
    const interim = await connection.readResponse({ keepInterim: true })
    if (interim.status !== 100)
      throw new ConformanceFailure(
        `expected 100 Continue once the app read, got ${JSON.stringify(interim.statusLine)}`,
      )
    connection.write('hello')
    const response = await connection.readResponse()
    ensureStatus(response, 200, 'the final response')
    ensureEqual(text(response), 'hello', 'the body the app read')
  },
}

const expectOther: ConformanceCheck = {
  id: 'input.expect_other_417',
  title: 'an Expect value other than 100-continue is answered with 417',
  async run(context) {
    const response = await context.request('GET', '/ok', [['Expect', 'something-else']])
    ensureStatus(response, 417, 'a request with Expect: something-else')
  },
}

/** The wsgi.input checks. */
export const inputChecks: readonly ConformanceCheck[] = [
  readMethods,
  eofAtLength,
  iteration,
  chunkedBody,
  expectContinue,
  expectOther,
]
