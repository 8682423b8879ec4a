/**
 * @module The head of a response the server writes itself (a refusal, a timeout, its own 500):
 * its headers set one by one, so that node's `getHeaders()`, and with it the access log's
 * `%({Name}o)s`, knows them as it knows the application's (request-log.ts). Not for the
 * application's responses: serve's host hands those to `writeHead()` in one call and keeps the
 * list itself (serve-host.ts, `Exchange.responseHeaders`).
 */
import type { ServerResponse } from 'node:http'

/**
 * Sets `headers` on `res`, then writes the head with `status` (and `reason`, when given).
 *
 * @example
 * ```ts
 * writeServerHead(res, 503, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' })
 * res.end('503 Service Unavailable\n')
 * ```
 */
export function writeServerHead(
  res: ServerResponse,
  status: number,
  headers: Readonly<Record<string, string | number>>,
  reason?: string,
): void {
  for (const name of Object.keys(headers)) res.setHeader(name, headers[name]!)
  if (reason === undefined) res.writeHead(status)
  else res.writeHead(status, reason)
}
