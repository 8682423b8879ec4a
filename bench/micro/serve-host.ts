/**
 * @module The cost of serve's request path (framework/server/serve-host.ts) against a bare
 * node:http handler, without sockets or a load generator: real IncomingMessage/ServerResponse
 * objects over a socket that discards what is written, so only the per-request work differs.
 * A third listener runs the full framework (bench/apps/framework, W1's /plaintext) behind the
 * same host: what the framework adds to a request in a worker.
 *
 *   npx tsx bench/micro/serve-host.ts [requests]        CPU µs per request of each (median)
 *
 * BENCH_ONLY=raw|host|worker|framework runs one of them (worker: serve's Worker around the host). A worker switches V8's allocation-site
 * pretenuring off (framework/server/pretenuring.ts); this process does the same unless started
 * with `node --allocation-site-pretenuring`, which shows what the switch is worth.
 *
 * On a shared machine CPU time moves with the neighbours; instruction counts do not. Under
 * callgrind (instrumentation switched on around the measured loop only):
 *
 *   BENCH_CALLGRIND=1 BENCH_ONLY=host valgrind --tool=callgrind --instr-atstart=no \
 *     --callgrind-out-file=/dev/null node --import tsx bench/micro/serve-host.ts 5000
 *
 * prints "Collected : N"; N / 5000 is the instructions per request (BENCH_ONLY=raw for the
 * baseline). bench/results/serve-vs-node-profile.md lists the figures of each change.
 */
import { execFileSync } from 'node:child_process'
import { IncomingMessage, ServerResponse } from 'node:http'
import { Duplex } from 'node:stream'
import { processHttpRequest } from '../../examples/hello_world.ts'
import type { Application } from '../../framework/gateway/index.ts'
import { createErrorLog } from '../../framework/server/error-log.ts'
import { TrustedProxies } from '../../framework/server/proxy.ts'
import { disablePretenuring } from '../../framework/server/pretenuring.ts'
import { createServeHost } from '../../framework/server/serve-host.ts'
import { resolveSettings } from '../../framework/server/settings.ts'
import { httpLimitsFromSettings } from '../../framework/server/http-limits.ts'
import { idleCollector, v8Scavenge } from '../../framework/server/idle-gc.ts'
import { createRequestLog } from '../../framework/server/request-log.ts'
import { Worker } from '../../framework/server/worker.ts'

type Listener = (req: IncomingMessage, res: ServerResponse) => unknown

const requests = Number(process.argv[2] ?? 20_000)
const only = process.env.BENCH_ONLY
const callgrind = process.env.BENCH_CALLGRIND === '1'
// Requests run before measuring, so optimized code is what gets measured (BENCH_WARMUP=N).
const warmup = Number(process.env.BENCH_WARMUP ?? 2_000)

const settings = resolveSettings({ app: 'examples/hello_world.ts:processHttpRequest' })
const log = createErrorLog('-', 'info', process.pid)
const trust = TrustedProxies.parse(settings.forwardedAllowIps)
// As worker-main.ts does before it loads the application.
const pretenuringOff = disablePretenuring()
const hostFor = (app: Application): Listener =>
  createServeHost(app, settings, trust, log)((environ) => {
    environ['serve.worker_id'] = 1
  })
const host = hostFor(processHttpRequest)
// The whole worker's request path: serve's Worker (its bookkeeping, metrics, idle collector)
// around the same host, fed through its node:http server's 'request' event.
const requestLog = createRequestLog(settings)
const idle = idleCollector(v8Scavenge())
const worker = new Worker({
  id: 1,
  settings,
  log,
  limits: httpLimitsFromSettings(settings),
  host: createServeHost(processHttpRequest, settings, trust, log),
  send: () => {},
  exit: () => {},
  onStarted: () => {
    idle.activity()
    requestLog.started()
  },
  onFinished: (info) => requestLog.record(info),
})
const workerListener: Listener = (req, res) => worker.server.emit('request', req, res)
// Loaded only when measured: its modules are what makes V8's pretenuring kick in (pretenuring.ts).
const framework =
  only === undefined || only === 'framework'
    ? hostFor((await import('../apps/framework/wsgi.ts')).application)
    : undefined
