/** @module Tests of proxy-protocol.ts: v1 and v2 parsing, and the hand-off to node:http on a real socket. */
import { createServer, type Server } from 'node:http'
import { connect, createServer as createNetServer, type Server as NetServer } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { acceptProxyProtocol, parseProxyHeader } from '../../framework/server/proxy-protocol.ts'
import { TrustedProxies } from '../../framework/server/proxy.ts'

const v2sig = [0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]

describe('parseProxyHeader', () => {
  it('parses a v1 TCP4 line and says how many bytes it used', () => {
    const line = 'PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n'
    const parsed = parseProxyHeader(Buffer.from(`${line}GET / HTTP/1.1\r\n`))
    expect(parsed).toEqual({
      kind: 'ok',
      consumed: line.length,
      header: { version: 1, command: 'PROXY', family: 'TCP4', sourceAddress: '192.168.0.1', destinationAddress: '192.168.0.11', sourcePort: 56324, destinationPort: 443 },
    })
  })
  it('parses v1 TCP6 and UNKNOWN', () => {
    const tcp6 = parseProxyHeader(Buffer.from('PROXY TCP6 2001:db8::1 ::1 1 2\r\n'))
    expect(tcp6.kind === 'ok' && tcp6.header.sourceAddress).toBe('2001:db8::1')
    const unknown = parseProxyHeader(Buffer.from('PROXY UNKNOWN\r\n'))
    expect(unknown.kind === 'ok' && unknown.header.family).toBe('UNKNOWN')
  })
  it('refuses malformed v1 lines (bad ports, bad address, truncated, too long)', () => {
    for (const line of ['PROXY TCP4 192.168.0.1 192.168.0.11 65iii 100000\r\n', 'PROXY TCP4 not-an-ip 192.168.0.11 56324 443\r\n', 'PROXY TCP4 192.168.0.1 192.16...\r\n', `PROXY TCP4 ${'1'.repeat(120)}`]) {
      expect(parseProxyHeader(Buffer.from(line)).kind, line).toBe('error')
    }
  })
  it('asks for more bytes on a partial preamble and says none for plain HTTP', () => {
    expect(parseProxyHeader(Buffer.from('PRO')).kind).toBe('incomplete')
    expect(parseProxyHeader(Buffer.from('PROXY TCP4 1.2')).kind).toBe('incomplete')
    expect(parseProxyHeader(Buffer.from([0x0d, 0x0a, 0x0d])).kind).toBe('incomplete')
    expect(parseProxyHeader(Buffer.from('GET / HTTP/1.1\r\n')).kind).toBe('none')
  })
  it('parses v2 binary IPv4 and IPv6', () => {
    const v4 = Buffer.from([...v2sig, 0x21, 0x11, 0x00, 0x0c, 192, 168, 1, 10, 192, 168, 1, 1, 0x30, 0x39, 0x01, 0xbb])
    const p4 = parseProxyHeader(Buffer.concat([v4, Buffer.from('GET')]))
    expect(p4).toMatchObject({ kind: 'ok', consumed: 28, header: { version: 2, family: 'TCP4', sourceAddress: '192.168.1.10', sourcePort: 12345, destinationPort: 443 } })
    const src = [0x20, 0x01, 0x0d, 0xb8, ...new Array(11).fill(0), 1]
    const dst = [...new Array(15).fill(0), 1]
    const v6 = Buffer.from([...v2sig, 0x21, 0x21, 0x00, 0x24, ...src, ...dst, 0, 80, 0, 81])
    expect(parseProxyHeader(v6)).toMatchObject({ kind: 'ok', header: { family: 'TCP6', sourceAddress: '2001:db8::1', destinationAddress: '::1', sourcePort: 80 } })
  })
  it('parses v2 LOCAL and refuses an unknown version', () => {
    expect(parseProxyHeader(Buffer.from([...v2sig, 0x20, 0x00, 0x00, 0x00]))).toMatchObject({ kind: 'ok', header: { command: 'LOCAL' } })
    expect(parseProxyHeader(Buffer.from([...v2sig, 0x31, 0x11, 0x00, 0x00])).kind).toBe('error')
  })
})

describe('acceptProxyProtocol', () => {
  let tcp: NetServer | undefined
  let http: Server | undefined
  afterEach(() => {
    tcp?.close()
    http?.close()
  })

  async function send(bytes: Buffer | string, trust: string): Promise<string> {
    http = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => res.end(`${req.method} ${req.url} from ${req.socket.remoteAddress}:${req.socket.remotePort} body=${Buffer.concat(chunks).toString()}|`))
    })
    tcp = createNetServer()
    acceptProxyProtocol(tcp, http, { trust: TrustedProxies.parse(trust), timeoutMs: 2000 })
    await new Promise<void>((r) => tcp!.listen(0, '127.0.0.1', r))
    const port = (tcp.address() as { port: number }).port
    return new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.write(bytes))
      let out = ''
      socket.on('data', (d) => (out += d.toString('latin1')))
      socket.on('close', () => resolve(out))
      socket.on('error', () => resolve(out))
      setTimeout(() => { socket.destroy(); reject(new Error(`no close within 5 s: ${out}`)) }, 5000)
    })
  }

  it('gives node:http the rest of the bytes (pipelined requests too) with the PROXY source as the peer', async () => {
    const reply = await send('PROXY TCP4 192.0.2.1 192.0.2.2 4000 80\r\nPOST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabcGET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', '127.0.0.1')
    expect(reply).toContain('POST /a from 192.0.2.1:4000 body=abc|')
    expect(reply).toContain('GET /b from 192.0.2.1:4000 body=|')
  })
  it('passes a connection without a preamble through untouched', async () => {
    const reply = await send('GET /plain HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', '127.0.0.1')
    expect(reply).toContain('GET /plain from 127.0.0.1:')
  })
  it('closes the connection on a preamble from an untrusted peer', async () => {
    const reply = await send('PROXY TCP4 192.0.2.1 192.0.2.2 4000 80\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n', '10.0.0.0/8')
    expect(reply).toMatch(/^HTTP\/1\.1 400 /)
    expect(reply).not.toContain('from')
  })
})
