/**
 * @module Checks that the host streams (docs/gateway.md, "The body"): a chunk goes out before the
 * app makes the next one, and a slow reader holds the app back (bounded memory).
 */
import { writeFileSync } from 'node:fs'
import { setTimeout as delay } from 'node:timers/promises'
import { ensure, ensureEqual, ensureStatus, text } from './expect.ts'
import { rawRequest } from './raw-connection.ts'
import { readValue } from './side-channel.ts'
import type { ConformanceCheck } from './conformance-types.ts'

const notBuffered: ConformanceCheck = {
  id: 'stream.not_buffered',
  title: 'the first chunk reaches the client before the app makes the second',
  async run(context) {
    const gate = context.sidePath('gate')
    const connection = await context.open()
    connection.write(
      rawRequest(context.target, 'GET', `/stream/gate?gate=${encodeURIComponent(gate)}`, [
        ['Connection', 'close'],
      ]),
    )
    // The probe makes its second chunk only once the gate file exists, and the kit creates it only
    // after seeing the first: a buffering host never shows 'first;' until the probe gives up.
    await connection.waitUntil(
      () => connection.received.includes('first;'),
      "the first chunk ('first;') before the second is made",
    )
    ensure(
      !connection.received.includes('second'),
      'the second chunk arrived before the kit opened the gate',
    )
    writeFileSync(gate, 'open')
    const response = await connection.readResponse()
    ensureStatus(response, 200, '/stream/gate')
    ensureEqual(text(response), 'first;second', 'body')
  },
}

const backpressure: ConformanceCheck = {
  id: 'stream.backpressure',
  title:
    'a client that stops reading holds the app back (under 8 MiB ahead by default, 64 KiB chunks)',
  async run(context) {
    const limitBytes = context.backpressureLimitBytes
    const log = context.sidePath('log')
    const connection = await context.open()
    connection.pause()
    connection.write(
      rawRequest(context.target, 'GET', `/stream/flood?log=${encodeURIComponent(log)}`),
    )
    // Let the kernel buffers fill and the host settle, then see how far the app got.
    await delay(2000)
    const produced = Number(readValue(log) ?? 0)
    connection.destroy()
    ensure(produced > 0, 'the app produced nothing in 2 s (is /stream/flood reached?)')
    ensure(
      produced < limitBytes,
      `the app produced ${(produced / 1048576).toFixed(1)} MiB while the client read nothing for 2 s (limit ${(limitBytes / 1048576).toFixed(1)} MiB): the host does not wait for the socket to accept each chunk`,
    )
  },
}

/** The streaming checks. */
export const streamingChecks: readonly ConformanceCheck[] = [notBuffered, backpressure]
