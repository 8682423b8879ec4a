/**
 * @module The conformance kit's public shapes: the host under test, the probe it must run, the
 * checks and the report rows.
 */
import type { Application } from '../contract.ts'
import type { RawConnection, Target } from './raw-connection.ts'
import type { RawResponse } from './response-parser.ts'

/**
 * The probe application the host must serve, in two forms: the function itself (for hosts in
 * this process) and where to import it from (for hosts that load the app in another process).
 */
export interface ProbeApp {
  application: Application
  /** Absolute path of the module that exports the probe. */
  modulePath: string
  /** The export's name in that module. */
  exportName: string
}

/** A running host: where to reach it and how to stop it. */
export interface RunningHost {
  /** Base URL, `http://127.0.0.1:PORT` plus an optional path prefix the host mounts the app at. */
  url: string
  stop(): Promise<void>
}

/**
 * A server under test. See the module comment of run-conformance.ts for how to write one for a
 * server in another process.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http'
 * import type { ConformanceHost } from 'framework/gateway'
 *
 * const host: ConformanceHost = {
 *   name: 'my server',
 *   async start(probe) {
 *     const server = createServer(myAdapter(probe.application)).listen(0, '127.0.0.1')
 *     await new Promise((resolve) => server.once('listening', resolve))
 *     const { port } = server.address() as { port: number }
 *     return { url: `http://127.0.0.1:${port}`, stop: () => new Promise((r) => server.close(() => r())) }
 *   },
 * }
 * ```
 */
export interface ConformanceHost {
  name: string
  /** Starts a server running the probe application; resolves once it accepts connections. */
  start(probe: ProbeApp): Promise<RunningHost>
  /**
   * Checks this host cannot honour by nature, by id, with the reason (e.g. a CGI host behind a
   * web server that answers 100-continue itself). Reported as n/a, never as a pass.
   */
  notApplicable?: Record<string, string>
}

/** How a row ended. */
export type ConformanceOutcome = 'pass' | 'fail' | 'n/a'

/** One row of the report: one check against one host. */
export interface ConformanceRow {
  id: string
  title: string
  outcome: ConformanceOutcome
  /** Why it failed or is n/a; for a pass, '' or a note on a permitted but notable behaviour. */
  reason: string
  /** Wall-clock milliseconds the check took. */
  ms: number
}

/** Options of runConformance. */
export interface ConformanceOptions {
  /** Run only these check ids (default: all). */
  only?: readonly string[]
  /** Deadline of every single socket wait, in ms (default 5000). */
  timeoutMs?: number
  /**
   * How far the app may run ahead of a client that stopped reading, in bytes (default 8 MiB).
   * The kernel's socket buffers count too (about 4 MiB on Linux loopback); raise it for a host
   * that legitimately buffers a bounded amount more (a proxy in front).
   */
  backpressureLimitBytes?: number
}

/** What a check receives: the host's address and helpers that clean up after it. */
export interface CheckContext {
  /** The host's base URL. */
  url: URL
  /** The same, split for raw requests (paths get `target.prefix`). */
  target: Target
  /** Deadline of every single wait, in ms. */
  timeoutMs: number
  /** See ConformanceOptions.backpressureLimitBytes. */
  backpressureLimitBytes: number
  /** A fresh side-channel file path for this check (the file does not exist yet). */
  sidePath(name: string): string
  /** Opens a raw connection, closed automatically after the check. */
  open(): Promise<RawConnection>
  /**
   * Sends one request on a new connection (with `Connection: close`) and reads its response.
   * Strings are sent as latin-1.
   */
  request(
    method: string,
    path: string,
    headers?: [string, string][],
    body?: string,
  ): Promise<RawResponse>
}

/**
 * One check: a stable id, a one-line title, and a run() that throws ConformanceFailure, or
 * resolves (to a note, when the host passed in a notable way).
 */
export interface ConformanceCheck {
  id: string
  title: string
  run(context: CheckContext): Promise<string | undefined | void>
}
