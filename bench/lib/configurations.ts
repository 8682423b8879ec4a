/**
 * @module Every configuration `npm run bench` measures: how to start it as a real process on
 * loopback, which workloads it answers, and what it needs installed (a configuration whose
 * program is missing is skipped with the reason printed).
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { compiledFileFor, precompileProject } from '../../framework/server/precompile.ts'
import type { RequestSpec } from './load-generator.ts'
import type { WorkloadId } from './workloads.ts'

/** Where a configuration runs: the repository, the seeded database, a scratch directory. */
export interface RunContext {
  root: string
  db: string
  scratch: string
}

export interface Launch {
  command: string
  args: string[]
  env?: NodeJS.ProcessEnv
  cwd?: string
}

export interface Configuration {
  id: string
  label: string
  /** Worker processes (the ratio column compares with raw node:http at the same count). */
  processes: number
  workloads: WorkloadId[]
  /** 'cgi': a fixed number of requests on new connections instead of a timed run. */
  mode: 'timed' | 'cgi'
  /** What to GET until it answers 200 before loading (default: the first workload's path). */
  readyPath?: string
  /** Per-workload request, when it differs from the workload's default path. */
  requests?: Partial<Record<WorkloadId, RequestSpec>>
  /** Why it cannot run here, or undefined when it can. */
  missing(): string | undefined
  launch(port: number, ctx: RunContext): Launch
}

const GUNICORN = '/usr/bin/gunicorn'
const LIGHTTPD = '/usr/sbin/lighttpd'

let djangoChecked: string | undefined | null = null
function djangoMissing(): string | undefined {
  if (djangoChecked !== null) return djangoChecked
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import django'], { stdio: 'ignore' })
    djangoChecked = undefined
  } catch {
    djangoChecked =
      'python3-django is not installed (apt-get install --no-install-recommends python3-django)'
  }
  return djangoChecked
}

const gunicornMissing = () =>
  existsSync(GUNICORN)
    ? undefined
    : 'gunicorn is not installed (apt-get install --no-install-recommends gunicorn)'
const lighttpdMissing = () =>
  existsSync(LIGHTTPD)
    ? undefined
    : 'lighttpd is not installed (apt-get install --no-install-recommends lighttpd)'
const always = () => undefined

/** The peers' TypeScript entries compiled by {@link precompilePeers}: source → compiled file. */
const compiledPeers = new Map<string, string>()
/** The peers' entry files, relative to the repository (filled as CONFIGURATIONS is built). */
const peerFiles = new Set<string>()

/**
 * Compiles the peers' TypeScript (node:http, Fastify, Express) as `serve` compiles an application
 * for its workers (framework/server/precompile.ts), so that they too run with plain node, without
 * tsx's module-hooks thread (about 38 MiB): the memory columns then compare like with like.
 * Returns the number of files compiled. If they do not compile, the reason is printed and the
 * peers run through tsx, as they did before.
 */
export async function precompilePeers(root: string): Promise<number> {
  const entries = [...peerFiles].map((file) => resolve(root, file))
  let result
  try {
    result = await precompileProject(root, entries, [])
  } catch (error) {
    console.error(`bench: the peers run through tsx: ${(error as Error).message}`)
    return 0
  }
  for (const entry of entries) compiledPeers.set(entry, compiledFileFor(result.cacheRoot, entry))
  return result.files
}

/**
 * `node FILE ...`: no wrapper process, so the tree is the server's own. A peer compiled by
 * precompilePeers runs as plain JavaScript; anything else through tsx (`--import tsx`).
 */
function nodeApp(root: string, file: string, args: string[]): Launch {
  const compiled = compiledPeers.get(resolve(root, file))
  return {
    command: process.execPath,
    args: compiled ? [compiled, ...args] : ['--import', 'tsx', resolve(root, file), ...args],
    cwd: root,
  }
}

function serve(root: string, app: string, port: number, workers: number, db: string): Launch {
  return {
    ...nodeApp(root, 'bin/serve.js', [
      resolve(root, app),
      '--bind',
      `127.0.0.1:${port}`,
      '--workers',
      String(workers),
    ]),
    env: { BENCH_DB: db },
  }
}

function gunicorn(dir: string, app: string, port: number, workers: number, db: string): Launch {
  return {
    command: GUNICORN,
    args: [
      '--chdir',
      dir,
      '--bind',
      `127.0.0.1:${port}`,
      '--workers',
      String(workers),
      '--log-level',
      'warning',
      app,
    ],
    env: { BENCH_DB: db },
  }
}

