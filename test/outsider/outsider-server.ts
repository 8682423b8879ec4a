/**
 * @module An outsider's HTTP/1.1 gateway server, written from docs/gateway.md alone (and Node's
 * docs) to prove the document is enough: node:net, a hand-made request parser, the environ as the
 * doc specifies it, startResponse/write/body/close() and the framing rules, chunked request bodies
 * included.
 *
 *   npx tsx test/outsider/outsider-server.ts project/wsgi:application --port 0 [--host 127.0.0.1]
 *
 * prints `listening on http://HOST:PORT` once bound.
 */
import { createServer, type AddressInfo, type Socket } from 'node:net'
import { pathToFileURL } from 'node:url'
import { BodyInput } from './body-input.ts'
import { loadApplication, LoadError } from './load-application.ts'
import { SocketReader } from './socket-reader.ts'

type Headers = [string, string][]
export type Application = (environ: Record<string, unknown>, startResponse: Function) => unknown

const token = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const headerValue = /^[\t\x20-\x7e\x80-\xff]*$/
const statusLine = /^[1-5]\d\d [\t\x20-\x7e\x80-\xff]+$/
const hopByHop = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
])
const headLimit = 64 * 1024
const bodyLimit = 16 * 1024 * 1024
const discardLimit = 64 * 1024
const idleTimeoutMs = 5_000

interface Request {
  method: string
  target: string
  version: 'HTTP/1.0' | 'HTTP/1.1'
  fields: [string, string][] // [lower-case name, value]
}

class BadRequest extends Error {
  constructor(
    readonly status: string,
    reason: string,
  ) {
    super(reason)
  }
}

/** Request-line and header fields, byte for byte as latin-1, rejecting what RFC 9112 forbids. */
function parseHead(head: Buffer): Request {
  const lines = head.toString('latin1').split('\r\n')
  const match = /^([^ ]+) ([^ ]+) (HTTP\/\d\.\d)$/.exec(lines[0] ?? '')
  if (!match) throw new BadRequest('400 Bad Request', 'malformed request-line')
  const [, method = '', target = '', version = ''] = match
  if (!token.test(method)) throw new BadRequest('400 Bad Request', 'the method is not a token')
  if (version !== 'HTTP/1.0' && version !== 'HTTP/1.1')
    throw new BadRequest('505 HTTP Version Not Supported', version)
  if (/[^\x21-\x7e]/.test(target))
    throw new BadRequest('400 Bad Request', 'raw bytes in the request-target')
  const fields: [string, string][] = []
  for (const line of lines.slice(1)) {
    if (/^[ \t]/.test(line)) throw new BadRequest('400 Bad Request', 'obsolete line folding')
    const colon = line.indexOf(':')
    const name = line.slice(0, colon)
    if (colon < 1 || !token.test(name))
      throw new BadRequest('400 Bad Request', `bad header field name '${name}'`)
    const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '')
    if (/[\r\n\0]/.test(value)) throw new BadRequest('400 Bad Request', `bad value for ${name}`)
    fields.push([name.toLowerCase(), value])
  }
  return { method, target, version, fields }
}

/** '%XX' → one code unit; a stray '%' stays; decoded once. */
function percentDecode(path: string): string {
  return path.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) =>
    String.fromCharCode(parseInt(hex, 16)),
  )
}

function contentLength(request: Request): number | undefined /* undefined: chunked */ {
  const values = request.fields
    .filter(([name]) => name === 'content-length')
    .flatMap(([, v]) => v.split(','))
  const hasTransferEncoding = request.fields.some(([name]) => name === 'transfer-encoding')
  if (values.length === 0) {
    if (!hasTransferEncoding) return 0
    const codings = request.fields
      .filter(([name]) => name === 'transfer-encoding')
      .map(([, v]) => v.toLowerCase())
      .join(',')
    if (codings.replace(/\s/g, '') !== 'chunked')
      throw new BadRequest(
        '501 Not Implemented',
        `transfer coding '${codings}'; only chunked is supported`,
      )
    return undefined
  }
  if (hasTransferEncoding)
    throw new BadRequest('400 Bad Request', 'both Transfer-Encoding and Content-Length')
  const trimmed = values.map((v) => v.trim())
  if (!trimmed.every((v) => /^\d+$/.test(v) && v === trimmed[0]))
    throw new BadRequest('400 Bad Request', 'bad Content-Length')
  return Number(trimmed[0])
}

