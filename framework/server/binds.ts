/**
 * @module Listening sockets: parsing `--bind` values (`HOST:PORT`, `[::1]:PORT`, `unix:PATH`,
 * `fd://N`), systemd socket activation (`LISTEN_FDS`/`LISTEN_PID`), and opening them in the
 * primary: stale unix sockets removed, the socket file's mode set, the file unlinked on close.
 *
 * Why the primary owns the sockets for its whole life (instead of node:cluster's shared handles,
 * which close when the last worker using them exits): a port, a unix socket file or a systemd fd
 * must survive every worker dying at once, so a crashed single worker's replacement finds the
 * same socket and clients queue in the backlog meanwhile instead of being refused.
 */
import { chmodSync, lstatSync, unlinkSync } from 'node:fs'
import { createConnection, createServer, type Server } from 'node:net'

/** A parsed `--bind` value. */
export type BindSpec =
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'unix'; path: string }
  | { kind: 'fd'; fd: number }

/** A coded error for a bind that cannot be parsed or opened. */
export class BindError extends Error {
  readonly code: string
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'BindError'
    this.code = code
  }
}

/**
 * Parses one `--bind` value. A bare host listens on port 8000, as in Gunicorn.
 *
 * @example
 * ```ts
 * parseBind('[::1]:8000') // { kind: 'tcp', host: '::1', port: 8000 }
 * parseBind('unix:/run/site.sock') // { kind: 'unix', path: '/run/site.sock' }
 * ```
 */
export function parseBind(value: string): BindSpec {
  const bad = (why: string): never => {
    throw new BindError(
      'serve.E_BIND',
      `--bind ${JSON.stringify(value)} ${why}: write HOST:PORT, [IPV6]:PORT, unix:PATH or fd://N.`,
    )
  }
  if (value.startsWith('unix:')) {
    const path = value.slice(5)
    if (path === '') bad('has no path')
    return { kind: 'unix', path }
  }
  if (value.startsWith('fd://')) {
    const fd = Number(value.slice(5))
    if (!Number.isInteger(fd) || fd < 0) bad('has no valid file descriptor number')
    return { kind: 'fd', fd }
  }
  const bracketed = /^\[([0-9a-fA-F:.]+)\](?::(\d+))?$/.exec(value)
  const plain = /^([^:\[\]]*)(?::(\d+))?$/.exec(value)
  const match = bracketed ?? plain
  if (!match) return bad('is not an address')
  const port = match[2] === undefined ? 8000 : Number(match[2])
  if (port > 65535) bad('has a port above 65535')
  const host = match[1] === '' ? '0.0.0.0' : match[1]!
  return { kind: 'tcp', host, port }
}

/**
 * The sockets systemd passed (socket activation): fds 3..3+LISTEN_FDS-1, when LISTEN_PID names
 * this process. Empty when not socket-activated.
 *
 * @example
 * ```ts
 * systemdBinds(process.env, process.pid) // [{ kind: 'fd', fd: 3 }] under systemd
 * ```
 */
export function systemdBinds(
  env: Readonly<Record<string, string | undefined>>,
  pid: number,
): BindSpec[] {
  const count = Number(env.LISTEN_FDS ?? '0')
  if (!Number.isInteger(count) || count <= 0) return []
  // systemd sets LISTEN_PID to the process it started; a child that inherited the environment
  // must not take the sockets for itself.
  if (env.LISTEN_PID !== undefined && Number(env.LISTEN_PID) !== pid) return []
  return Array.from({ length: count }, (_, i) => ({ kind: 'fd' as const, fd: 3 + i }))
}

/**
 * A human form of a bind, for logs and status: `127.0.0.1:8000`, `[::1]:8000`, `unix:/path`.
 *
 * @example
 * ```ts
 * formatBind({ kind: 'tcp', host: '::1', port: 80 }) // '[::1]:80'
 * ```
 */
export function formatBind(spec: BindSpec): string {
  if (spec.kind === 'unix') return `unix:${spec.path}`
  if (spec.kind === 'fd') return `fd://${spec.fd}`
  return spec.host.includes(':') ? `[${spec.host}]:${spec.port}` : `${spec.host}:${spec.port}`
}

/** An open listening socket owned by the primary. */
export interface Listener {
  /** What was asked for. */
  readonly spec: BindSpec
  /** Where it actually listens (the real port when 0 was asked). */
  readonly address: string
  /** The node:net server; connections arrive paused (`pauseOnConnect`) for hand-off. */
  readonly server: Server
  /** Stops listening; a unix socket file we created is unlinked. */
  close(): Promise<void>
}

/** Is something accepting on this unix socket path? */
function socketAnswers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createConnection({ path })
    const timer = setTimeout(() => done(true), 1000)
    const done = (answers: boolean): void => {
      clearTimeout(timer)
      probe.destroy()
      resolve(answers)
    }
    probe.once('connect', () => done(true))
    probe.once('error', () => done(false))
  })
}

/**
 * Removes a unix socket left behind by a crashed server; refuses when a live server answers on
 * it or the path is not a socket (we never delete someone's regular file).
 */
async function removeStaleSocket(path: string): Promise<void> {
  let isSocket: boolean
  try {
    isSocket = lstatSync(path).isSocket()
  } catch {
    return
  }
  if (!isSocket) {
    throw new BindError(
      'serve.E_BIND_PATH',
      `unix:${path} exists and is not a socket: remove it or bind elsewhere.`,
    )
  }
  if (await socketAnswers(path)) {
    throw new BindError(
      'serve.E_BIND_IN_USE',
      `unix:${path} is in use by a running server: stop it first or bind elsewhere.`,
    )
  }
  unlinkSync(path)
}

/**
 * Opens one bind in the calling process (the primary).
 *
 * @example
 * ```ts
 * const listener = await openListener(parseBind('127.0.0.1:0'), { mode: 0o660 })
 * listener.server.on('connection', (socket) => dispatch(socket))
 * ```
 */
export async function openListener(
  spec: BindSpec,
  options: { mode: number; backlog?: number },
): Promise<Listener> {
  // noDelay as node:http's own servers set it: the option lives on the kernel socket and so
  // survives the hand-off to a worker; without it small responses wait on Nagle's algorithm.
  const server = createServer({ pauseOnConnect: true, noDelay: true })
  const backlog = options.backlog ?? 2048
  if (spec.kind === 'unix') await removeStaleSocket(spec.path)
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        new BindError(
          'serve.E_BIND_FAILED',
          `Cannot listen on ${formatBind(spec)}: ${error.message}. Free the address or bind elsewhere.`,
          { cause: error },
        ),
      )
    })
    if (spec.kind === 'tcp') server.listen({ host: spec.host, port: spec.port, backlog }, resolve)
    else if (spec.kind === 'unix') server.listen({ path: spec.path, backlog }, resolve)
    else server.listen({ fd: spec.fd, backlog }, resolve)
  })
  if (spec.kind === 'unix') chmodSync(spec.path, options.mode)
  const address = server.address()
  const shown =
    typeof address === 'object' && address !== null
      ? formatBind({ kind: 'tcp', host: address.address, port: address.port })
      : spec.kind === 'fd' && typeof address === 'string'
        ? `unix:${address}`
        : formatBind(spec)
  return {
    spec,
    address: shown,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          if (spec.kind === 'unix') {
            try {
              if (lstatSync(spec.path).isSocket()) unlinkSync(spec.path)
            } catch {
              // already gone (libuv unlinks the sockets it bound)
            }
          }
          resolve()
        })
      }),
  }
}