/** lighttpd with mod_cgi over bench/apps/cgi/, its config written into the scratch directory. */
function lighttpd(root: string, port: number, scratch: string): Launch {
  const template = join(root, 'bench/apps/cgi/lighttpd.conf.template')
  const conf = join(scratch, `lighttpd-${port}.conf`)
  const text = readFileSync(template, 'utf8')
    .replaceAll('@PORT@', String(port))
    .replaceAll('@DOCROOT@', join(root, 'bench/apps/cgi'))
    .replaceAll('@LOG@', join(scratch, `lighttpd-${port}.log`))
  writeFileSync(conf, text)
  return { command: LIGHTTPD, args: ['-D', '-f', conf] }
}

const FULL: WorkloadId[] = ['W1', 'W2', 'W3', 'W4']
const PEER: WorkloadId[] = ['W1', 'W2', 'W3']

function frameworkApp(workers: number): Configuration {
  return {
    id: `framework-${workers}`,
    label: `serve + framework ×${workers}`,
    processes: workers,
    workloads: FULL,
    mode: 'timed',
    missing: always,
    launch: (port, ctx) =>
      serve(ctx.root, 'bench/apps/framework/wsgi.ts:application', port, workers, ctx.db),
  }
}

function bareServe(workers: number): Configuration {
  return {
    id: `serve-bare-${workers}`,
    label: `serve + hello_world.ts ×${workers}`,
    processes: workers,
    workloads: ['W1'],
    mode: 'timed',
    missing: always,
    launch: (port, ctx) =>
      serve(ctx.root, 'examples/hello_world.ts:processHttpRequest', port, workers, ctx.db),
  }
}

function peer(id: string, label: string, file: string, workers: number): Configuration {
  peerFiles.add(file)
  return {
    id: `${id}-${workers}`,
    label: `${label} ×${workers}`,
    processes: workers,
    workloads: PEER,
    mode: 'timed',
    missing: always,
    launch: (port, ctx) => nodeApp(ctx.root, file, [String(port), String(workers), ctx.db]),
  }
}

function django(workers: number): Configuration {
  return {
    id: `django-${workers}`,
    label: `Gunicorn + Django ×${workers}`,
    processes: workers,
    workloads: PEER,
    mode: 'timed',
    missing: () => gunicornMissing() ?? djangoMissing(),
    launch: (port, ctx) =>
      gunicorn(
        join(ctx.root, 'bench/apps/django_site'),
        'benchsite.wsgi:application',
        port,
        workers,
        ctx.db,
      ),
  }
}

function cgi(id: string, label: string, script: string): Configuration {
  return {
    id,
    label,
    processes: 1,
    workloads: ['W1'],
    mode: 'cgi',
    // A static file: a CGI request can take longer than a readiness probe waits on a busy machine.
    readyPath: '/ready.txt',
    requests: { W1: { path: `/${script}` } },
    missing: lighttpdMissing,
    launch: (port, ctx) => lighttpd(ctx.root, port, ctx.scratch),
  }
}

/** In the order each round runs them (baselines first, so a partial run still has ratios). */
export const CONFIGURATIONS: Configuration[] = [
  peer('node-http', 'node:http', 'bench/apps/node-http.ts', 1),
  peer('node-http', 'node:http', 'bench/apps/node-http.ts', 2),
  bareServe(1),
  bareServe(2),
  frameworkApp(1),
  frameworkApp(2),
  peer('fastify', 'Fastify', 'bench/apps/fastify.ts', 1),
  peer('fastify', 'Fastify', 'bench/apps/fastify.ts', 2),
  peer('express', 'Express', 'bench/apps/express.ts', 1),
  {
    id: 'gunicorn-bare-1',
    label: 'Gunicorn + bare WSGI ×1',
    processes: 1,
    workloads: ['W1', 'W2'],
    mode: 'timed',
    missing: gunicornMissing,
    launch: (port, ctx) =>
      gunicorn(join(ctx.root, 'bench/apps/wsgi_bare'), 'app:application', port, 1, ctx.db),
  },
  django(1),
  django(2),
  cgi('cgi-framework', 'CGI: framework cgi (Node)', 'hello-node.cgi'),
  cgi('cgi-python', 'CGI: Python script', 'hello-python.cgi'),
]

/** The raw node:http configuration with `processes` workers: the ratio's denominator. */
export const baselineId = (processes: number) => `node-http-${processes}`
