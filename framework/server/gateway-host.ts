/**
 * @module The request listener a worker runs: the gateway's node:http host (`toNodeListener`
 * from framework/gateway) with serve's environ additions: trusted proxy headers, the request id,
 * `wsgi.multiprocess`, and the worker's own hook (request timeout signal, pre_request).
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { ErrorsStream, toNodeListener } from '../gateway/index.ts'
import type { Application } from '../gateway/index.ts'
import type { ErrorLog } from './error-log.ts'
import {
  forwardedEnviron,
  isForwardedRejection,
  resolveForwarded,
  type ForwardedInfo,
  type TrustedProxies,
} from './proxy.ts'
import { REQUEST_ID_ENVIRON_KEY, requestIdFor } from './request-id.ts'
import type { ServeSettings } from './settings.ts'
import type { EnvironHook, HostFactory, RequestListener } from './worker.ts'

/**
 * Builds the worker's HostFactory for `app`.
 *
 * @example
 * ```ts
 * const host = createGatewayHost(app, settings, TrustedProxies.parse('127.0.0.1'), log)
 * new Worker({ ..., host })
 * ```
 */
export function createGatewayHost(
  app: Application,
  settings: ServeSettings,
  trust: TrustedProxies,
  log: ErrorLog,
): HostFactory {
  const requestIdHeader = settings.requestIdHeader.toLowerCase()
  // wsgi.errors goes to the error log (--error-logfile), not to whatever stderr happens to be.
  const errors = new ErrorsStream((text: string) => {
    const trimmed = text.trimEnd()
    if (trimmed) log.error(trimmed)
  })
  const resolved = new WeakMap<IncomingMessage, ForwardedInfo>()
  return (workerHook: EnvironHook) => {
    const listener = toNodeListener(app, {
      // Always true: even with one worker, a reload or a recycle runs two processes at once.
      multiprocess: true,
      urlScheme: settings.certfile ? 'https' : 'http',
      errors,
      environ(environ, req) {
        const forwarded = resolved.get(req)
        if (forwarded) Object.assign(environ, forwardedEnviron(forwarded, environ))
        environ[REQUEST_ID_ENVIRON_KEY] = requestIdFor(req.headers[requestIdHeader])
        workerHook(environ, req)
      },
    })
    return (req: IncomingMessage, res: ServerResponse) => {
      // A trusted proxy that contradicts itself gets a 400 before the application runs.
      const forwarded = resolveForwarded(
        { peer: req.socket.remoteAddress, rawHeaders: req.rawHeaders },
        trust,
      )
      if (isForwardedRejection(forwarded)) {
        log.info(`Refused ${req.method} ${req.url}: ${forwarded.reason}`)
        res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' })
        res.end(`${forwarded.reason}\n`)
        return
      }
      resolved.set(req, forwarded)
      listener(req, res)
    }
  }
}
