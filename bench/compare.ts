/**
 * @module `npm run bench:compare -- [options] NAME=COMMAND ...`: any server commands side by side,
 * as real processes on loopback, in interleaved rounds (A B C, A B C, ...), each started afresh
 * per round, warmed up, loaded with the same tool (wrk when installed, else autocannon), stopped.
 * Prints each round's requests/s and CPU µs per request of the server's whole process tree, then
 * the medians and their ratios to the first command.
 *
 * What it is for: judging a variant (a setting, a V8 flag, an environment variable, another
 * application) in the place where it counts. (Before/after figures of the bench's own
 * configurations between two checkouts: `npm run bench -- --compare DIR`.) On a shared machine a
 * server's requests/s moves by 10-30% between rounds, CPU µs per request much less, and the
 * framework's code costs two to three times more per instruction inside a loaded worker than in a
 * loop of its own (bench/results/serve-vs-node-profile.md), so micro-benchmarks alone mislead.
 *
 * `{port}` in a command is replaced by a free port; the first word is the program, the rest its
 * arguments (split on spaces); `VAR=value` words before the program become its environment.
 *
 * @example
 * ```sh
 * serve='bin/serve.js bench/apps/framework/wsgi.ts --bind 127.0.0.1:{port}'
 * npm run bench:compare -- --rounds 5 --path /plaintext \
 *   'raw=node bench/raw-node-server.ts {port}' \
 *   "framework=BENCH_DB=/tmp/bench.db node $serve" \
 *   "semi2=BENCH_DB=/tmp/bench.db node --max-semi-space-size=2 $serve"
 * ```
 *
 * Options: --rounds N (3), --seconds S of load per round (4), --warmup S (1), --connections N (50),
 * --path P (/), --ready P (the path that must answer 200 before loading; default --path).
 */
import { parseArgs as parseArgsOfNode } from 'node:util'
import type { Launch } from './lib/configurations.ts'
import { defaultLoader, timedLoad } from './lib/load-generator.ts'
import { treeCpuSeconds } from './lib/process-tree.ts'
import { freePort, startServer, stopServer } from './lib/server-process.ts'
import { median } from './lib/stats.ts'

interface Options {
  rounds: number
  seconds: number
  warmup: number
  connections: number
  path: string
  ready: string | undefined
  servers: { name: string; command: string }[]
}

const usage =
  "usage: npm run bench:compare -- [--rounds N] [--seconds S] [--warmup S] [--connections N] " +
  "[--path P] [--ready P] 'NAME=COMMAND with {port}' ..."

function parseArgs(argv: string[]): Options {
  let parsed: ReturnType<typeof parseCommandLine>
  try {
    parsed = parseCommandLine(argv)
  } catch (error) {
    fail((error as Error).message)
  }
  const { values, positionals } = parsed
  const positive = (name: keyof typeof values, fallback: number): number => {
    const text = values[name]
    if (text === undefined) return fallback
    const value = Number(text)
    if (!(value > 0)) fail(`--${name} takes a positive number, got ${JSON.stringify(text)}`)
    return value
  }
  const path = (name: 'path' | 'ready'): string | undefined => {
    const value = values[name]
    if (value !== undefined && !value.startsWith('/')) {
      fail(`--${name} takes a path starting with /, got ${JSON.stringify(value)}`)
    }
    return value
  }
  const servers = positionals.map((arg) => {
    const eq = arg.indexOf('=')
    if (eq <= 0 || !arg.includes('{port}')) {
      fail(`${JSON.stringify(arg)} is not NAME=COMMAND with {port} where the port goes`)
    }
    return { name: arg.slice(0, eq), command: arg.slice(eq + 1) }
  })
  if (servers.length === 0) fail('no server to run')
  return {
    rounds: positive('rounds', 3),
    seconds: positive('seconds', 4),
    warmup: positive('warmup', 1),
    connections: positive('connections', 50),
    path: path('path') ?? '/',
    ready: path('ready'),
    servers,
  }
}

