/**
 * @module Gunicorn's request fixtures against the HTTP edge: every valid request reaches the
 * probe application with its method, path, query, headers and body; every invalid one is
 * answered 4xx (or the connection is closed) and never reaches the application with a complete
 * request. Where llhttp and Gunicorn disagree, the fixture is named here with the behaviour we
 * chose, and docs/server-http.md says why.
 *
 * The server is a real `serve` process (one worker) per fixture configuration, running
 * test/integration/apps/fixture-probe.ts, which appends what it saw to a side file. With
 * FIXTURE_BACKEND=harness the same suite runs against test/support/edge-harness.ts instead
 * (node:http plus the same framework/server modules, in this process): quicker, for work on the
 * edge modules alone. Each fixture gets a fresh connection; its bytes are written and the write
 * side closed.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { defaultHttpLimits, type HttpLimits } from '../../framework/server/http-limits.ts'
import { startEdgeHarness, latin1PercentDecode, type EdgeHarness, type ProbeRecord } from '../support/edge-harness.ts'
import { freePort, startServe } from '../support/serve-child.ts'
import { environHeaders, readExpectations, readFixture, type FixtureExpectation } from '../support/gunicorn-fixtures.ts'

const expectations = readExpectations()

/** Valid for Gunicorn, refused by llhttp, and we keep the refusal (docs/server-http.md, "Chosen refusals"). */
const chosenRefusals: Record<string, string> = {
  'valid/009.http': 'Transfer-Encoding: identity with Content-Length is a smuggling shape; refused',
  'valid/013.http': 'whitespace around ";" in a chunk extension is not RFC 9112 syntax; refused',
  'valid/027.http': 'a raw non-ASCII byte in the target is not RFC 3986; clients must percent-encode',
  'valid/028.http': 'whitespace before ":" (strip_header_spaces) is forbidden by RFC 9112 5.1; refused',
  'valid/031.http': 'methods llhttp does not know are refused (permit_unconventional_http_method not offered)',
  'valid/031compat.http': 'permit_unconventional_http_method/casefold_http_method not offered',
  'valid/031compat2.http': 'permit_unconventional_http_method not offered',
  'valid/099.http': 'a body shorter than its Content-Length is an incomplete request; refused',
  'valid/compat_obs_fold.http': 'obsolete line folding (permit_obsolete_folding) is refused, RFC 9112 5.2',
  'valid/compat_obs_fold_huge.http': 'obsolete line folding (permit_obsolete_folding) is refused, RFC 9112 5.2',
  'valid/rfc9112_target_authority_connect_01.http': 'CONNECT is not served: serve is an origin server, not a tunnel',
  'valid/rfc9112_target_authority_ipv6_01.http': 'CONNECT is not served: serve is an origin server, not a tunnel',
}

/** Invalid for Gunicorn, where llhttp calls the handler before it finds the error in the body: the
 * application may see the head, but its body read fails and it never sees a complete request. */
const headSeenBodyFails = new Set(
  Object.entries(expectations)
    .filter(([, e]) => e.kind === 'invalid' && e.node20.app_called)
    .map(([k]) => k)
    .concat(['invalid/rfc9110_trailer_forbidden_host_01.http']),
)

/** Written for Gunicorn's `header_map` (refuse or dangerous), which we do not offer: the gateway
 * always drops header names containing '_' (they would pose as '-' in the environ), so the
 * request is served without them. */
const headerMapFixtures = new Set(['invalid/040.http', 'invalid/chunked_07.http', 'valid/040_compat.http'])

/** True when a request of the fixture is HTTP/1.1 without Host (Gunicorn accepts it). */
function lacksHost(e: FixtureExpectation): boolean {
  if (e.node20.default_requireHostHeader_400) return true
  return (e.requests ?? []).some((r) => r.version[1] === 1 && !r.headers.some(([n]) => n === 'HOST'))
}

/** Our options for a fixture's Gunicorn config. */
function optionsFor(key: string, e: FixtureExpectation): { limits: HttpLimits; proxyProtocol: boolean; forwardedAllowIps: string } {
  const c = e.config ?? {}
  const limits: HttpLimits = { ...defaultHttpLimits }
  if (typeof c.limit_request_line === 'number') limits.limitRequestLine = c.limit_request_line
  if (typeof c.limit_request_fields === 'number') limits.limitRequestFields = c.limit_request_fields
  if (typeof c.limit_request_field_size === 'number') limits.limitRequestFieldSize = c.limit_request_field_size
  // Gunicorn accepts HTTP/1.1 without Host; we answer 400 by default (RFC 9112 3.2) and test
  // those fixtures with --require-host-header off (and their default refusal separately).
  if (lacksHost(e)) limits.requireHostHeader = false
  void key
  return {
    limits,
    proxyProtocol: c.proxy_protocol === true,
    forwardedAllowIps: typeof c.forwarded_allow_ips === 'string' ? c.forwarded_allow_ips : '127.0.0.1,::1',
  }
}

