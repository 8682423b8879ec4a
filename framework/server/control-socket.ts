/**
 * @module The `--control-socket`: a unix socket that answers one JSON command per line with one
 * JSON line. Commands: `status`, `stats` (metrics added up over the workers), `add` and
 * `remove` (workers, with an optional `count`), `reload` (as HUP).
 *
 * Why a unix socket and not an HTTP endpoint on the public bind: only local users with file
 * permission can reach it, and it keeps working when every worker is busy or blocked.
 */
import { chmodSync, lstatSync, unlinkSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import type { Arbiter } from './arbiter.ts'
import { mergeMetrics, type MetricsSnapshot } from './metrics.ts'

/** A command sent to the control socket. */
export interface ControlCommand {
  command: 'status' | 'stats' | 'add' | 'remove' | 'reload'
  count?: number
}

async function answer(arbiter: Arbiter, line: string): Promise<unknown> {
  let request: ControlCommand
  try {
    request = JSON.parse(line) as ControlCommand
  } catch {
    return {
      ok: false,
      error: `Not JSON: ${JSON.stringify(line.slice(0, 80))}. Send e.g. {"command":"status"}.`,
    }
  }
  const count = Number.isInteger(request.count) && (request.count ?? 0) > 0 ? request.count! : 1
  switch (request.command) {
    case 'status':
      return { ok: true, status: arbiter.status() }
    case 'stats': {
      const snapshots = (await arbiter.collectStats()) as MetricsSnapshot[]
      const status = arbiter.status()
      return {
        ok: true,
        workers: snapshots.length,
        stats: mergeMetrics(snapshots, { workerRestarts: status.workerRestarts }),
      }
    }
    case 'add':
      await arbiter.enqueue('control add', () => arbiter.addWorker(count))
      return { ok: true, workersTarget: arbiter.status().workersTarget }
    case 'remove':
      await arbiter.enqueue('control remove', () => arbiter.removeWorker(count))
      return { ok: true, workersTarget: arbiter.status().workersTarget }
    case 'reload':
      await arbiter.enqueue('control reload', () => arbiter.reload())
      return { ok: true }
    default:
      return {
        ok: false,
        error: `Unknown command ${JSON.stringify((request as { command?: unknown }).command)}: use status, stats, add, remove or reload.`,
      }
  }
}

/**
 * Opens the control socket at `path` (mode 0600: the primary's user only).
 *
 * @example
 * ```ts
 * const control = await openControlSocket('/run/site/control.sock', arbiter)
 * // echo '{"command":"status"}' | socat - UNIX-CONNECT:/run/site/control.sock
 * await control.close()
 * ```
 */
export async function openControlSocket(
  path: string,
  arbiter: Arbiter,
): Promise<{ close(): Promise<void> }> {
  try {
    if (lstatSync(path).isSocket()) unlinkSync(path)
  } catch {
    // nothing there
  }
  const server: Server = createServer((socket) => {
    let buffered = ''
    socket.setEncoding('utf8')
    socket.on('error', () => socket.destroy())
    socket.on('data', (chunk: string) => {
      buffered += chunk
      if (buffered.length > 65536) return void socket.destroy()
      let newline: number
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline).trim()
        buffered = buffered.slice(newline + 1)
        if (line)
          void answer(arbiter, line).then((reply) => socket.write(`${JSON.stringify(reply)}\n`))
      }
    })
    // A client that sends one command without a newline and half-closes still gets an answer.
    socket.on('end', () => {
      const line = buffered.trim()
      buffered = ''
      if (line) void answer(arbiter, line).then((reply) => socket.end(`${JSON.stringify(reply)}\n`))
      else socket.end()
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen({ path }, resolve)
  })
  chmodSync(path, 0o600)
  return { close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}
