/**
 * @module Starting a configuration as a real process on loopback, waiting until it answers, and
 * stopping it (SIGTERM, then SIGKILL to its process group if it lingers).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { request } from 'node:http'
import { createServer } from 'node:net'
import type { Launch } from './configurations.ts'

export interface RunningServer {
  child: ChildProcess
  pid: number
  base: string
  /** The last lines the server wrote to stderr (shown when it fails). */
  stderr(): string
}

/** A port the kernel just gave out and took back: free unless someone races us for it. */
export async function freePort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const port = (s.address() as { port: number }).port
  await new Promise<void>((r) => s.close(() => r()))
  return port
}

function answers(url: string): Promise<boolean> {
  return new Promise((done) => {
    const req = request(url, { timeout: 2000, agent: false }, (res) => {
      res.resume()
      res.on('end', () => done(res.statusCode === 200))
    })
    req.on('error', () => done(false))
    req.on('timeout', () => req.destroy())
    req.end()
  })
}

/** Spawns `launch` in its own process group and resolves once GET `readyPath` answers 200. */
export async function startServer(
  label: string,
  launch: Launch,
  port: number,
  readyPath: string,
): Promise<RunningServer> {
  const child = spawn(launch.command, launch.args, {
    cwd: launch.cwd,
    env: { ...process.env, ...launch.env },
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true, // own process group: stop() can take down workers a master left behind
  })
  let tail = ''
  child.stderr!.on('data', (chunk: Buffer) => (tail = (tail + chunk.toString()).slice(-4000)))
  const base = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `${label} exited (${child.exitCode ?? child.signalCode}) before it answered:\n${tail}`,
      )
    }
    if (await answers(base + readyPath)) return { child, pid: child.pid!, base, stderr: () => tail }
    await new Promise((r) => setTimeout(r, 100))
  }
  await stopServer({ child, pid: child.pid!, base, stderr: () => tail })
  throw new Error(`${label} did not answer GET ${readyPath} with 200 within 30 s:\n${tail}`)
}

/** SIGTERM, up to 10 s for a graceful exit, then SIGKILL to the whole group. */
export async function stopServer(server: RunningServer): Promise<void> {
  const { child } = server
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((r) => child.once('exit', r))
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
    await exited
    clearTimeout(timer)
  }
  try {
    process.kill(-server.pid, 'SIGKILL') // anything of ours still in the group
  } catch {
    // the group is already empty
  }
}
