/**
 * @module The load generators: wrk when installed (C, one thread: it leaves the other core to
 * the server), else autocannon; and a fixed-count client for CGI, where each request starts a
 * process and a timed run would measure little but start-up.
 */
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'

/** One request shape: W4 posts a form with a cookie; the others are plain GETs. */
export interface RequestSpec {
  path: string
  method?: 'GET' | 'POST'
  headers?: Record<string, string>
  body?: string
}

/** What one load run measured. */
export interface LoadResult {
  requests: number
  seconds: number
  rps: number
  p50Ms: number
  p99Ms: number
  /** Socket errors and timeouts. */
  errors: number
  /** Responses that were not 2xx or 3xx. */
  bad: number
}

export type LoaderName = 'wrk' | 'autocannon'

const WRK = '/usr/bin/wrk'

/** wrk when /usr/bin/wrk exists, else autocannon. */
export function defaultLoader(): LoaderName {
  return existsSync(WRK) ? 'wrk' : 'autocannon'
}

/** "435.00us", "1.20ms", "2.01s" → milliseconds. */
function wrkDuration(text: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text)
  if (!m) return NaN
  const value = Number(m[1])
  return m[2] === 'us'
    ? value / 1000
    : m[2] === 'ms'
      ? value
      : m[2] === 's'
        ? value * 1000
        : value * 60_000
}

/** Parses wrk's `--latency` report. Exported for the smoke test. */
export function parseWrk(out: string): LoadResult {
  const total = /(\d+) requests in ([\d.]+)(ms|s|m),/.exec(out)
  if (!total) throw new Error(`wrk printed no request count:\n${out}`)
  const requests = Number(total[1])
  const seconds = wrkDuration(`${total[2]}${total[3]}`) / 1000
  const pct = (p: string) =>
    wrkDuration(new RegExp(`^\\s+${p}%\\s+(\\S+)`, 'm').exec(out)?.[1] ?? '')
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out)
  // Read errors are how wrk counts a server closing after each response (Gunicorn's sync
  // worker without keep-alive); only connect, write and timeout errors are failures.
  const errors = socket ? Number(socket[1]) + Number(socket[3]) + Number(socket[4]) : 0
  return {
    requests,
    seconds,
    rps: requests / seconds,
    p50Ms: pct('50'),
    p99Ms: pct('99'),
    errors,
    bad: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0),
  }
}

let scriptDir: string | undefined

/** A wrk Lua script that sends `spec`'s method, headers and body. */
function wrkScript(spec: RequestSpec): string {
  scriptDir ??= mkdtempSync(join(tmpdir(), 'bench-wrk-'))
  const lines = [`wrk.method = ${JSON.stringify(spec.method ?? 'GET')}`]
  if (spec.body !== undefined) lines.push(`wrk.body = ${JSON.stringify(spec.body)}`)
  for (const [k, v] of Object.entries(spec.headers ?? {}))
    lines.push(`wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}`)
  const file = join(scriptDir, `${Math.random().toString(36).slice(2)}.lua`)
  writeFileSync(file, `${lines.join('\n')}\n`)
  return file
}

function runWrk(
  url: string,
  spec: RequestSpec,
  connections: number,
  seconds: number,
): Promise<LoadResult> {
  // wrk takes whole seconds only.
  const args = [
    '-t1',
    `-c${connections}`,
    `-d${Math.max(1, Math.round(seconds))}s`,
    '--latency',
    '--timeout',
    '5s',
  ]
  if (spec.method === 'POST' || spec.headers) args.push('-s', wrkScript(spec))
  return new Promise((resolve, reject) => {
    execFile(WRK, [...args, url], { timeout: (seconds + 30) * 1000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`wrk failed: ${error.message}\n${stderr}`))
      else resolve(parseWrk(stdout))
    })
  })
}

async function runAutocannon(
  url: string,
  spec: RequestSpec,
  connections: number,
  seconds: number,
): Promise<LoadResult> {
  const r = await autocannon({
    url,
    connections,
    duration: seconds,
    method: spec.method ?? 'GET',
    ...(spec.headers ? { headers: spec.headers } : {}),
    ...(spec.body !== undefined ? { body: spec.body } : {}),
  })
  return {
    requests: r.requests.total,
    seconds,
    rps: r.requests.total / seconds,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    errors: r.errors + r.timeouts,
    bad: r.non2xx,
  }
}

/** Loads `base` + spec.path for `seconds` with `connections` keep-alive connections. */
export function timedLoad(
  loader: LoaderName,
  base: string,
  spec: RequestSpec,
  connections: number,
  seconds: number,
): Promise<LoadResult> {
  const url = base + spec.path
  return loader === 'wrk'
    ? runWrk(url, spec, connections, seconds)
    : runAutocannon(url, spec, connections, seconds)
}

function once(url: string): Promise<{ status: number; ms: number }> {
  const started = process.hrtime.bigint()
  return new Promise((resolve) => {
    const req = request(url, { agent: false, timeout: 30_000 }, (res) => {
      res.resume()
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          ms: Number(process.hrtime.bigint() - started) / 1e6,
        }),
      )
    })
    req.on('error', () =>
      resolve({ status: 0, ms: Number(process.hrtime.bigint() - started) / 1e6 }),
    )
    req.on('timeout', () => req.destroy())
    req.end()
  })
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN
}

/**
 * Sends `count` requests, `concurrency` at a time, each on a new connection; none is started
 * after `maxSeconds` (a slow CGI on a busy machine must not stretch the run without bound).
 */
export async function fixedCountLoad(
  base: string,
  spec: RequestSpec,
  count: number,
  concurrency: number,
  maxSeconds = Infinity,
): Promise<LoadResult> {
  const latencies: number[] = []
  let bad = 0
  let errors = 0
  let next = 0
  const started = process.hrtime.bigint()
  const deadline = Date.now() + maxSeconds * 1000
  const lane = async (): Promise<void> => {
    while (next < count && Date.now() < deadline) {
      next++
      const r = await once(base + spec.path)
      if (r.status === 0) errors++
      else if (r.status >= 400) bad++
      latencies.push(r.ms)
    }
  }
  await Promise.all(Array.from({ length: concurrency }, lane))
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  latencies.sort((a, b) => a - b)
  return {
    requests: latencies.length,
    seconds,
    rps: latencies.length / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    errors,
    bad,
  }
}
