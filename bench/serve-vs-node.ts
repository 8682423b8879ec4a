/**
 * @module `npm run bench:serve`: serve running examples/hello_world.ts against raw node:http with
 * the same number of worker processes (1 and 2; node:cluster round-robin for 2), the same load
 * tool (autocannon's programmatic API on loopback) in the same run, rounds interleaved A B A B.
 * Reports median req/s, p50 and p99 latency, CPU microseconds per request for each server's whole
 * process tree (from /proc), RSS per worker, and the ratio to node:http (target >= 0.9); then a
 * connection-churn round (a new connection per request, so every request pays the primary's
 * hand-off to a worker). Writes a Markdown table to bench/results/serve-vs-node.md.
 *
 * Options (env): BENCH_DURATION seconds per round (5), BENCH_ROUNDS per server (3),
 * BENCH_CONNECTIONS (50), BENCH_WORKERS ("1,2"), BENCH_CHURN seconds of the churn round (3; 0
 * skips it), BENCH_BASELINE=DIR to also run `serve` from another checkout of this repository
 * (e.g. `git worktree add /tmp/base HEAD~5`) in the same rounds, for before/after figures,
 * BENCH_PROFILE=1 to run serve's processes with --cpu-prof into bench/results/prof/ (written when
 * serve exits after the run).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { createServer } from 'node:net'
import { resolve } from 'node:path'
import autocannon from 'autocannon'

const root = resolve(import.meta.dirname, '..')
const duration = Number(process.env.BENCH_DURATION ?? 5)
const rounds = Number(process.env.BENCH_ROUNDS ?? 3)
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50)
const workerCounts = (process.env.BENCH_WORKERS ?? '1,2').split(',').map(Number)
const profile = process.env.BENCH_PROFILE === '1'
const churnSeconds = Number(process.env.BENCH_CHURN ?? 3)
const baseline = process.env.BENCH_BASELINE ? resolve(process.env.BENCH_BASELINE) : undefined
const ticksPerSecond = 100 // getconf CLK_TCK on Linux

interface Server {
  name: string
  child: ChildProcess
  port: number
}

interface Round {
  rps: number
  p50: number
  p99: number
  requests: number
  errors: number
  non2xx: number
  cpuUsPerRequest: number
}

async function freePort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const port = (s.address() as { port: number }).port
  await new Promise<void>((r) => s.close(() => r()))
  return port
}

function ok(port: number): Promise<boolean> {
  return new Promise((done) => {
    const req = request({ host: '127.0.0.1', port, path: '/', timeout: 1000 }, (res) => {
      res.resume()
      res.on('end', () => done(res.statusCode === 200))
    })
    req.on('error', () => done(false))
    req.on('timeout', () => req.destroy())
    req.end()
  })
}

async function start(name: string, args: string[], port: number, env: NodeJS.ProcessEnv = {}): Promise<Server> {
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, ...env } })
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode} before it was ready`)
    if (await ok(port)) return { name, child, port }
    await new Promise((r) => setTimeout(r, 100))
  }
  child.kill('SIGKILL')
  throw new Error(`${name} not ready within 30 s`)
}

async function stop(server: Server): Promise<void> {
  if (server.child.exitCode !== null) return
  const exited = new Promise((r) => server.child.once('exit', r))
  server.child.kill('SIGTERM')
  const timer = setTimeout(() => server.child.kill('SIGKILL'), 15_000)
  await exited
  clearTimeout(timer)
}

/** The PIDs of a process and all its descendants, from /proc. */
function tree(pid: number): number[] {
  const parents = new Map<number, number[]>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)])
    } catch {
      // the process ended while we looked
    }
  }
  const out: number[] = []
  const walk = (p: number): void => {
    out.push(p)
    for (const c of parents.get(p) ?? []) walk(c)
  }
  walk(pid)
  return out
}

/** utime + stime of the whole tree, in clock ticks. */
function cpuTicks(pid: number): number {
  let total = 0
  for (const p of tree(pid)) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      total += Number(fields[11]) + Number(fields[12])
    } catch {
      // gone
    }
  }
  return total
}

