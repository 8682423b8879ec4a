/**
 * @module runConformance: checks a server (a "host") from outside, over real sockets, against
 * docs/gateway.md, and returns one row per check (pass, fail with the reason, or n/a).
 *
 * How to write a ConformanceHost:
 *
 * - In this process: `start(probe)` mounts `probe.application` with your adapter, listens on
 *   127.0.0.1 port 0 and returns `{ url: 'http://127.0.0.1:PORT', stop }`.
 * - In another process (CGI under a web server, a pre-fork server): the child loads the probe by
 *   path, e.g. with tsx, `const { [probe.exportName]: app } = await import(probe.modulePath)`,
 *   or your server's own `--app <modulePath>:<exportName>` option. `start` spawns the server on
 *   port 0 (or a free port), waits for a readiness line or a successful connection (bounded), and
 *   returns its URL; `stop` kills that child by PID and waits for its exit. If the app is mounted
 *   under a prefix (`/cgi-bin/probe`), put it in the URL: the kit prepends the URL's path to every
 *   probe path and the probe dispatches on PATH_INFO.
 * - The probe writes side-channel files in a temporary directory the kit creates (named
 *   `gateway-conformance-*` under os.tmpdir()); the server's processes must be able to write
 *   there, so do not sandbox /tmp away from them.
 * - A check your server cannot honour by design goes in `notApplicable` with the reason; it is
 *   reported as n/a, never as a pass.
 *
 * Checks run one after another (several need a quiet host to measure timing), each bounded by
 * `timeoutMs` per socket wait; a hung host fails its check with a reason.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { conformanceChecks } from './conformance-checks.ts'
import { ConformanceError, ConformanceFailure } from './conformance-failure.ts'
import { ConformanceReport } from './conformance-report.ts'
import { probe } from './probe-app.ts'
import { RawConnection, rawRequest, targetOf } from './raw-connection.ts'
import { sideChannelDirPrefix } from './side-channel.ts'
import type {
  CheckContext,
  ConformanceCheck,
  ConformanceHost,
  ConformanceOptions,
  ConformanceRow,
  RunningHost,
} from './conformance-types.ts'

/**
 * Starts `host` with the probe, runs the checks, stops the host and returns the report. Rejects
 * only with ConformanceError (bad options, a host that cannot start); check failures are rows.
 *
 * @example
 * ```ts
 * import { runConformance } from 'framework/gateway'
 *
 * const report = await runConformance(myHost, { timeoutMs: 3000 })
 * console.log(report.format())
 * ```
 */
export async function runConformance(
  host: ConformanceHost,
  options: ConformanceOptions = {},
): Promise<ConformanceReport> {
  const timeoutMs = options.timeoutMs ?? 5000
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new ConformanceError(
      'CONFORMANCE_BAD_OPTION',
      `timeoutMs must be a positive number of milliseconds, got ${String(options.timeoutMs)}`,
    )
  }
  const backpressureLimitBytes = options.backpressureLimitBytes ?? 8 * 1024 * 1024
  if (!Number.isFinite(backpressureLimitBytes) || backpressureLimitBytes <= 0) {
    throw new ConformanceError(
      'CONFORMANCE_BAD_OPTION',
      `backpressureLimitBytes must be a positive number of bytes, got ${String(options.backpressureLimitBytes)}`,
    )
  }
  const known = new Set(conformanceChecks.map((check) => check.id))
  for (const id of [...(options.only ?? []), ...Object.keys(host.notApplicable ?? {})]) {
    if (!known.has(id)) {
      throw new ConformanceError(
        'CONFORMANCE_UNKNOWN_CHECK',
        `no check has the id ${JSON.stringify(id)} (in options.only or ${host.name}'s notApplicable); use one of ${[...known].join(', ')}`,
      )
    }
  }
  const selected = options.only
    ? conformanceChecks.filter((check) => options.only?.includes(check.id))
    : conformanceChecks

  let running: RunningHost
  try {
    running = await host.start(probe)
  } catch (error) {
    throw new ConformanceError(
      'CONFORMANCE_HOST_START',
      `host ${JSON.stringify(host.name)} failed to start: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    )
  }
  const dir = mkdtempSync(join(tmpdir(), sideChannelDirPrefix))
  try {
    const url = parseUrl(running.url, host.name)
    const rows: ConformanceRow[] = []
    for (const check of selected)
      rows.push(await runOne(check, host, url, dir, { timeoutMs, backpressureLimitBytes }))
    return new ConformanceReport(host.name, rows)
  } finally {
    await running.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

function parseUrl(raw: string, hostName: string): URL {
  let url: URL
  try {
    url = new URL(raw)
  } catch (error) {
    throw new ConformanceError(
      'CONFORMANCE_BAD_URL',
      `host ${JSON.stringify(hostName)} returned the URL ${JSON.stringify(raw)}, which does not parse; return e.g. 'http://127.0.0.1:8000'`,
      { cause: error },
    )
  }
  if (url.protocol !== 'http:') {
    throw new ConformanceError(
      'CONFORMANCE_BAD_URL',
      `host ${JSON.stringify(hostName)} returned ${JSON.stringify(raw)}; the kit speaks plain HTTP/1.1 over raw sockets, so return an http:// URL (terminate TLS elsewhere)`,
    )
  }
  return url
}

async function runOne(
  check: ConformanceCheck,
  host: ConformanceHost,
  url: URL,
  dir: string,
  limits: { timeoutMs: number; backpressureLimitBytes: number },
): Promise<ConformanceRow> {
  const { timeoutMs } = limits
  const base = { id: check.id, title: check.title }
  const skipped = host.notApplicable?.[check.id]
  if (skipped !== undefined)
    return { ...base, outcome: 'n/a', reason: skipped || 'not applicable (no reason given)', ms: 0 }
  const connections: RawConnection[] = []
  const target = targetOf(url)
  const context: CheckContext = {
    url,
    target,
    ...limits,
    sidePath: (name) => join(dir, `${check.id}-${name}`),
    async open() {
      const connection = await RawConnection.open(target, timeoutMs)
      connections.push(connection)
      return connection
    },
    async request(method, path, headers = [], body = '') {
      const connection = await context.open()
      connection.write(
        rawRequest(target, method, path, [...headers, ['Connection', 'close']], body),
      )
      return connection.readResponse({ head: method === 'HEAD' })
    },
  }
  const started = Date.now()
  // Every wait inside a check is bounded; this outer bound catches a check that chains many of
  // them against a host that answers each just in time.
  const budgetMs = checkBudget(timeoutMs)
  let timer: NodeJS.Timeout | undefined
  const overrun = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new ConformanceFailure(`the check did not finish within ${budgetMs} ms`)),
      budgetMs,
    )
  })
  try {
    const note = await Promise.race([check.run(context), overrun])
    return {
      ...base,
      outcome: 'pass',
      reason: note ? `note: ${note}` : '',
      ms: Date.now() - started,
    }
  } catch (error) {
    const reason =
      error instanceof Error
        ? error.name === 'ConformanceFailure'
          ? error.message
          : `${error.name}: ${error.message}`
        : String(error)
    return { ...base, outcome: 'fail', reason, ms: Date.now() - started }
  } finally {
    clearTimeout(timer)
    for (const connection of connections) connection.destroy()
  }
}

/** The most a single check may take: a few socket waits plus the fixed pauses some checks make. */
function checkBudget(timeoutMs: number): number {
  return 4 * timeoutMs + 5000
}
