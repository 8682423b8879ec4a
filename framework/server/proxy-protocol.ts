/**
 * @module The PROXY protocol (HAProxy's spec, v1 text and v2 binary): a load balancer that works
 * at the TCP level (HAProxy, AWS NLB) writes the real client's address in a preamble before the
 * HTTP bytes. node:http has no notion of it, so the preamble is read off the socket here, and the
 * socket is handed to the HTTP server afterwards with the rest of its bytes put back.
 *
 * The preamble is optional on a connection (as in Gunicorn: a direct health check has none), and
 * believed only from a peer that `--forwarded-allow-ips` trusts; a preamble from anyone else
 * closes the connection.
 */
import { isIP, type Server as NetServer, type Socket } from 'node:net'
import type { Server as HttpServer } from 'node:http'
import type { TrustedProxies } from './proxy.ts'

/** What a PROXY preamble says. `command: 'LOCAL'` (v2) or `UNKNOWN` (v1) carry no addresses. */
export interface ProxyHeader {
  version: 1 | 2
  command: 'PROXY' | 'LOCAL'
  family: 'TCP4' | 'TCP6' | 'UNIX' | 'UNKNOWN'
  sourceAddress?: string
  sourcePort?: number
  destinationAddress?: string
  destinationPort?: number
}

/** The result of looking at the first bytes of a connection. */
export type ProxyParse =
  | { kind: 'none' }
  | { kind: 'incomplete' }
  | { kind: 'error'; reason: string }
  | { kind: 'ok'; header: ProxyHeader; consumed: number }

const v1Prefix = Buffer.from('PROXY ', 'latin1')
const v2Signature = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a])
/** The spec's bound on a v1 line, CRLF included. */
const v1MaxLength = 107

function startsWithPartial(data: Buffer, prefix: Buffer): 'yes' | 'maybe' | 'no' {
  const n = Math.min(data.length, prefix.length)
  if (data.subarray(0, n).equals(prefix.subarray(0, n))) return n === prefix.length ? 'yes' : 'maybe'
  return 'no'
}

/**
 * Parses a PROXY preamble at the start of `data`. `none` means the bytes are not a preamble
 * (hand them to HTTP as they are); `incomplete` means read more.
 *
 * @example
 * ```ts
 * parseProxyHeader(Buffer.from('PROXY TCP4 1.2.3.4 5.6.7.8 1000 443\r\nGET / ...'))
 * // { kind: 'ok', header: { version: 1, family: 'TCP4', sourceAddress: '1.2.3.4', ... }, consumed: 37 }
 * ```
 */
export function parseProxyHeader(data: Buffer): ProxyParse {
  const v1 = startsWithPartial(data, v1Prefix)
  if (v1 === 'maybe') return { kind: 'incomplete' }
  if (v1 === 'yes') return parseV1(data)
  const v2 = startsWithPartial(data, v2Signature)
  if (v2 === 'maybe') return data.length === 0 ? { kind: 'incomplete' } : { kind: 'incomplete' }
  if (v2 === 'yes') return parseV2(data)
  return { kind: 'none' }
}

function parseV1(data: Buffer): ProxyParse {
  const end = data.indexOf('\r\n', 0, 'latin1')
  if (end < 0) {
    return data.length >= v1MaxLength
      ? { kind: 'error', reason: `PROXY v1 line longer than ${v1MaxLength} bytes` }
      : { kind: 'incomplete' }
  }
  if (end + 2 > v1MaxLength) return { kind: 'error', reason: `PROXY v1 line longer than ${v1MaxLength} bytes` }
  const line = data.subarray(0, end).toString('latin1')
  const parts = line.split(' ')
  const family = parts[1]
  if (family === 'UNKNOWN') {
    return { kind: 'ok', header: { version: 1, command: 'PROXY', family: 'UNKNOWN' }, consumed: end + 2 }
  }
  if ((family !== 'TCP4' && family !== 'TCP6') || parts.length !== 6) {
    return { kind: 'error', reason: `malformed PROXY v1 line ${JSON.stringify(line)}` }
  }
  const [, , src = '', dst = '', sport = '', dport = ''] = parts
  const want = family === 'TCP4' ? 4 : 6
  if (isIP(src) !== want || isIP(dst) !== want) {
    return { kind: 'error', reason: `PROXY v1 addresses are not ${family}: ${JSON.stringify(line)}` }
  }
  const ports = [sport, dport].map((p) => (/^(0|[1-9][0-9]{0,4})$/.test(p) ? Number(p) : NaN))
  if (ports.some((p) => !(p >= 0 && p <= 65535))) {
    return { kind: 'error', reason: `PROXY v1 ports are not 0-65535: ${JSON.stringify(line)}` }
  }
  return {
    kind: 'ok',
    header: {
      version: 1,
      command: 'PROXY',
      family,
      sourceAddress: src,
      destinationAddress: dst,
      sourcePort: ports[0]!,
      destinationPort: ports[1]!,
    },
    consumed: end + 2,
  }
}

function ipv6(bytes: Buffer): string {
  const groups: string[] = []
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i).toString(16))
  // Compress the longest run of zero groups, as the canonical text form does (RFC 5952).
  const text = groups.join(':')
  const runs = [...text.matchAll(/(^|:)0(:0)+(:|$)/g)].sort((a, b) => b[0].length - a[0].length)
  const run = runs[0]
  if (!run) return text
  return `${text.slice(0, run.index)}::${text.slice(run.index + run[0].length)}`
}

