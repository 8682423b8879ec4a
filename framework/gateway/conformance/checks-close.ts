/**
 * @module Checks that the host calls the body's close() exactly once (docs/gateway.md, "The
 * body"): on a normal end, on an app error mid-stream, when the client disconnects mid-stream,
 * and when it disconnects early from a Content-Length response. Also: gateway.signal fires when
 * the client goes away. The probe logs to the side channel; the kit counts.
 */
import { setTimeout as delay } from 'node:timers/promises'
import { ensure, ensureStatus } from './expect.ts'
import { rawRequest } from './raw-connection.ts'
import { pollUntil, readEvents } from './side-channel.ts'
import type { CheckContext, ConformanceCheck } from './conformance-types.ts'

/** How long to keep watching after the first close(), to catch a second one. */
const settleMs = 300

async function expectOneClose(context: CheckContext, log: string, when: string): Promise<void> {
  const count = (): number => readEvents(log).filter((event) => event.name === 'close').length
  const seen = await pollUntil(() => count() > 0, context.timeoutMs)
  ensure(seen, `close() was not called within ${context.timeoutMs} ms ${when}`)
  await delay(settleMs)
  ensure(
    count() === 1,
    `close() was called ${count()} times ${when}; it must be called exactly once`,
  )
}

const normal: ConformanceCheck = {
  id: 'close.normal_end',
  title: 'close() is called exactly once after a body ends normally',
  async run(context) {
    const log = context.sidePath('log')
    const response = await context.request('GET', `/close/normal?log=${encodeURIComponent(log)}`)
    ensureStatus(response, 200, '/close/normal')
    await expectOneClose(context, log, 'after a normal end')
  },
}

const appError: ConformanceCheck = {
  id: 'close.app_error',
  title: 'close() is called exactly once when the body throws mid-stream',
  async run(context) {
    const log = context.sidePath('log')
    const connection = await context.open()
    connection.write(
      rawRequest(context.target, 'GET', `/close/error?log=${encodeURIComponent(log)}`),
    )
    // The host cuts this connection (headers were sent); the response itself is not the point.
    await connection.waitForClose(context.timeoutMs)
    await expectOneClose(context, log, 'after the body threw')
  },
}

/** Reads until some body bytes arrived, then destroys the socket from the client's side. */
async function disconnectMidStream(context: CheckContext, path: string): Promise<void> {
  const connection = await context.open()
  connection.write(rawRequest(context.target, 'GET', path))
  await connection.waitUntil(() => {
    const headEnd = connection.received.indexOf('\r\n\r\n')
    return headEnd >= 0 && connection.received.length > headEnd + 4
  }, 'the first body bytes')
  connection.destroy()
}

const clientGone: ConformanceCheck = {
  id: 'close.client_disconnect',
  title: 'close() is called exactly once when the client disconnects mid-stream',
  async run(context) {
    const log = context.sidePath('log')
    await disconnectMidStream(context, `/close/slow?log=${encodeURIComponent(log)}`)
    await expectOneClose(context, log, 'after the client disconnected mid-stream')
  },
}

const clientGoneLength: ConformanceCheck = {
  id: 'close.client_disconnect_content_length',
  title: 'close() is called exactly once when the client leaves a Content-Length response early',
  async run(context) {
    const log = context.sidePath('log')
    await disconnectMidStream(context, `/close/content-length?log=${encodeURIComponent(log)}`)
    await expectOneClose(context, log, 'after the client left a Content-Length response early')
  },
}

const signal: ConformanceCheck = {
  id: 'signal.client_disconnect',
  title: 'gateway.signal aborts when the client disconnects',
  async run(context) {
    const log = context.sidePath('log')
    await disconnectMidStream(context, `/close/slow?log=${encodeURIComponent(log)}`)
    const aborted = await pollUntil(
      () => readEvents(log).some((event) => event.name === 'abort'),
      context.timeoutMs,
    )
    ensure(
      aborted,
      `gateway.signal did not abort within ${context.timeoutMs} ms of the client's disconnect`,
    )
  },
}

/** The close() checks. */
export const closeChecks: readonly ConformanceCheck[] = [
  normal,
  appError,
  clientGone,
  clientGoneLength,
  signal,
]
