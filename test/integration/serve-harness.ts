/**
 * @module Starting a real `serve` primary in a child process for integration tests: a private
 * temp dir, waiting (bounded) for log lines, HTTP helpers, and stopping by PID only.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

export const repoRoot = resolve(import.meta.dirname, '../..')
export const serveMain = join(repoRoot, 'framework/server/main.ts')
export const testApp = join(repoRoot, 'test/fixtures/apps/serve-app.ts')

/** A running serve primary. */
export interface ServeRun {
  proc: ChildProcess
  pid: number
  /** http://127.0.0.1:PORT of the first TCP bind (when there is one). */
  url: string
  dir: string
  log(): string
  waitForLog(pattern: RegExp, timeoutMs?: number, from?: number): Promise<RegExpMatchArray>
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** Sends `signal` (default TERM) and waits (bounded) for the exit. SIGKILL if it hangs. */
  stop(
    signal?: NodeJS.Signals,
    timeoutMs?: number,
  ): Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/** The node arguments that run a .ts file (the tsx loader, inherited by forked workers). */
export function nodeArgs(file: string, args: readonly string[]): string[] {
  // An absolute loader URL, so a test may run serve from a temp directory with no node_modules.
  return ['--import', import.meta.resolve('tsx'), file, ...args]
}

/**
 * Starts serve with `args` (the app is appended unless `app: false`), waits for "Server ready".
 */
export async function startServe(
  args: readonly string[],
  options: {
    env?: NodeJS.ProcessEnv
    cwd?: string
    app?: string | false
    spawn?: SpawnOptions
    command?: [string, string[]]
    readyTimeoutMs?: number
    ready?: (run: ServeRun) => Promise<void>
  } = {},
): Promise<ServeRun> {
  const dir = mkdtempSync(join(tmpdir(), 'serve-test-'))
  const app = options.app === false ? [] : [options.app ?? `${testApp}:application`]
  const [cmd, cmdArgs] = options.command ?? [
    process.execPath,
    nodeArgs(serveMain, [...args, ...app]),
  ]
  const proc = spawn(cmd, cmdArgs, {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...options.spawn,
  })
  let output = ''
  const waiters: (() => void)[] = []
  const onData = (chunk: Buffer): void => {
    output += chunk.toString()
    for (const w of waiters.splice(0)) w()
  }
  proc.stdout?.on('data', onData)
  proc.stderr?.on('data', onData)
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => {
      for (const w of waiters.splice(0)) w()
      resolve({ code, signal })
    }),
  )
  const waitForLog = (pattern: RegExp, timeoutMs = 20_000, from = 0): Promise<RegExpMatchArray> =>
    new Promise((resolvePromise, reject) => {
      const deadline = setTimeout(
        () =>
          reject(
            new Error(
              `Timed out after ${timeoutMs} ms waiting for ${pattern} in serve's log:\n${output}`,
            ),
          ),
        timeoutMs,
      )
      const check = (): void => {
        const match = output.slice(from).match(pattern)
        if (match) {
          clearTimeout(deadline)
          resolvePromise(match)
        } else if (proc.exitCode !== null || proc.signalCode !== null) {
          clearTimeout(deadline)
          reject(
            new Error(
              `serve exited (${proc.exitCode ?? proc.signalCode}) before ${pattern} appeared:\n${output}`,
            ),
          )
        } else waiters.push(check)
      }
      check()
    })
  const run: ServeRun = {
    proc,
    pid: proc.pid!,
    url: '',
    dir,
    log: () => output,
    waitForLog,
    exited,
    async stop(signal = 'SIGTERM', timeoutMs = 20_000) {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal)
      const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs)
      const result = await exited
      clearTimeout(timer)
      rmSync(dir, { recursive: true, force: true })
      return result
    },
  }
  try {
    if (options.ready) await options.ready(run)
    else await waitForLog(/Server ready/, options.readyTimeoutMs ?? 30_000)
  } catch (error) {
    await run.stop('SIGKILL')
    throw error
  }
  const tcp = output.match(/Listening at: (http:\/\/[^\s]+)/)
  run.url = tcp?.[1] ?? ''
  return run
}

/** One HTTP request; resolves with status, headers and body text. */
export function get(
  url: string,
  options: {
    socketPath?: string
    path?: string
    agent?: false
    timeoutMs?: number
    headers?: Record<string, string>
  } = {},
): Promise<{
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}> {
  return new Promise((resolvePromise, reject) => {
    const target = options.socketPath ? undefined : new URL(url)
    const req = request(
      {
        socketPath: options.socketPath,
        host: target?.hostname,
        port: target?.port,
        path: options.path ?? (target ? target.pathname + target.search : url),
        agent: false,
        headers: { Host: 'localhost', ...options.headers },
        timeout: options.timeoutMs ?? 10_000,
      },
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (c: string) => (body += c))
        res.on('end', () =>
          resolvePromise({ status: res.statusCode ?? 0, headers: res.headers, body }),
        )
        res.on('error', reject)
      },
    )
    req.on('timeout', () => req.destroy(new Error(`request to ${url} timed out`)))
    req.on('error', reject)
    req.end()
  })
}

/** The PIDs of the workers the primary currently lists as ready ("Worker N (pid P) ready" lines minus exits). */
export function workerPids(log: string): number[] {
  const ready = [...log.matchAll(/Worker \d+ \(pid (\d+)\) ready/g)].map((m) => Number(m[1]))
  const gone = new Set(
    [...log.matchAll(/Worker \d+ \(pid (\d+)\) (exited|died)/g)].map((m) => Number(m[1])),
  )
  const killed = new Set(
    [...log.matchAll(/WORKER TIMEOUT \(pid:(\d+)\)/g)].map((m) => Number(m[1])),
  )
  return ready.filter((pid) => !gone.has(pid) && !killed.has(pid))
}

/** Waits until `check` is true, polling every 50 ms, at most `timeoutMs`. */
export async function until(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}
