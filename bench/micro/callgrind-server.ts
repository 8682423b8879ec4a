/**
 * @module Instructions per request of a real server under wrk: the server command runs under
 * callgrind (children traced, so serve's worker is counted too), wrk warms it up, then
 * instrumentation is switched on in the busiest process for a measured wrk run only. Unlike
 * bench/micro/serve-host.ts, the count includes node:http's parser, the sockets' JavaScript side
 * and everything the worker does around the request, as in production.
 *
 *   npx tsx bench/micro/callgrind-server.ts OUT PORT -- node --perf-basic-prof --import tsx \
 *     bench/raw-node-server.ts 8301 1
 *   npx tsx bench/micro/callgrind-server.ts OUT PORT -- node --perf-basic-prof bin/serve.js \
 *     examples/hello_world.ts:processHttpRequest --bind 127.0.0.1:8302
 *
 * Prints the main thread's instructions per request and the profile's file, which
 * bench/micro/callgrind-report.ts names with /tmp/perf-PID.map. Options by environment:
 * CG_URL (default /), CG_WARM seconds of wrk before measuring (45), CG_MEASURE seconds measured
 * (15). Under callgrind a server answers about 1,000 requests/s, so the defaults run about
 * 45,000 warm-up requests, enough for V8 to have optimized the request path. Needs valgrind and
 * wrk (Debian packages).
 */
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { basename, dirname, resolve } from 'node:path'

const separator = process.argv.indexOf('--')
const [out, portText] = process.argv.slice(2, separator)
const command = process.argv.slice(separator + 1)
if (separator < 0 || !out || !portText || command.length === 0) {
  console.error('usage: tsx bench/micro/callgrind-server.ts OUT PORT -- COMMAND...')
  process.exit(2)
}
for (const program of ['/usr/bin/valgrind', '/usr/bin/wrk']) {
  if (!existsSync(program)) {
    console.error(`${program} is missing: apt-get install valgrind wrk`)
    process.exit(2)
  }
}
const url = `http://127.0.0.1:${portText}${process.env.CG_URL ?? '/'}`
const warm = process.env.CG_WARM ?? '45'
const measure = process.env.CG_MEASURE ?? '15'
const prefix = resolve(out)

const server = spawn(
  'valgrind',
  [
    '--tool=callgrind',
    '--separate-threads=yes',
    '--instr-atstart=no',
    '--trace-children=yes',
    `--callgrind-out-file=${prefix}.%p`,
    ...command,
  ],
  { detached: true, stdio: 'ignore' },
)
const stop = () => {
  try {
    process.kill(-server.pid!, 'SIGTERM')
  } catch {
    // already gone
  }
}
process.on('exit', stop)

function wrk(seconds: string): number {
  const report = execFileSync('wrk', ['-t1', '-c50', `-d${seconds}s`, url]).toString()
  const requests = /(\d+) requests in/.exec(report)
  if (!requests) throw new Error(`wrk printed no request count:\n${report}`)
  return Number(requests[1])
}

/** The process of the server's session with the most CPU time: the one answering requests. */
function busiest(): number {
  const rows = execFileSync('ps', ['-o', 'pid=,time=', '-s', String(server.pid)])
    .toString()
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .map(([pid, time]) => ({ pid: Number(pid), seconds: seconds(time!) }))
  return rows.sort((a, b) => b.seconds - a.seconds)[0]!.pid
}

function seconds(time: string): number {
  return time.split(/[-:]/).reduce((total, part) => total * 60 + Number(part), 0)
}

const deadline = Date.now() + 120_000
for (;;) {
  try {
    execFileSync('curl', ['-sf', '-o', '/dev/null', url])
    break
  } catch {
    if (Date.now() > deadline) throw new Error(`nothing answered ${url} within 120 s`)
    await new Promise((done) => setTimeout(done, 500))
  }
}
console.log(`warm-up: ${wrk(warm)} requests`)
const pid = busiest()
const control = (...args: string[]) =>
  execFileSync('callgrind_control', [...args, String(pid)], { stdio: 'ignore' })
control('-i', 'on')
const requests = wrk(measure)
control('-i', 'off')
control('-d')
await new Promise((done) => setTimeout(done, 1000))
stop()
// The dump of the measured part: OUT.PID.1-01 is its main thread (`--separate-threads=yes`).
const dump = readdirSync(dirname(prefix))
  .filter((name) => name.startsWith(`${basename(prefix)}.${pid}.1-`))
  .sort()[0]
if (!dump) throw new Error(`no profile was dumped for pid ${pid}`)
const file = resolve(dirname(prefix), dump)
const totals = /^totals: (\d+)/m.exec(readFileSync(file, 'utf8'))
console.log(`measured: ${requests} requests in process ${pid}`)
const perRequest = Math.round(Number(totals?.[1] ?? 0) / requests)
console.log(`main thread: ${perRequest} instructions per request`)
console.log(`profile: ${file} (names: /tmp/perf-${pid}.map with --perf-basic-prof)`)
