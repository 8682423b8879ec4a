/**
 * @module A worker's per-request bookkeeping after the response ended: the access log line
 * (`--access-logfile`, `--access-logformat`) and the metrics counters the control socket's
 * `stats` adds up over workers.
 */
import { closeSync, openSync, writeSync } from 'node:fs'
import { compileAccessLogFormat, formatAccessLogJson, type AccessLogEntry } from './access-log.ts'
import { WorkerMetrics, type MetricsSnapshot } from './metrics.ts'
import { REQUEST_ID_ENVIRON_KEY } from './request-id.ts'
import type { ServeSettings } from './settings.ts'
import type { FinishedRequest } from './worker.ts'

/** What createRequestLog returns. */
export interface RequestLog {
  /** A request started: counted in flight until its record(). */
  started(): void
  record(info: FinishedRequest): void
  snapshot(): MetricsSnapshot
  reopen(): void
  close(): void
}

/**
 * Opens the access log (when set) and starts the counters.
 *
 * @example
 * ```ts
 * const requestLog = createRequestLog(settings)
 * worker = new Worker({
 *   ...,
 *   onStarted: () => requestLog.started(),
 *   onFinished: (info) => requestLog.record(info),
 * })
 * ```
 */
export function createRequestLog(settings: ServeSettings): RequestLog {
  const metrics = new WorkerMetrics()
  const target = settings.accesslog
  const format =
    settings.accessLogFormat === 'json'
      ? formatAccessLogJson
      : compileAccessLogFormat(settings.accessLogFormat)
  const open = (): number | undefined =>
    target === undefined ? undefined : target === '-' ? 1 : openSync(target, 'a')
  let fd = open()
  return {
    started() {
      metrics.begin()
    },
    record(info) {
      const { req, res, environ } = info
      metrics.end(res.statusCode, Number(info.durationNs) / 1e9)
      if (fd === undefined) return
      const entry: AccessLogEntry = {
        remoteAddr: req.socket.remoteAddress ?? '-',
        method: req.method ?? '-',
        url: req.url ?? '-',
        protocol: `HTTP/${req.httpVersion}`,
        status: res.statusCode,
        responseBytes: info.bodyBytes,
        requestHeaders: req.headers,
        responseHeaders: sentHeaders(info),
        start: new Date(Date.now() - Number(info.durationNs / 1_000_000n)),
        durationUs: Number(info.durationNs / 1000n),
        pid: process.pid,
        clientAddr: environ?.['gateway.client_addr'],
        requestId: environ?.[REQUEST_ID_ENVIRON_KEY] as string | undefined,
        environ,
      }
      try {
        writeSync(fd, `${format(entry)}\n`)
      } catch {
        // a full disk must not fail requests
      }
    },
    snapshot: () => metrics.snapshot(),
    reopen() {
      if (fd === undefined || fd === 1) return
      const previous = fd
      fd = open()
      closeSync(previous)
    },
    close() {
      if (fd !== undefined && fd !== 1) closeSync(fd)
    },
  }
}

/**
 * The response's header fields by lower-cased name, for `%({name}o)s`: those set on the response
 * with `setHeader()` (what node's `getHeaders()` knows) and those the host gave to `writeHead()`.
 * A repeated name (Set-Cookie) keeps every value, as an array.
 */
function sentHeaders(info: FinishedRequest): AccessLogEntry['responseHeaders'] {
  const record: Record<string, string | number | string[] | undefined> = info.res.getHeaders()
  const sent = info.responseHeaders
  if (sent === undefined) return record
  for (let i = 0; i + 1 < sent.length; i += 2) {
    const name = sent[i]!.toLowerCase()
    const value = sent[i + 1]!
    const earlier = record[name]
    record[name] =
      earlier === undefined
        ? value
        : Array.isArray(earlier)
          ? [...earlier, value]
          : [String(earlier), value]
  }
  return record
}