/** RSS in MiB of the processes that answer requests: a primary's children (esbuild excluded), or the process itself. */
function workerRss(pid: number): number[] {
  const read = (p: number): number => {
    try {
      const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1]
      return Number(kb ?? 0) / 1024
    } catch {
      return 0
    }
  }
  const comm = (p: number): string => {
    try {
      return readFileSync(`/proc/${p}/comm`, 'utf8').trim()
    } catch {
      return ''
    }
  }
  const children = tree(pid).slice(1).filter((p) => comm(p) !== 'esbuild')
  return (children.length > 0 ? children : [pid]).map(read)
}

/**
 * Connection churn: `concurrency` loops, each sending one request per new connection
 * (`Connection: close`), for `seconds`. Every request then costs an accept in the primary and a
 * hand-off to a worker (serve and node:cluster), or an accept (a single node:http process).
 */
async function churn(server: Server, concurrency: number, seconds: number): Promise<{ rps: number; cpuUsPerRequest: number; errors: number }> {
  const before = cpuTicks(server.child.pid!)
  const deadline = Date.now() + seconds * 1000
  let done = 0
  let errors = 0
  const once = (): Promise<void> =>
    new Promise((resolveOne) => {
      const req = request({ host: '127.0.0.1', port: server.port, path: '/', agent: false, headers: { Connection: 'close' } }, (res) => {
        res.resume()
        res.on('end', () => {
          if (res.statusCode === 200) done++
          else errors++
          resolveOne()
        })
      })
      req.on('error', () => {
        errors++
        resolveOne()
      })
      req.end()
    })
  const started = Date.now()
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < deadline) await once()
    }),
  )
  const elapsed = (Date.now() - started) / 1000
  const ticks = cpuTicks(server.child.pid!) - before
  return { rps: done / elapsed, cpuUsPerRequest: done > 0 ? ((ticks / ticksPerSecond) * 1e6) / done : NaN, errors }
}