const hello = new TextEncoder().encode('Hello World')
const raw: Listener = (_req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': hello.length })
  res.end(hello)
}

// One connection for every request, as keep-alive gives a worker; writes are dropped. Strings
// stay strings, as a net.Socket takes them (by default a Duplex turns each into a Buffer, work a
// real socket does not do: about 2.6k instructions per request in both sides' counts).
const socket = new Duplex({
  decodeStrings: false,
  write(_chunk, _encoding, done) {
    done()
  },
  writev(_chunks, done) {
    done()
  },
  read() {},
})
Object.defineProperties(socket, {
  remoteAddress: { value: '127.0.0.1' },
  remotePort: { value: 50_000 },
  localAddress: { value: '127.0.0.1' },
  localPort: { value: 8000 },
})

/**
 * One request through `listener`, as node:http would make and end it (what wrk sends). Resolves
 * once the response finished: the framework answers after its middleware's promises.
 */
function one(listener: Listener, url: string): Promise<void> | undefined {
  const req = new IncomingMessage(socket as never)
  req.method = 'GET'
  req.url = url
  req.httpVersion = '1.1'
  req.httpVersionMajor = 1
  req.httpVersionMinor = 1
  req.rawHeaders = ['Host', '127.0.0.1:8000', 'User-Agent', 'wrk', 'Accept', '*/*']
  req.complete = true
  req.push(null)
  const res = new ServerResponse(req)
  res.shouldKeepAlive = true
  res.assignSocket(socket as never)
  listener(req, res)
  if (res.writableFinished) return void closeResponse(res)
  return new Promise((resolve) => res.once('finish', () => resolve(closeResponse(res))))
}

/**
 * Ends a response as node:http would after it finished. A module function, not a closure made in
 * one(): tsx's keepNames would name a closure assigned to a const with Object.defineProperty on
 * every call (about 3.9k instructions per request, in both sides' counts).
 */
function closeResponse(res: ServerResponse): void {
  res.detachSocket(socket as never)
  res.emit('close')
}

/** Runs `count` requests, yielding to the event loop as a server would (ticks, immediates). */
async function run(listener: Listener, count: number, url = '/'): Promise<void> {
  for (let i = 0; i < count; i++) {
    const finishing = one(listener, url)
    if (finishing) await finishing
    if (i % 50 === 49) await new Promise((resolve) => setImmediate(resolve))
  }
  await new Promise((resolve) => setTimeout(resolve, 10))
}

async function measure(name: string, listener: Listener, url = '/'): Promise<void> {
  await run(listener, warmup, url) // warm-up: compiled code, caches filled
  if (callgrind) {
    execFileSync('callgrind_control', ['-i', 'on', String(process.pid)])
    await run(listener, requests, url)
    execFileSync('callgrind_control', ['-i', 'off', String(process.pid)])
    console.log(`${name}: ${requests} requests measured (see callgrind's "Collected")`)
    return
  }
  const rounds: number[] = []
  for (let round = 0; round < 5; round++) {
    const before = process.cpuUsage()
    await run(listener, requests, url)
    const used = process.cpuUsage(before)
    rounds.push((used.user + used.system) / requests)
  }
  rounds.sort((a, b) => a - b)
  console.log(`${name}: ${rounds[2]!.toFixed(2)} µs CPU per request (median of 5; ${rounds.map((r) => r.toFixed(2)).join(' ')})`)
}

console.log(`V8 allocation-site pretenuring: ${pretenuringOff ? 'off (as in a worker)' : 'on (as node chose)'}`)
if (only === undefined || only === 'raw') await measure('raw node:http handler', raw)
if (only === undefined || only === 'host') await measure('serve host + hello_world.ts', host)
if (only === undefined || only === 'worker') await measure('serve worker + hello_world.ts', workerListener)
if (framework) await measure('serve host + framework /plaintext', framework, '/plaintext')
// The framework's database connection would keep the process alive.
process.exit(0)
