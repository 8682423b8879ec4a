/**
 * @module The probe application: ONE gateway application that the conformance kit runs inside the
 * host under test. It dispatches on PATH_INFO to one small behaviour per check, follows the
 * contract itself (nothing wraps it) and reports what it observed either in its response body or,
 * for what happens after the response (close() calls, progress under backpressure), in a
 * side-channel file named by `?log=` (see side-channel.ts). It keeps no state in memory, so a
 * host may load it afresh in a new process per request (CGI) through `probe.modulePath`.
 *
 * Test use only: it echoes what it is sent and waits on files named in the query string.
 */
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { setTimeout as delay } from 'node:timers/promises'
import type { Application, Body, Environ, StartResponse } from '../contract.ts'
import { appendEvent, isSideChannelPath, pollUntil, writeValue } from './side-channel.ts'

/** Bytes of a string whose code units are all up to 0xFF (latin-1). */
function bytes(text: string): Uint8Array {
  return Uint8Array.from(text, (char) => char.charCodeAt(0))
}

/** A latin-1 view of bytes, for JSON reports (JSON keeps every code unit up to 0xFF). */
function latin1(chunk: Uint8Array): string {
  return Buffer.from(chunk).toString('latin1')
}

function plain(startResponse: StartResponse, status: string, text: string): Body {
  startResponse(status, [['Content-Type', 'text/plain; charset=utf-8']])
  return [new TextEncoder().encode(text)]
}

function json(startResponse: StartResponse, value: unknown): Body {
  startResponse('200 OK', [['Content-Type', 'application/json']])
  return [new TextEncoder().encode(JSON.stringify(value))]
}

/** The side-channel path a route needs, or undefined when absent or refused. */
function sidePath(environ: Environ, name = 'log'): string | undefined {
  const path = new URLSearchParams(environ.QUERY_STRING).get(name)
  return isSideChannelPath(path) ? path : undefined
}

/** A body object whose close() is logged, around an async generator. */
function loggedBody(log: string, chunks: () => AsyncGenerator<Uint8Array>): Body {
  return {
    [Symbol.asyncIterator]: chunks,
    close() {
      appendEvent(log, 'close')
    },
  }
}

/** A JSON-able description of one environ value: its type, and its value when that is data. */
function describe(value: unknown): Record<string, unknown> {
  if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number') {
    return { type: typeof value, value }
  }
  if (Array.isArray(value))
    return {
      type: 'array',
      value: value.map((item) => (typeof item === 'object' ? String(item) : item)),
    }
  if (value instanceof AbortSignal) return { type: 'AbortSignal', aborted: value.aborted }
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string | symbol, unknown>
    const methods = ['read', 'readline', 'readlines', 'write', 'writelines', 'flush'].filter(
      (name) => typeof record[name] === 'function',
    )
    if (typeof record[Symbol.asyncIterator] === 'function') methods.push('asyncIterator')
    return { type: 'object', methods }
  }
  return { type: typeof value }
}

type Route = (environ: Environ, startResponse: StartResponse) => Body | Promise<Body>

const sideChannelMissing: Route = (_environ, startResponse) =>
  plain(
    startResponse,
    '400 Bad Request',
    'this probe route needs ?log=<file in a gateway-conformance-* dir>',
  )