const dir = mkdtempSync(join(tmpdir(), 'serve-fixtures-'))
const servers = new Map<string, Promise<EdgeHarness>>()
let probeCount = 0

async function serverFor(options: ReturnType<typeof optionsFor>): Promise<{ server: EdgeHarness; log: string }> {
  const id = JSON.stringify(options)
  const log = join(dir, `probe-${Buffer.from(id).toString('hex').slice(0, 40)}-${probeCount}.log`)
  if (!servers.has(id)) {
    probeCount++
    const file = join(dir, `probe-${probeCount}.log`)
    writeFileSync(file, '')
    servers.set(id, startBackend(options, file).then((s) => Object.assign(s, { log: file })))
  }
  const server = (await servers.get(id)!) as EdgeHarness & { log: string }
  void log
  return { server, log: server.log }
}

const backend = process.env.FIXTURE_BACKEND === 'harness' ? 'harness' : 'serve'
const probeApp = resolve(import.meta.dirname, 'apps/fixture-probe.ts')

/** A server for one configuration: `serve` with the matching flags, or the in-process harness. */
async function startBackend(options: ReturnType<typeof optionsFor>, probeLog: string): Promise<EdgeHarness> {
  if (backend === 'harness') return startEdgeHarness({ ...options, probeLog })
  const port = await freePort()
  const l = options.limits
  const args = [
    `${probeApp}:application`, '--bind', `127.0.0.1:${port}`, '--workers', '1', '--graceful-timeout', '2',
    '--limit-request-line', String(l.limitRequestLine),
    '--limit-request-fields', String(l.limitRequestFields),
    '--limit-request-field_size', String(l.limitRequestFieldSize),
    '--forwarded-allow-ips', options.forwardedAllowIps,
    ...(l.requireHostHeader ? [] : ['--no-require-host-header']),
    ...(options.proxyProtocol ? ['--proxy-protocol'] : []),
  ]
  const serve = await startServe(args, { port }, { env: { PROBE_LOG: probeLog } })
  return {
    port,
    close: async () => {
      await serve.stop(5000)
    },
  }
}

afterAll(async () => {
  for (const s of servers.values()) await (await s).close()
  rmSync(dir, { recursive: true, force: true })
})

/** Writes the bytes on a fresh connection, closes the write side, returns everything read until close. */
function exchange(port: number, bytes: Buffer): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(bytes))
    let out = ''
    const timer = setTimeout(() => socket.destroy(), 5000)
    socket.on('data', (d) => (out += d.toString('latin1')))
    socket.on('error', () => {})
    socket.on('close', () => {
      clearTimeout(timer)
      resolve(out)
    })
  })
}

function records(log: string): ProbeRecord[] {
  return readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as ProbeRecord)
}

