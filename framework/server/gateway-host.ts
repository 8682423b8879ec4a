/**
 * @module The request listener a worker runs: the gateway's node:http host (`toNodeListener`
 * from framework/gateway) with serve's environ additions: trusted proxy headers, the request id,
 * `wsgi.multiprocess`, and the worker's own hook (request timeout signal, pre_request).
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import * as gateway from '../gateway/index.ts'
import type { Application, Environ } from '../gateway/index.ts'
import type { ErrorLog } from './error-log.ts'
import { forwardedEnviron, isForwardedRejection, resolveForwarded, type TrustedProxies } from './proxy.ts'
import { REQUEST_ID_ENVIRON_KEY, requestIdFor } from './request-id.ts'
import type { ServeSettings } from './settings.ts'
import type { EnvironHook, HostFactory, RequestListener } from './worker.ts'

/** The options of the gateway's node-http host that serve uses. */
interface NodeHostOptions {
  environ?: (environ: Environ, req: IncomingMessage) => void
  multiprocess?: boolean
  urlScheme?: 'http' | 'https'
}

type ToNodeListener = (app: Application, options?: NodeHostOptions) => RequestListener

/**
 * Builds the worker's HostFactory for `app`.
 *
 * @example
 * ```ts
 * const host = createGatewayHost(app, settings, TrustedProxies.parse('127.0.0.1'), log)
 * new Worker({ ..., host })
 * ```
 */
export function createGatewayHost(app: Application, settings: ServeSettings, trust: TrustedProxies, log: ErrorLog): HostFactory {
  const toNodeListener = (gateway as unknown as { toNodeListener?: ToNodeListener }).toNodeListener ?? interimListener
  const requestIdHeader = settings.requestIdHeader.toLowerCase()
  return (workerHook: EnvironHook) => {
    const listener = toNodeListener(app, {
      multiprocess: settings.workers > 1,
      urlScheme: settings.certfile ? 'https' : 'http',
      environ(environ, req) {
        const forwarded = resolveForwarded({ peer: req.socket.remoteAddress, rawHeaders: req.rawHeaders }, trust)
        if (!isForwardedRejection(forwarded)) Object.assign(environ, forwardedEnviron(forwarded, environ))
        environ[REQUEST_ID_ENVIRON_KEY] = requestIdFor(req.headers[requestIdHeader])
        workerHook(environ, req)
      },
    })
    return (req: IncomingMessage, res: ServerResponse) => {
      // A trusted proxy that contradicts itself gets a 400 before the application runs.
      const forwarded = resolveForwarded({ peer: req.socket.remoteAddress, rawHeaders: req.rawHeaders }, trust)
      if (isForwardedRejection(forwarded)) {
        log.info(`Refused ${req.method} ${req.url}: ${forwarded.reason}`)
        res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' })
        res.end(`${forwarded.reason}\n`)
        return
      }
      listener(req, res)
    }
  }
}

/**
 * Interim host used only while framework/gateway's node-http host is being written: enough of
 * the contract (environ, startResponse, array or iterable bodies) to run the process model.
 */
function interimListener(app: Application, options: NodeHostOptions = {}): RequestListener {
  return (req, res) => {
    const controller = new AbortController()
    res.once('close', () => controller.abort())
    const url = req.url ?? '/'
    const q = url.indexOf('?')
    const environ = {
      REQUEST_METHOD: req.method ?? 'GET',
      SCRIPT_NAME: '',
      PATH_INFO: decodeURIComponent(q >= 0 ? url.slice(0, q) : url),
      QUERY_STRING: q >= 0 ? url.slice(q + 1) : '',
      SERVER_NAME: req.socket.localAddress ?? 'localhost',
      SERVER_PORT: String(req.socket.localPort ?? ''),
      SERVER_PROTOCOL: `HTTP/${req.httpVersion}`,
      REMOTE_ADDR: req.socket.remoteAddress,
      'wsgi.version': [1, 0] as const,
      'wsgi.url_scheme': options.urlScheme ?? 'http',
      'wsgi.multithread': false,
      'wsgi.multiprocess': options.multiprocess ?? true,
      'wsgi.run_once': false,
      'wsgi.input_terminated': true as const,
      'wsgi.errors': { write: (t: string) => void process.stderr.write(t), writelines: () => {}, flush: () => {} },
      'gateway.signal': controller.signal,
    } as unknown as Environ
    for (const [name, value] of Object.entries(req.headers)) {
      environ[`HTTP_${name.toUpperCase().replace(/-/g, '_')}`] = Array.isArray(value) ? value.join(', ') : value
    }
    options.environ?.(environ, req)
    let status = 500
    let headers: [string, string][] = []
    const run = async (): Promise<void> => {
      const body = await app(environ, (s, h) => {
        status = Number(s.slice(0, 3))
        headers = h
        return async (chunk) => void res.write(chunk)
      })
      const chunks: Uint8Array[] = []
      for await (const chunk of body as AsyncIterable<Uint8Array>) chunks.push(chunk)
      if (res.writableEnded || res.destroyed) return
      if (!res.headersSent) res.writeHead(status, headers.flat())
      res.end(Buffer.concat(chunks))
    }
    run().catch(() => {
      if (!res.headersSent) res.writeHead(500).end('Internal Server Error')
      else res.destroy()
    })
  }
}