async function load(server: Server): Promise<Round> {
  const before = cpuTicks(server.child.pid!)
  const result = await autocannon({ url: `http://127.0.0.1:${server.port}/`, connections, duration, pipelining: 1 })
  const ticks = cpuTicks(server.child.pid!) - before
  const requests = result.requests.total
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    cpuUsPerRequest: requests > 0 ? (ticks / ticksPerSecond) * 1e6 / requests : NaN,
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

async function main(): Promise<void> {
  const lines: string[] = []
  lines.push('# serve vs raw node:http (examples/hello_world.ts)', '')
  lines.push(`Generated by \`npm run bench:serve\` (bench/serve-vs-node.ts) on ${new Date().toISOString()}.`)
  const os = await import('node:os')
  lines.push(`Node ${process.version}, autocannon ${connections} connections (keep-alive), ${duration} s per round, ${rounds} rounds per server, interleaved; loopback; ${os.cpus().length} CPUs shared with the load generator; load average at start ${os.loadavg()[0]!.toFixed(1)}.`, '')
  lines.push('| workers | server | median req/s | p50 (ms) | p99 (ms) | CPU µs/request (process tree) | RSS per worker (MiB) | errors | non-2xx | req/s ratio to node |')
  lines.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |')
  const churnLines: string[] = []
  // --cpu-prof is refused in NODE_OPTIONS; as an execArgv of the primary, forked workers inherit it.
  const profArgs = profile ? ['--cpu-prof', `--cpu-prof-dir=${resolve(root, 'bench/results/prof')}`] : []
  if (profile) mkdirSync(resolve(root, 'bench/results/prof'), { recursive: true })
  const serveArgs = (dir: string, port: number, workers: number): string[] => [
    ...profArgs,
    '--import',
    'tsx',
    resolve(dir, 'bin/serve.js'),
    `${resolve(dir, 'examples/hello_world.ts')}:processHttpRequest`,
    '--bind',
    `127.0.0.1:${port}`,
    '--workers',
    String(workers),
  ]
  for (const workers of workerCounts) {
    const servers: Server[] = []
    try {
      const servePort = await freePort()
      servers.push(await start(`serve --workers ${workers}`, serveArgs(root, servePort, workers), servePort))
      if (baseline) {
        const basePort = await freePort()
        servers.push(await start(`serve --workers ${workers} (baseline ${baseline})`, serveArgs(baseline, basePort, workers), basePort))
      }
      // Same loader as serve (--import tsx, no wrapper process), so the process trees compare.
      const nodePort = await freePort()
      const node = await start(workers === 1 ? 'node:http x1' : `node:cluster x${workers}`, ['--import', 'tsx', resolve(root, 'bench/raw-node-server.ts'), String(nodePort), String(workers)], nodePort)
      servers.push(node)
      // Warm-up: JIT, connection pools.
      for (const server of servers) await autocannon({ url: `http://127.0.0.1:${server.port}/`, connections, duration: 1 })
      const results = new Map<Server, Round[]>(servers.map((s) => [s, []]))
      for (let r = 0; r < rounds; r++) {
        // Rotate the order each round, so no server always runs right after another's load.
        const order = servers.map((_, i) => servers[(i + r) % servers.length]!)
        for (const server of order) {
          const round = await load(server)
          results.get(server)!.push(round)
          console.error(`${server.name} round ${r + 1}: ${round.rps.toFixed(0)} req/s, p99 ${round.p99} ms, ${round.cpuUsPerRequest.toFixed(1)} µs CPU/req`)
        }
      }
      const nodeRps = median(results.get(node)!.map((x) => x.rps))
      for (const server of servers) {
        const rs = results.get(server)!
        const rps = median(rs.map((x) => x.rps))
        const ratio = server === node ? '1' : (rps / nodeRps).toFixed(2)
        lines.push(`| ${workers} | ${server.name} | ${rps.toFixed(0)} | ${median(rs.map((x) => x.p50)).toFixed(1)} | ${median(rs.map((x) => x.p99)).toFixed(1)} | ${median(rs.map((x) => x.cpuUsPerRequest)).toFixed(1)} | ${workerRss(server.child.pid!).map((m) => m.toFixed(0)).join(' / ')} | ${rs.reduce((a, x) => a + x.errors, 0)} | ${rs.reduce((a, x) => a + x.non2xx, 0)} | **${ratio}** |`)
      }
      if (churnSeconds > 0) {
        for (const server of servers) {
          const c = await churn(server, 20, churnSeconds)
          console.error(`${server.name} churn: ${c.rps.toFixed(0)} req/s, ${c.cpuUsPerRequest.toFixed(1)} µs CPU/req`)
          churnLines.push(`| ${workers} | ${server.name} | ${c.rps.toFixed(0)} | ${c.cpuUsPerRequest.toFixed(1)} | ${c.errors} |`)
        }
      }
    } finally {
      for (const server of servers) await stop(server)
    }
  }
  if (churnLines.length > 0) {
    lines.push('', `A new connection per request (20 clients, \`Connection: close\`, ${churnSeconds} s each): every request pays an accept and, for serve and node:cluster, the primary's hand-off to a worker (serve keeps its copy of the socket until the worker confirms, see framework/server/handoff.ts).`, '')
    lines.push('| workers | server | req/s | CPU µs/request (process tree) | errors |', '| --- | --- | --- | --- | --- |', ...churnLines)
  }
  lines.push('', 'CPU µs/request is the steadier figure on a shared machine: req/s moves with whatever else runs, the CPU a server spends per request much less.')
  lines.push('serve\'s process tree includes the primary, which accepts every connection and hands it to a worker over IPC; with one worker node:http is a single process, with two node:cluster\'s primary does the same round-robin hand-off.')
  const text = `${lines.join('\n')}\n`
  mkdirSync(resolve(root, 'bench/results'), { recursive: true })
  writeFileSync(resolve(root, 'bench/results/serve-vs-node.md'), text)
  process.stdout.write(text)
}

await main()