async function settle(log: string): Promise<void> {
  const deadline = Date.now() + 1000
  let last = -1
  let quietSince = Date.now()
  while (Date.now() < deadline) {
    const size = readFileSync(log).length
    if (size !== last) {
      last = size
      quietSince = Date.now()
    } else if (Date.now() - quietSince >= 100) return
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** Runs one fixture; returns the reply and the probe records it caused. */
async function run(key: string, options = optionsFor(key, expectations[key]!)): Promise<{ reply: string; seen: ProbeRecord[] }> {
  const { server, log } = await serverFor(options)
  const before = records(log).length
  const reply = await exchange(server.port, readFixture(key))
  // An application still running after the connection closed would write its lines into the
  // next fixture's share: wait (at most 1 s) until the log has been quiet for 100 ms.
  await settle(log)
  return { reply, seen: records(log).slice(before) }
}

/**
 * The 'complete' records in the order the application was called: pipelined requests may run
 * concurrently (a request without a body finishes before the chunked one ahead of it), but their
 * 'head' lines are written in call order.
 */
function inCallOrder(seen: ProbeRecord[]): ProbeRecord[] {
  const same = (a: ProbeRecord, b: ProbeRecord): boolean =>
    a.method === b.method && a.path === b.path && a.query === b.query && JSON.stringify(a.headers) === JSON.stringify(b.headers)
  const completes = seen.filter((r) => r.phase === 'complete')
  const ordered: ProbeRecord[] = []
  for (const head of seen.filter((r) => r.phase === 'head')) {
    const i = completes.findIndex((c) => same(c, head))
    if (i >= 0) ordered.push(...completes.splice(i, 1))
  }
  return [...ordered, ...completes]
}

/** The statuses in a reply, in order. */
function statuses(reply: string): number[] {
  return [...reply.matchAll(/HTTP\/1\.[01] (\d{3}) /g)].map((m) => Number(m[1]))
}

function expectRefused(reply: string, seen: ProbeRecord[], allowHead: boolean): void {
  const codes = statuses(reply)
  // 4xx/501, or the connection closed without an answer.
  for (const code of codes) expect(code === 501 || (code >= 400 && code < 500), `status ${code} in ${JSON.stringify(reply.slice(0, 200))}`).toBe(true)
  expect(seen.filter((r) => r.phase === 'complete'), 'the application saw a complete request').toEqual([])
  if (!allowHead) expect(seen, 'the application was called').toEqual([])
}

const keys = Object.keys(expectations).sort()

describe('valid Gunicorn fixtures reach the application intact', () => {
  for (const key of keys.filter((k) => expectations[k]!.kind === 'valid' && !(k in chosenRefusals) && !headerMapFixtures.has(k))) {
    it(key, async () => {
      const expected = expectations[key]!.requests!
      const { reply, seen } = await run(key)
      const complete = inCallOrder(seen)
      expect(statuses(reply).slice(0, expected.length), reply.slice(0, 300)).toEqual(expected.map(() => 200))
      expect(complete.length, JSON.stringify(seen)).toBe(expected.length)
      expected.forEach((want, i) => {
        const got = complete[i]!
        expect(got.method).toBe(want.method)
        expect(got.path).toBe(latin1PercentDecode(want.path))
        expect(got.query).toBe(want.query)
        expect(got.headers).toEqual(environHeaders(want.headers))
        expect(got.body).toBe(want.body)
      })
    })
  }
})

describe('valid fixtures without Host on HTTP/1.1 are refused with the default --require-host-header', () => {
  for (const key of keys.filter((k) => expectations[k]!.kind === 'valid' && lacksHost(expectations[k]!) && !(k in chosenRefusals) && !headerMapFixtures.has(k))) {
    it(key, async () => {
      const options = optionsFor(key, expectations[key]!)
      const { reply, seen } = await run(key, { ...options, limits: { ...options.limits, requireHostHeader: true } })
      // The first request without Host is refused; requests before it on the connection are served.
      const firstWithout = expectations[key]!.requests!.findIndex((r) => r.version[1] === 1 && !r.headers.some(([n]) => n === 'HOST'))
      expect(statuses(reply)[firstWithout]).toBe(400)
      expect(seen.filter((r) => r.phase === 'complete').length).toBe(firstWithout)
    })
  }
})

describe('valid fixtures we refuse on purpose (docs/server-http.md, "Chosen refusals")', () => {
  for (const [key, reason] of Object.entries(chosenRefusals)) {
    it(`${key}: ${reason}`, async () => {
      const { reply, seen } = await run(key)
      expectRefused(reply, seen, key === 'valid/099.http' || key === 'valid/013.http')
    })
  }
})

describe('invalid Gunicorn fixtures never reach the application', () => {
  for (const key of keys.filter((k) => expectations[k]!.kind === 'invalid' && !headerMapFixtures.has(k))) {
    const label = headSeenBodyFails.has(key) ? `${key} (head seen, body read fails: llhttp finds the error in the body)` : key
    it(label, async () => {
      const { reply, seen } = await run(key)
      expectRefused(reply, seen, headSeenBodyFails.has(key))
    })
  }
})

describe('fixtures written for Gunicorn header_map (not offered): underscore names are dropped', () => {
  for (const key of [...headerMapFixtures]) {
    it(key, async () => {
      const { reply, seen } = await run(key)
      const complete = seen.filter((r) => r.phase === 'complete')
      expect(statuses(reply)[0], reply.slice(0, 200)).toBe(200)
      expect(complete.length).toBe(1)
      // Only the real '-' names remain: Transfer_Encoding / Content_Length never reach the environ.
      const h = complete[0]!.headers
      const framing = Object.keys(h).filter((k) => /TRANSFER|CONTENT_LENGTH/.test(k))
      expect(framing).toEqual(key === 'invalid/chunked_07.http' ? ['HTTP_TRANSFER_ENCODING'] : ['CONTENT_LENGTH'])
      expect(h.HTTP_TRANSFER_ENCODING ?? 'chunked').toBe('chunked')
      expect(h.CONTENT_LENGTH ?? '7').toBe('7')
    })
  }
})
