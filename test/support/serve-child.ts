/**
 * @module Runs `serve` as a real child process for integration tests: a free port or a unix
 * socket, readiness by a successful request (bounded), output kept for failure messages, and a
 * stop by PID (TERM, then KILL after a bound) that resolves with the exit code.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { request } from 'node:http'
import { createServer } from 'node:net'
import { resolve } from 'node:path'

const root = resolve(import.meta.dirname, '../..')

/** A port free right now on 127.0.0.1 (the kernel's choice; a tiny race is accepted). */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as { port: number }).port
  await new Promise<void>((r) => server.close(() => r()))
  return port
}

/** A running serve child. */
export interface ServeChild {
  child: ChildProcess
  /** Everything it wrote so far (stdout and stderr). */
  output(): string
  /** TERM, then KILL after `graceMs`; resolves with the exit code (null when killed by signal). */
  stop(graceMs?: number): Promise<number | null>
}

/** Where to reach the server for readiness: a TCP port or a unix socket path. */
export type ServeTarget = { port: number } | { socketPath: string }

/** One GET, bounded; resolves with the status or undefined on any error. */
export function probeOnce(target: ServeTarget, path = '/', timeoutMs = 1000): Promise<number | undefined> {
  return new Promise((done) => {
    const req = request({ ...('port' in target ? { host: '127.0.0.1', port: target.port } : { socketPath: target.socketPath }), path, method: 'GET', timeout: timeoutMs, headers: { Host: 'localhost' } }, (res) => {
      res.resume()
      res.on('end', () => done(res.statusCode))
    })
    req.on('error', () => done(undefined))
    req.on('timeout', () => req.destroy())
    req.end()
  })
}

/**
 * Spawns `node bin/serve.js ...args` from the repository root and waits (at most `readyMs`)
 * until a request to `target` gets any HTTP answer.
 *
 * @example
 * ```ts
 * const port = await freePort()
 * const serve = await startServe(['app.ts:application', '--bind', `127.0.0.1:${port}`], { port })
 * await serve.stop()
 * ```
 */
export async function startServe(
  args: string[],
  target: ServeTarget,
  options: { env?: NodeJS.ProcessEnv; readyMs?: number; readyPath?: string } = {},
): Promise<ServeChild> {
  // --import tsx: forked workers inherit execArgv, so they can load .ts too.
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(root, 'bin/serve.js'), ...args], {
    cwd: root,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout!.on('data', (d) => (out += d))
  child.stderr!.on('data', (d) => (out += d))
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)))
  let gone = false
  void exited.then(() => (gone = true))
  const stop = async (graceMs = 10_000): Promise<number | null> => {
    if (!gone && child.pid) child.kill('SIGTERM')
    const timer = setTimeout(() => !gone && child.kill('SIGKILL'), graceMs)
    const code = await exited
    clearTimeout(timer)
    return code
  }
  const deadline = Date.now() + (options.readyMs ?? 20_000)
  while (Date.now() < deadline) {
    if (gone) throw new Error(`serve exited before it was ready:\n${out}`)
    if ((await probeOnce(target, options.readyPath ?? '/')) !== undefined) return { child, output: () => out, stop }
    await new Promise((r) => setTimeout(r, 100))
  }
  await stop(1000)
  throw new Error(`serve was not ready within ${options.readyMs ?? 20_000} ms:\n${out}`)
}