/** The command line as node:util reads it, as bench/run.ts does. */
function parseCommandLine(argv: string[]) {
  return parseArgsOfNode({
    args: argv,
    allowPositionals: true,
    options: {
      rounds: { type: 'string' },
      seconds: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      path: { type: 'string' },
      ready: { type: 'string' },
    },
  })
}

function fail(message: string): never {
  console.error(`bench:compare: ${message}\n${usage}`)
  process.exit(2)
}

/** `VAR=x node file.ts {port}` → the program, its arguments and its environment. */
function launchFor(command: string, port: number): Launch {
  const words = command.replaceAll('{port}', String(port)).split(/\s+/).filter(Boolean)
  const env: Record<string, string> = {}
  while (words.length > 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0]!)) {
    const word = words.shift()!
    const eq = word.indexOf('=')
    env[word.slice(0, eq)] = word.slice(eq + 1)
  }
  const [program, ...args] = words
  if (!program) fail(`${JSON.stringify(command)} names no program`)
  // Node runs .ts files through tsx, as the other bench configurations do.
  const node = program === 'node'
  return {
    command: node ? process.execPath : program,
    args: node && !args.includes('tsx') ? ['--import', 'tsx', ...args] : args,
    env,
  }
}

interface Round {
  rps: number
  cpuUsPerRequest: number
}

const options = parseArgs(process.argv.slice(2))
const loader = defaultLoader()
const results = new Map(options.servers.map((s) => [s.name, [] as Round[]]))
console.log(
  `bench:compare: ${options.servers.length} server(s), ${options.rounds} round(s) of ` +
    `${options.seconds} s, ${loader}, ${options.connections} connections, GET ${options.path}`,
)
for (let round = 1; round <= options.rounds; round++) {
  for (const server of options.servers) {
    const port = await freePort()
    const running = await startServer(
      server.name,
      launchFor(server.command, port),
      port,
      options.ready ?? options.path,
    )
    try {
      const spec = { path: options.path }
      await timedLoad(loader, running.base, spec, options.connections, options.warmup)
      const cpuBefore = treeCpuSeconds(running.pid)
      const { connections, seconds } = options
      const load = await timedLoad(loader, running.base, spec, connections, seconds)
      const cpu = treeCpuSeconds(running.pid) - cpuBefore
      if (load.errors > 0 || load.bad > 0) {
        console.log(`  ${server.name}: ${load.errors} errors, ${load.bad} non-2xx/3xx responses`)
      }
      const result = { rps: load.rps, cpuUsPerRequest: (cpu * 1e6) / Math.max(1, load.requests) }
      results.get(server.name)!.push(result)
      const rps = Math.round(result.rps).toString().padStart(7)
      const cpuText = result.cpuUsPerRequest.toFixed(1).padStart(7)
      console.log(`round ${round} ${server.name.padEnd(12)} ${rps} req/s ${cpuText} µs CPU/req`)
    } finally {
      await stopServer(running)
    }
  }
}

const first = options.servers[0]!.name
const medianOf = (name: string, pick: (r: Round) => number) => median(results.get(name)!.map(pick))
console.log(`\nmedians (ratios to ${first}; for CPU, ${first}'s ÷ the other's):`)
for (const { name } of options.servers) {
  const rps = medianOf(name, (r) => r.rps)
  const cpu = medianOf(name, (r) => r.cpuUsPerRequest)
  const rpsRatio = rps / medianOf(first, (r) => r.rps)
  const cpuRatio = medianOf(first, (r) => r.cpuUsPerRequest) / cpu
  console.log(
    `${name.padEnd(12)} ${Math.round(rps).toString().padStart(7)} req/s (${rpsRatio.toFixed(2)}x)` +
      `  ${cpu.toFixed(1).padStart(7)} µs CPU/req (${cpuRatio.toFixed(2)}x)`,
  )
}