/** Throws TypeError for what docs/gateway.md's startResponse section forbids. */
function checkResponse(status: unknown, headers: unknown): asserts headers is Headers {
  if (typeof status !== 'string' || !statusLine.test(status))
    throw new TypeError(`startResponse: status must be "NNN Reason", got ${JSON.stringify(status)}`)
  if (!Array.isArray(headers))
    throw new TypeError('startResponse: headers must be an Array of [name, value] pairs')
  for (const pair of headers as unknown[]) {
    if (
      !Array.isArray(pair) ||
      pair.length !== 2 ||
      typeof pair[0] !== 'string' ||
      typeof pair[1] !== 'string'
    )
      throw new TypeError(
        `startResponse: each header must be [name, value] strings, got ${JSON.stringify(pair)}`,
      )
    const [name, value] = pair as [string, string]
    const lower = name.toLowerCase()
    if (!token.test(name))
      throw new TypeError(`startResponse: header name ${JSON.stringify(name)} is not a token`)
    if (!headerValue.test(value))
      throw new TypeError(
        `startResponse: header ${name} has a control character or a code unit above 0xFF`,
      )
    if (hopByHop.has(lower) || lower.startsWith('proxy-'))
      throw new TypeError(`startResponse: ${name} is hop-by-hop, the server's business`)
    if (lower === 'status')
      throw new TypeError('startResponse: a Status header is not allowed; pass the status itself')
    if (lower === 'content-length' && !/^\d+$/.test(value))
      throw new TypeError(`startResponse: Content-Length must be digits, got '${value}'`)
  }
  const lengths = new Set(
    headers.filter(([n]) => n.toLowerCase() === 'content-length').map(([, v]) => v),
  )
  if (lengths.size > 1) throw new TypeError('startResponse: repeated Content-Length values differ')
}

const errorLog = {
  write(text: string) {
    try {
      process.stderr.write(String(text))
    } catch {} // wsgi.errors never throws
  },
  writelines(texts: Iterable<string>) {
    for (const text of texts) errorLog.write(text)
  },
  flush() {},
}

/** Writes to the socket, resolving once accepted (at once, or on 'drain'); rejects if it closed. */
function send(socket: Socket, bytes: Uint8Array | string): Promise<void> {
  if (socket.destroyed) return Promise.reject(new Error('the client went away'))
  if (socket.write(bytes)) return Promise.resolve()
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      socket.off('drain', done).off('close', gone)
      error ? reject(error) : resolve()
    }
    const gone = () => done(new Error('the client went away'))
    socket.on('drain', done).on('close', gone)
  })
}

function answer(socket: Socket, status: string, text: string, extra = ''): Promise<void> {
  const body = `${text}\n`
  return send(
    socket,
    `HTTP/1.1 ${status}\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n${extra}Connection: close\r\n\r\n${body}`,
  )
}