function parseV2(data: Buffer): ProxyParse {
  if (data.length < 16) return { kind: 'incomplete' }
  const versionCommand = data[12]!
  const familyProtocol = data[13]!
  const length = data.readUInt16BE(14)
  if (versionCommand >> 4 !== 2) return { kind: 'error', reason: `PROXY v2 version ${versionCommand >> 4} unknown` }
  const command = versionCommand & 0x0f
  if (command > 1) return { kind: 'error', reason: `PROXY v2 command ${command} unknown` }
  if (data.length < 16 + length) return { kind: 'incomplete' }
  const consumed = 16 + length
  const body = data.subarray(16, consumed)
  if (command === 0) return { kind: 'ok', header: { version: 2, command: 'LOCAL', family: 'UNKNOWN' }, consumed }
  const family = familyProtocol >> 4
  if (family === 1) {
    if (length < 12) return { kind: 'error', reason: 'PROXY v2 IPv4 block shorter than 12 bytes' }
    return {
      kind: 'ok',
      header: {
        version: 2,
        command: 'PROXY',
        family: 'TCP4',
        sourceAddress: [...body.subarray(0, 4)].join('.'),
        destinationAddress: [...body.subarray(4, 8)].join('.'),
        sourcePort: body.readUInt16BE(8),
        destinationPort: body.readUInt16BE(10),
      },
      consumed,
    }
  }
  if (family === 2) {
    if (length < 36) return { kind: 'error', reason: 'PROXY v2 IPv6 block shorter than 36 bytes' }
    return {
      kind: 'ok',
      header: {
        version: 2,
        command: 'PROXY',
        family: 'TCP6',
        sourceAddress: ipv6(body.subarray(0, 16)),
        destinationAddress: ipv6(body.subarray(16, 32)),
        sourcePort: body.readUInt16BE(32),
        destinationPort: body.readUInt16BE(34),
      },
      consumed,
    }
  }
  // AF_UNIX or AF_UNSPEC: a valid preamble without an IP address to report.
  return { kind: 'ok', header: { version: 2, command: 'PROXY', family: family === 3 ? 'UNIX' : 'UNKNOWN' }, consumed }
}

const headers = new WeakMap<Socket, ProxyHeader>()

/**
 * The PROXY preamble read on this socket, if any.
 *
 * @example
 * ```ts
 * const client = proxyHeaderOf(req.socket)?.sourceAddress ?? req.socket.remoteAddress
 * ```
 */
export function proxyHeaderOf(socket: Socket): ProxyHeader | undefined {
  return headers.get(socket)
}

/** Options of acceptProxyProtocol. */
export interface ProxyProtocolOptions {
  /** Peers allowed to send a preamble (the `--forwarded-allow-ips` set). */
  trust: TrustedProxies
  /** Milliseconds to wait for the preamble before closing (default 5000). */
  timeoutMs?: number
}

/**
 * Makes `netServer`'s connections go through PROXY parsing before `httpServer` sees them: the
 * preamble's source becomes the socket's `remoteAddress`/`remotePort` (so REMOTE_ADDR and access
 * logs name the real client), the remaining bytes are put back, and the socket is emitted to
 * `httpServer` as a 'connection'. A malformed or untrusted preamble closes the connection.
 *
 * @example
 * ```ts
 * const http = createServer(handler)
 * const tcp = createNetServer()
 * acceptProxyProtocol(tcp, http, { trust: TrustedProxies.parse('10.0.0.0/8') })
 * tcp.listen(8000)
 * ```
 */
export function acceptProxyProtocol(
  netServer: NetServer,
  httpServer: HttpServer,
  options: ProxyProtocolOptions,
): void {
  netServer.on('connection', (socket: Socket) => readPreamble(socket, httpServer, options))
}

function readPreamble(socket: Socket, httpServer: HttpServer, options: ProxyProtocolOptions): void {
  let buffered: Buffer = Buffer.alloc(0)
  const timer = setTimeout(() => socket.destroy(), options.timeoutMs ?? 5000)
  timer.unref()
  const finish = (rest: Buffer): void => {
    clearTimeout(timer)
    socket.removeListener('data', onData)
    socket.removeListener('error', onError)
    socket.pause()
    if (rest.length > 0) socket.unshift(rest)
    httpServer.emit('connection', socket)
    socket.resume()
  }
  const onError = (): void => {
    clearTimeout(timer)
    socket.destroy()
  }
  const onData = (chunk: Buffer): void => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk])
    const parsed = parseProxyHeader(buffered)
    if (parsed.kind === 'incomplete') return
    if (parsed.kind === 'none') return finish(buffered)
    if (parsed.kind === 'error' || !options.trust.trusts(socket.remoteAddress)) {
      clearTimeout(timer)
      socket.removeListener('data', onData)
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
      socket.destroySoon()
      return
    }
    const header = parsed.header
    headers.set(socket, header)
    if (header.sourceAddress !== undefined) {
      // Why redefine: every consumer (the gateway host's REMOTE_ADDR, access logs) reads these.
      Object.defineProperty(socket, 'remoteAddress', { value: header.sourceAddress, configurable: true })
      Object.defineProperty(socket, 'remotePort', { value: header.sourcePort, configurable: true })
    }
    finish(buffered.subarray(parsed.consumed))
  }
  socket.on('data', onData)
  socket.on('error', onError)
}