/** Routes by exact PATH_INFO; `/environ` also answers below it (`/environ/caf%C3%A9`). */
const routes: Record<string, Route> = {
  '/ok': (_environ, startResponse) => plain(startResponse, '200 OK', 'ok'),

  '/environ': (environ, startResponse) =>
    json(
      startResponse,
      Object.fromEntries(Object.entries(environ).map(([key, value]) => [key, describe(value)])),
    ),

  '/throw': () => {
    throw new Error('probe: secret-detail-4711 thrown before startResponse')
  },

  '/errors': (environ, startResponse) => {
    // Any text, including code points above 0xFF and lone surrogates, is accepted (never throws).
    const errors = environ['wsgi.errors']
    errors.write('probe: caf\u00e9 \u20ac \ud83d\ude00 \ud800\n')
    errors.writelines(['probe: one\n', 'probe: two\n'])
    errors.flush()
    return plain(startResponse, '200 OK', 'written')
  },

  '/deferred-error': (_environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', 'text/plain']])
    return (function* () {
      // Nothing is on the wire yet after an empty chunk, so the server can still answer 500.
      yield new Uint8Array(0)
      throw new Error('probe: failure after an empty chunk')
    })()
  },

  '/exc-info/before': (_environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', 'text/plain']])
    try {
      throw new Error('probe: failure before the body')
    } catch (error) {
      startResponse('500 Internal Server Error', [['Content-Type', 'text/plain']], error)
      return [bytes('recovered')]
    }
  },

  '/exc-info/after': (environ, startResponse) => {
    const log = sidePath(environ)
    if (!log) return sideChannelMissing(environ, startResponse)
    startResponse('200 OK', [['Content-Type', 'text/plain']])
    return (async function* () {
      yield bytes('partial ')
      const error = new Error('probe: failure after the first byte')
      try {
        startResponse('500 Internal Server Error', [['Content-Type', 'text/plain']], error)
      } catch (thrown) {
        appendEvent(log, 'rethrown', thrown === error)
        throw thrown
      }
      appendEvent(log, 'not-rethrown')
      yield bytes('after')
    })()
  },

  '/close/normal': (environ, startResponse) => {
    const log = sidePath(environ)
    if (!log) return sideChannelMissing(environ, startResponse)
    startResponse('200 OK', [['Content-Type', 'text/plain']])
    return loggedBody(log, async function* () {
      yield bytes('one ')
      yield bytes('two')
    })
  },

  '/close/error': (environ, startResponse) => {
    const log = sidePath(environ)
    if (!log) return sideChannelMissing(environ, startResponse)
    startResponse('200 OK', [['Content-Type', 'text/plain']])
    return loggedBody(log, async function* () {
      yield bytes('partial ')
      throw new Error('probe: failure in the middle of the body')
    })
  },

  '/close/slow': (environ, startResponse) => {
    const log = sidePath(environ)
    if (!log) return sideChannelMissing(environ, startResponse)
    environ['gateway.signal'].addEventListener('abort', () => appendEvent(log, 'abort'), {
      once: true,
    })
    startResponse('200 OK', [['Content-Type', 'text/plain']])
    return loggedBody(log, async function* () {
      // Bounded: 500 ticks of 20 ms, so a host that never notices the disconnect still ends.
      for (let tick = 0; tick < 500; tick++) {
        yield bytes(`tick ${tick}\n`)
        await delay(20)
      }
    })
  },

  '/close/content-length': (environ, startResponse) => {
    const log = sidePath(environ)
    if (!log) return sideChannelMissing(environ, startResponse)
    const chunk = new Uint8Array(16 * 1024).fill(0x61)
    startResponse('200 OK', [
      ['Content-Type', 'application/octet-stream'],
      ['Content-Length', String(64 * chunk.length)],
    ])
    return loggedBody(log, async function* () {
      for (let index = 0; index < 64; index++) {
        yield chunk
        await delay(20)
      }
    })
  },

  '/content-length/over': (_environ, startResponse) => {
    startResponse('200 OK', [
      ['Content-Type', 'text/plain'],
      ['Content-Length', '10'],
    ])
    return (function* () {
      yield bytes('0123456789abcde')
      yield bytes('fghij')
    })()
  },

  '/content-length/under': (_environ, startResponse) => {
    startResponse('200 OK', [
      ['Content-Type', 'text/plain'],
      ['Content-Length', '20'],
    ])
    return (function* () {
      yield bytes('01234')
      yield bytes('56789')
    })()
  },

  '/one-chunk': (_environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', 'text/plain']])
    return [bytes('hello world')]
  },

  '/multi-chunk': (_environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', 'text/plain']])
    return (async function* () {
      yield bytes('one ')
      yield bytes('two ')
      yield bytes('three')
    })()
  },

  '/head': (environ, startResponse) => {
    // The GET response's headers, Content-Length included, and an empty body for HEAD (GW-A28).
    startResponse('200 OK', [
      ['Content-Type', 'text/plain'],
      ['Content-Length', '11'],
    ])
    return environ.REQUEST_METHOD === 'HEAD' ? [] : [bytes('hello world')]
  },

  '/status/204': (_environ, startResponse) => {
    startResponse('204 No Content', [])
    return []
  },

  '/status/304': (_environ, startResponse) => {
    startResponse('304 Not Modified', [['ETag', '"probe"']])
    return []
  },

  '/set-cookie': (_environ, startResponse) => {
    startResponse('200 OK', [
      ['Content-Type', 'text/plain'],
      ['Set-Cookie', 'first=1; Path=/'],
      ['Set-Cookie', 'second=2; Path=/; HttpOnly'],
    ])
    return [bytes('cookies')]
  },

  '/write-first': async (_environ, startResponse) => {
    const write = startResponse('200 OK', [['Content-Type', 'text/plain']])
    await write(bytes('written '))
    return [bytes('iterated')]
  },

  '/stream/gate': (environ, startResponse) => {
    const gate = sidePath(environ, 'gate')
    if (!gate) return sideChannelMissing(environ, startResponse)
    startResponse('200 OK', [['Content-Type', 'text/plain']])
    return (async function* () {
      yield bytes('first;')
      // The kit creates the gate only after it saw 'first;' arrive: a buffering host deadlocks
      // here until the bounded wait gives up, and the kit sees 'second-after-timeout'.
      const opened = await pollUntil(() => existsSync(gate), 5000)
      yield bytes(opened ? 'second' : 'second-after-timeout')
    })()
  },

  '/stream/flood': (environ, startResponse) => {
    const log = sidePath(environ)
    if (!log) return sideChannelMissing(environ, startResponse)
    const signal = environ['gateway.signal']
    const chunk = new Uint8Array(64 * 1024).fill(0x62)
    startResponse('200 OK', [['Content-Type', 'application/octet-stream']])
    return (async function* () {
      let produced = 0
      // Bounded at 32 MiB so that a host without backpressure still finishes.
      while (produced < 32 * 1024 * 1024 && !signal.aborted) {
        produced += chunk.length
        writeValue(log, produced)
        yield chunk
      }
    })()
  },

  '/input/read': async (environ, startResponse) => {
    const input = environ['wsgi.input']
    const read2 = latin1(await input.read(2))
    const readline = latin1(await input.readline())
    const readlines = (await input.readlines()).map(latin1)
    const after = [await input.read(), await input.read(5), await input.readline()].map(
      (chunk) => chunk.length,
    )
    const afterLines = (await input.readlines()).length
    return json(startResponse, { read2, readline, readlines, after, afterLines })
  },

  '/input/iterate': async (environ, startResponse) => {
    const chunks: Uint8Array[] = []
    for await (const chunk of environ['wsgi.input']) chunks.push(chunk)
    startResponse('200 OK', [['Content-Type', 'application/octet-stream']])
    return [Buffer.concat(chunks)]
  },

  '/input/echo': async (environ, startResponse) => {
    const body = await environ['wsgi.input'].read()
    startResponse('200 OK', [['Content-Type', 'application/octet-stream']])
    return [body]
  },

  '/input/continue': async (environ, startResponse) => {
    const log = sidePath(environ)
    const gate = sidePath(environ, 'gate')
    if (!log || !gate) return sideChannelMissing(environ, startResponse)
    appendEvent(log, 'waiting')
    await pollUntil(() => existsSync(gate), 5000)
    appendEvent(log, 'reading')
    const body = await environ['wsgi.input'].read()
    startResponse('200 OK', [['Content-Type', 'application/octet-stream']])
    return [body]
  },
}

/**
 * The probe application. Mount it at the root of the host under test (or under any prefix: it
 * dispatches on PATH_INFO, which excludes SCRIPT_NAME).
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http'
 * import { probeApplication, toNodeListener } from 'framework/gateway'
 *
 * createServer(toNodeListener(probeApplication)).listen(0, '127.0.0.1')
 * ```
 */
export const probeApplication: Application = (environ, startResponse) => {
  const path = environ.PATH_INFO
  const route = path.startsWith('/environ/') ? routes['/environ'] : routes[path]
  if (!route) return plain(startResponse, '404 Not Found', `no probe route ${JSON.stringify(path)}`)
  return route(environ, startResponse)
}

/**
 * Where the probe lives, for hosts that load it in another process: `modulePath` is this file's
 * absolute path and `exportName` the export holding the application.
 *
 * @example
 * ```ts
 * import { probe } from 'framework/gateway'
 *
 * const { [probe.exportName]: app } = await import(probe.modulePath)
 * ```
 */
export const probe = {
  application: probeApplication,
  modulePath: fileURLToPath(import.meta.url),
  exportName: 'probeApplication',
} as const
