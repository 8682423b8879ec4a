/**
 * @module A node:http server wired with the HTTP-edge modules exactly as a `serve` worker wires
 * them (PROXY preamble, head checks, trusted-proxy headers, body guard), in front of a probe that
 * records what reached "the application". Used by the fixture tests where a `serve` process is
 * not wanted (one per configuration would cost seconds each on a shared machine).
 */
import { appendFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import { createServer as createNetServer, type Server as NetServer } from 'node:net'
import {
  applyServerLimits,
  guardRequest,
  handleClientError,
  nodeServerOptions,
  sendRejection,
  type HttpLimits,
} from '../../framework/server/http-limits.ts'
import { acceptProxyProtocol } from '../../framework/server/proxy-protocol.ts'
import { TrustedProxies, forwardedEnviron, isForwardedRejection, resolveForwarded } from '../../framework/server/proxy.ts'
import { environHeaders } from './gunicorn-fixtures.ts'

/** What the probe writes, one JSON line per phase: 'head' when called, 'complete' after the whole body. */
export interface ProbeRecord {
  phase: 'head' | 'complete'
  method: string
  /** PATH_INFO: percent-decoded, bytes as latin-1. */
  path: string
  query: string
  headers: Record<string, string>
  /** Only on 'complete': the body as latin-1. */
  body?: string
  /** The environ keys the trusted-proxy headers set. */
  forwarded?: Record<string, string>
}

/** Percent-decodes to latin-1 (one code unit per byte), as PATH_INFO is defined in docs/gateway.md. */
export function latin1PercentDecode(path: string): string {
  return path.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
}

/** Splits a request target the way the environ does: PATH_INFO (decoded) and QUERY_STRING. */
export function splitTarget(url: string): { path: string; query: string } {
  let rest = url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '')
  const hash = rest.indexOf('#')
  if (hash >= 0) rest = rest.slice(0, hash)
  const q = rest.indexOf('?')
  const rawPath = q < 0 ? rest : rest.slice(0, q)
  return { path: latin1PercentDecode(rawPath || '/'), query: q < 0 ? '' : rest.slice(q + 1) }
}

function pairs(raw: string[]): [string, string][] {
  const out: [string, string][] = []
  for (let i = 0; i < raw.length; i += 2) out.push([raw[i] ?? '', raw[i + 1] ?? ''])
  return out
}

/** Options of startEdgeHarness. */
export interface EdgeHarnessOptions {
  limits: HttpLimits
  forwardedAllowIps: string
  proxyProtocol: boolean
  /** File the probe appends its JSON lines to. */
  probeLog: string
}

/** A running harness: its port and how to stop it. */
export interface EdgeHarness {
  port: number
  close(): Promise<void>
}

/** Starts the harness on 127.0.0.1, port 0. */
export async function startEdgeHarness(options: EdgeHarnessOptions): Promise<EdgeHarness> {
  const trust = TrustedProxies.parse(options.forwardedAllowIps)
  const record = (r: ProbeRecord): void => appendFileSync(options.probeLog, `${JSON.stringify(r)}\n`)
  const http: Server = createServer(nodeServerOptions(options.limits), (req: IncomingMessage, res) => {
    if (!guardRequest(req, res, options.limits)) return
    const forwarded = resolveForwarded({ peer: req.socket.remoteAddress, rawHeaders: req.rawHeaders }, trust)
    if (isForwardedRejection(forwarded)) return sendRejection(res, forwarded)
    const { path, query } = splitTarget(req.url ?? '')
    const seen: ProbeRecord = {
      phase: 'head',
      method: req.method ?? '',
      path,
      query,
      headers: environHeaders(pairs(req.rawHeaders)),
      forwarded: forwardedEnviron(forwarded, { SCRIPT_NAME: '' }),
    }
    record(seen)
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('error', () => {
      if (!res.headersSent) res.writeHead(400, { Connection: 'close' }).end()
      res.destroy()
    })
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('latin1')
      record({ ...seen, phase: 'complete', body })
      // A length, so an HTTP/1.0 keep-alive client can get a second response on the connection.
      const reply = Buffer.from(JSON.stringify({ ...seen, body }), 'latin1')
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': reply.length }).end(reply)
    })
  })
  applyServerLimits(http, options.limits)
  http.on('clientError', handleClientError)
  let listener: Server | NetServer = http
  if (options.proxyProtocol) {
    listener = createNetServer()
    acceptProxyProtocol(listener, http, { trust, timeoutMs: 2000 })
  }
  await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r))
  const port = (listener.address() as { port: number }).port
  return {
    port,
    close: () =>
      new Promise<void>((r) => {
        http.closeAllConnections()
        listener.close(() => r())
        if (listener !== http) http.close()
      }),
  }
}
