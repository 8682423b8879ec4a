/**
 * @module `--metrics-bind`: the primary answers `GET /metrics` with the Prometheus text format,
 * the counters of every worker added up (live ones asked over IPC, exited ones' final counters
 * kept by the primary) plus worker restarts.
 *
 * Why in the primary and on its own bind: a scrape must work while every worker is busy, and
 * the numbers are the whole server's, not one worker's; a separate address keeps them off the
 * public site (bind it to loopback or a unix socket).
 */
import { chmodSync, lstatSync, unlinkSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { Arbiter } from './arbiter.ts'
import { parseBind } from './binds.ts'
import { mergeMetrics, renderPrometheus, type MetricsSnapshot } from './metrics.ts'

/**
 * Opens the metrics endpoint on `bind` (HOST:PORT or unix:PATH; a unix socket gets mode 0600).
 *
 * @example
 * ```ts
 * const metrics = await openMetricsEndpoint('127.0.0.1:9100', arbiter)
 * // curl -s http://127.0.0.1:9100/metrics
 * await metrics.close()
 * ```
 */
export async function openMetricsEndpoint(
  bind: string,
  arbiter: Arbiter,
): Promise<{ address: string; close(): Promise<void> }> {
  const spec = parseBind(bind)
  if (spec.kind === 'fd') {
    throw new Error(`--metrics-bind ${JSON.stringify(bind)}: use HOST:PORT or unix:PATH.`)
  }
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]
    if (path !== '/metrics') {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' })
      res.end('Not found: the metrics are at /metrics\n')
      return
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' })
      res.end('Use GET /metrics\n')
      return
    }
    void arbiter.collectStats().then(
      (snapshots) => {
        const status = arbiter.status()
        const total = mergeMetrics(snapshots as MetricsSnapshot[], {
          workerRestarts: status.workerRestarts,
        })
        const text = renderPrometheus(total, { workers: status.workers.length })
        res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' })
        res.end(req.method === 'HEAD' ? undefined : text)
      },
      (error: unknown) => {
        res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' })
        res.end(`Collecting the workers' metrics failed: ${(error as Error).message}\n`)
      },
    )
  })
  if (spec.kind === 'unix') {
    try {
      if (lstatSync(spec.path).isSocket()) unlinkSync(spec.path)
    } catch {
      // nothing there
    }
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    if (spec.kind === 'unix') server.listen({ path: spec.path }, resolve)
    else server.listen({ host: spec.host, port: spec.port }, resolve)
  })
  if (spec.kind === 'unix') chmodSync(spec.path, 0o600)
  const where = server.address()
  const address =
    spec.kind === 'unix'
      ? `unix:${spec.path}`
      : typeof where === 'object' && where
        ? `${where.address.includes(':') ? `[${where.address}]` : where.address}:${where.port}`
        : bind
  return {
    address,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