/** One request/response exchange; resolves to whether the connection may carry another. */
async function handle(
  app: Application,
  socket: Socket,
  reader: SocketReader,
  request: Request,
): Promise<boolean> {
  const length = contentLength(request)
  const connectionTokens = request.fields
    .filter(([n]) => n === 'connection')
    .map(([, v]) => v)
    .join(',')
    .toLowerCase()
    .split(/\s*,\s*/)
  let keepAlive =
    request.version === 'HTTP/1.1'
      ? !connectionTokens.includes('close')
      : connectionTokens.includes('keep-alive')
  if (request.target === '*') {
    const keep = keepAlive && length === 0
    const connection = !keep ? 'close' : request.version === 'HTTP/1.0' ? 'keep-alive' : ''
    const allow = 'Allow: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS\r\n'
    const extra = connection ? `Connection: ${connection}\r\n` : ''
    await send(socket, `HTTP/1.1 204 No Content\r\n${allow}${extra}\r\n`)
    return keep
  }
  if (request.method === 'CONNECT')
    throw new BadRequest('501 Not Implemented', 'CONNECT is not supported')
  if ((length ?? 0) > bodyLimit)
    throw new BadRequest('413 Content Too Large', `the body exceeds ${bodyLimit} bytes`)
  const expect = request.fields.find(([name]) => name === 'expect')?.[1]
  if (expect !== undefined && expect.toLowerCase() !== '100-continue')
    throw new BadRequest('417 Expectation Failed', expect)

  let target = request.target
  if (!target.startsWith('/')) {
    const absolute = /^https?:\/\/[^/?#]*/i.exec(target)
    if (!absolute)
      throw new BadRequest(
        '400 Bad Request',
        'the request-target is neither origin- nor absolute-form',
      )
    target = target.slice(absolute[0].length)
  }
  target = target.split('#')[0] ?? ''
  const question = target.indexOf('?')
  const rawPath = (question >= 0 ? target.slice(0, question) : target) || '/'

  const controller = new AbortController()
  const onClose = () => controller.abort(new Error('the client went away'))
  socket.once('close', onClose)
  let headSent = false
  let continueSent = false
  const input = new BodyInput(
    reader,
    length,
    bodyLimit,
    () => {
      if (expect && !headSent && !continueSent && request.version === 'HTTP/1.1') {
        continueSent = true
        socket.write('HTTP/1.1 100 Continue\r\n\r\n')
      }
    },
    controller.signal,
  )

  const host = request.fields.find(([name]) => name === 'host')?.[1]
  const environ: Record<string, unknown> = {
    REQUEST_METHOD: request.method,
    SCRIPT_NAME: '',
    PATH_INFO: percentDecode(rawPath),
    QUERY_STRING: question >= 0 ? target.slice(question + 1) : '',
    SERVER_NAME: host
      ? host.replace(/:\d*$/, '').replace(/^\[(.*)\]$/, '$1')
      : (socket.localAddress ?? ''),
    SERVER_PORT: String(socket.localPort ?? ''),
    SERVER_PROTOCOL: request.version,
    REMOTE_ADDR: socket.remoteAddress ?? '',
    REMOTE_PORT: String(socket.remotePort ?? ''),
    'wsgi.version': Object.freeze([1, 0]),
    'wsgi.url_scheme': 'http',
    'wsgi.input': input,
    'wsgi.errors': errorLog,
    'wsgi.multithread': false,
    'wsgi.multiprocess': false,
    'wsgi.run_once': false,
    'wsgi.input_terminated': true,
    'gateway.signal': controller.signal,
    'outsider.raw_uri': request.target,
  }
  for (const [name, value] of request.fields) {
    if (name === 'content-type') environ.CONTENT_TYPE = value
    else if (name === 'content-length') environ.CONTENT_LENGTH = String(length)
    else if (!name.includes('_')) {
      const key = `HTTP_${name.toUpperCase().replaceAll('-', '_')}`
      const previous = environ[key] as string | undefined
      environ[key] =
        previous === undefined ? value : `${previous}${name === 'cookie' ? '; ' : ', '}${value}`
    }
  }

  const noBody = request.method === 'HEAD'
  let status: string | undefined
  let headers: Headers = []
  let declared: number | undefined
  let sent = 0
  let chunked = false
  let finished = false // the body ended: startResponse may no longer be called

  const sendHead = async (framing: number | undefined) => {
    const code = Number(status!.slice(0, 3))
    const bodiless = code < 200 || code === 204 || code === 304
    const lines = [`HTTP/1.1 ${status}`, `Date: ${new Date().toUTCString()}`, 'Server: outsider']
    const own = headers.filter(
      ([n]) => !(code < 200 || code === 204) || n.toLowerCase() !== 'content-length',
    )
    for (const [name, value] of own) lines.push(`${name}: ${value}`)
    const appLength = headers.find(([n]) => n.toLowerCase() === 'content-length')?.[1]
    declared = appLength !== undefined ? Number(appLength) : noBody ? undefined : framing
    if (appLength === undefined && framing !== undefined && !bodiless && !noBody)
      lines.push(`Content-Length: ${framing}`)
    if (declared === undefined && !bodiless && !noBody) {
      if (request.version === 'HTTP/1.1') chunked = true
      else keepAlive = false
    }
    if (chunked) lines.push('Transfer-Encoding: chunked')
    if (bodiless || noBody) declared = 0 // nothing goes on the wire, whatever was declared
    lines.push(
      keepAlive
        ? request.version === 'HTTP/1.0'
          ? 'Connection: keep-alive'
          : ''
        : 'Connection: close',
    )
    headSent = true
    await send(socket, `${lines.filter(Boolean).join('\r\n')}\r\n\r\n`)
  }
  const sendBody = async (chunk: Uint8Array) => {
    if (noBody || declared === 0) return
    let bytes = chunk
    if (declared !== undefined && sent + bytes.byteLength > declared) {
      errorLog.write(
        `outsider: the body exceeds its Content-Length ${declared}; the excess is dropped\n`,
      )
      bytes = bytes.subarray(0, declared - sent)
      keepAlive = false
    }
    sent += bytes.byteLength
    if (bytes.byteLength === 0) return
    await send(
      socket,
      chunked
        ? Buffer.concat([
            Buffer.from(`${bytes.byteLength.toString(16)}\r\n`),
            bytes,
            Buffer.from('\r\n'),
          ])
        : bytes,
    )
  }

  let wrote = false
  let returned = false
  const write = async (chunk: unknown) => {
    if (!(chunk instanceof Uint8Array)) throw new TypeError('write() takes a Uint8Array')
    if (status === undefined) throw new TypeError('write() before startResponse()')
    if (returned) throw new TypeError('write() after the application returned its body')
    wrote = true
    if (!headSent) await sendHead(undefined)
    await sendBody(chunk)
  }
  const startResponse = (newStatus: unknown, newHeaders: unknown, excInfo?: unknown) => {
    if (finished) throw new TypeError('startResponse() after the body ended')
    if (excInfo !== undefined && excInfo !== null) {
      if (headSent) throw excInfo
    } else if (status !== undefined)
      throw new TypeError('startResponse() called twice without excInfo')
    checkResponse(newStatus, newHeaders)
    status = newStatus as string
    headers = [...newHeaders]
    return write
  }

  let body: unknown
  let iterator: Iterator<unknown> | AsyncIterator<unknown> | undefined
  let iterationDone = false
  try {
    body = await app(environ, startResponse)
    returned = true
    if (
      typeof body === 'string' ||
      body instanceof Uint8Array ||
      body instanceof ArrayBuffer ||
      body === null ||
      typeof body !== 'object'
    )
      throw new TypeError(
        `the body must be an iterable of Uint8Array, not ${typeof body === 'string' ? 'a string' : Object.prototype.toString.call(body)}`,
      )
    const iterable = body as Partial<AsyncIterable<unknown> & Iterable<unknown>>
    if (!iterable[Symbol.asyncIterator] && !iterable[Symbol.iterator])
      throw new TypeError('the body is not iterable')
    const framing =
      Array.isArray(body) &&
      body.length <= 1 &&
      !wrote &&
      body.every((c) => c instanceof Uint8Array)
        ? (body[0]?.byteLength ?? 0)
        : undefined
    iterator = iterable[Symbol.asyncIterator]?.() ?? iterable[Symbol.iterator]!()
    for (;;) {
      const step = await iterator.next()
      if (step.done) break
      if (!(step.value instanceof Uint8Array))
        throw new TypeError('the body yielded something that is not a Uint8Array')
      if (step.value.byteLength === 0) continue
      if (status === undefined)
        throw new TypeError('the body yielded a chunk before startResponse()')
      if (!headSent) await sendHead(framing)
      await sendBody(step.value)
    }
    iterationDone = true
    finished = true
    if (status === undefined)
      throw new TypeError('the body ended before startResponse() was called')
    if (!headSent)
      await sendHead(
        framing ?? (headers.some(([n]) => n.toLowerCase() === 'content-length') ? undefined : 0),
      )
    if (chunked) await send(socket, '0\r\n\r\n')
    if (declared !== undefined && sent < declared) {
      errorLog.write(
        `outsider: the body fell short of its Content-Length (${sent} of ${declared})\n`,
      )
      keepAlive = false
    }
  } catch (error) {
    keepAlive = false
    errorLog.write(
      `outsider: ${request.method} ${request.target}: ${error instanceof Error ? error.stack : String(error)}\n`,
    )
    if (!headSent && !socket.destroyed && input.tooLarge)
      await answer(socket, '413 Content Too Large', 'Content Too Large').catch(() => {})
    else if (!headSent && !socket.destroyed)
      await answer(socket, '500 Internal Server Error', 'Internal Server Error').catch(() => {})
    else socket.destroy()
  } finally {
    finished = true
    if (iterator && !iterationDone)
      await Promise.resolve(iterator.return?.()).catch((e) =>
        errorLog.write(`outsider: return(): ${e}\n`),
      )
    const close = (body as { close?: unknown } | undefined)?.close
    if (typeof close === 'function')
      await Promise.resolve()
        .then(() => close.call(body))
        .catch((e) => errorLog.write(`outsider: close(): ${e}\n`))
    socket.off('close', onClose)
  }
  if (!keepAlive || socket.destroyed) return false
  // Discard what the application left unread, up to a bound, so the next request starts cleanly.
  return input.discard(discardLimit).catch(() => false)
}

async function serveConnection(app: Application, socket: Socket): Promise<void> {
  socket.on('timeout', () => socket.destroy())
  socket.on('error', () => {})
  const reader = new SocketReader(socket)
  for (;;) {
    // The idle timeout covers only the wait for a head: a slow application or a slow stream is
    // not idleness (the client's disconnect aborts those).
    socket.setTimeout(idleTimeoutMs)
    const head = await reader.readHead(headLimit)
    socket.setTimeout(0)
    if (head === null || head === 'truncated') return void socket.destroy()
    let keepAlive = false
    try {
      if (head === 'too-large')
        throw new BadRequest('431 Request Header Fields Too Large', 'the head is too large')
      keepAlive = await handle(app, socket, reader, parseHead(head))
    } catch (error) {
      if (!(error instanceof BadRequest)) throw error
      await answer(socket, error.status, error.message).catch(() => {})
    }
    if (!keepAlive) return void socket.end()
  }
}

async function main(argv: string[]): Promise<void> {
  const spec = argv.find((arg, i) => !arg.startsWith('--') && !argv[i - 1]?.startsWith('--'))
  const option = (name: string) => argv[argv.indexOf(name) + 1]
  const port = argv.includes('--port') ? Number(option('--port')) : 8000
  const host = argv.includes('--host') ? option('--host')! : '127.0.0.1'
  if (!spec || !Number.isInteger(port)) {
    console.error(
      'usage: outsider-server.ts MODULE[:ATTR] [--port N] [--host ADDR]  (hint: project/wsgi:application --port 0)',
    )
    process.exit(2)
  }
  let app: Application
  try {
    app = (await loadApplication(spec)) as Application
  } catch (error) {
    if (!(error instanceof LoadError)) throw error
    console.error(`${error.message} (hint: MODULE is a path relative to ${process.cwd()})`)
    process.exit(1)
  }
  const { port: bound, close } = await listen(app, port, host)
  console.log(`listening on http://${host}:${bound}`)
  for (const signal of ['SIGTERM', 'SIGINT'] as const)
    process.once(signal, () => void close().then(() => process.exit(0)))
}

/** Binds the server for `app`; also what the conformance test uses to run it in-process. */
export function listen(
  app: Application,
  port: number,
  host = '127.0.0.1',
): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>()
  const server = createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    serveConnection(app, socket).catch((error) => {
      errorLog.write(
        `outsider: connection failed: ${error instanceof Error ? error.stack : error}\n`,
      )
      socket.destroy()
    })
  })
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve())
      for (const socket of sockets) socket.destroy()
    })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () =>
      resolve({ port: (server.address() as AddressInfo).port, close }),
    )
  })
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href)
  await main(process.argv.slice(2))
