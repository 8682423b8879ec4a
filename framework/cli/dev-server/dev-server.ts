/**
 * @module The development server's parent process: binds the address, forks a child that runs
 * the project's code (dev-child.ts), hands it each accepted connection, and on a source change
 * forks a fresh child and switches to it once it has loaded. A child whose code fails to load
 * still takes over, and serves the load-error page until the next change (Django's behaviour).
 */
import { fork, type ChildProcess } from 'node:child_process'
import { createRequire } from 'node:module'
import { createServer, type Server, type Socket } from 'node:net'
import { join, resolve, sep } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { frameworkPackage } from '../project-template/framework-location.ts'
import { CommandError, type TextSink } from '../command.ts'
import type { DevChildConfig, DevChildMessage, DevParentMessage } from './dev-child.ts'
import { devUrl, type DevAddress } from './parse-address.ts'
import type { LoadFailure } from './project-loading.ts'
import { watchSources, type SourceWatcher } from './source-watcher.ts'

/** Options of DevServer. */
export interface DevServerOptions {
  /** The project folder (the child's working directory). */
  cwd: string
  address: DevAddress
  /** The settings module and the application (`MODULE:ATTR`), relative to cwd. */
  settings: string
  app: string
  /** Watch the sources and restart on change (default true). */
  reload?: boolean
  /** Serve STATIC_URL from the static finders when DEBUG (default true). */
  static?: boolean
  /** Colour the request lines. */
  colour?: boolean
  /** Milliseconds of quiet after a change before reloading (default 100). */
  debounceMs?: number
  /** The environment the child gets (default process.env). */
  env?: Readonly<Record<string, string | undefined>>
  stdout: TextSink
  stderr: TextSink
}

const childEntry = fileURLToPath(new URL('./dev-child.ts', import.meta.url))

/** The child's node flags: ours, plus tsx's loader when we were not started with it. */
function childExecArgv(): string[] {
  if (process.execArgv.some((arg) => /\btsx\b/.test(arg))) return process.execArgv
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href
  return [...process.execArgv, '--import', tsx]
}

interface Generation {
  id: number
  child: ChildProcess
  state: 'spare' | 'warm' | 'loading' | 'ready' | 'failed' | 'gone'
}

/** The framework's own sources: a change there needs a cold process, not the warm spare. */
function frameworkSources(): string {
  return join(frameworkPackage().root, 'framework') + sep
}

/**
 * The development server. `start()` resolves once the first child is serving (and rejects with a
 * CommandError on a port in use or code that does not load); `closed` resolves when it stops.
 *
 * @example
 * ```ts
 * const server = new DevServer({ cwd, address: { host: '127.0.0.1', port: 8000 }, settings: 'project/settings.ts',
 *   app: 'project/wsgi.ts:application', stdout: process.stdout, stderr: process.stderr })
 * await server.start()
 * process.once('SIGINT', () => server.stop())
 * await server.closed
 * ```
 */
export class DevServer {
  readonly #options: DevServerOptions
  readonly #server: Server
  #watcher: SourceWatcher | undefined
  #current: Generation | undefined
  #next: Generation | undefined
  #spare: Generation | undefined
  #ids = 0
  #queue: Socket[] = []
  #stopping = false
  #resolveClosed!: () => void
  /** Resolves when the server has stopped. */
  readonly closed = new Promise<void>((resolve) => (this.#resolveClosed = resolve))

  constructor(options: DevServerOptions) {
    this.#options = options
    // pauseOnConnect: the parent reads nothing, so the child's HTTP parser sees every byte.
    this.#server = createServer({ pauseOnConnect: true }, (socket) => this.#dispatch(socket))
  }

  /** The bound address (the real port when 0 was asked for). */
  get address(): DevAddress {
    const bound = this.#server.address()
    if (bound === null || typeof bound === 'string') return this.#options.address
    return { host: this.#options.address.host, port: bound.port }
  }

  /** Binds, then forks the first child and waits for it to load. */
  async start(): Promise<void> {
    await this.#listen()
    const first = this.#spawn()
    const outcome = await this.#outcome(first)
    if (outcome.type !== 'ready') {
      await this.stop()
      if (outcome.type === 'load-error') {
        throw new CommandError('CLI-E03', outcome.failure.message, { hint: outcome.failure.hint })
      }
      throw new CommandError(
        'CLI-E03',
        `the server process exited (${outcome.detail}) before it was ready`,
        {
          hint: 'look at the output above for its error, fix it and run the command again',
        },
      )
    }
    for (const line of outcome.checks) this.#options.stderr.write(`system check ${line}\n`)
    this.#promote(first)
    if (this.#options.reload !== false) {
      this.#watcher = watchSources(
        this.#options.cwd,
        (file) => this.#reload(file),
        this.#options.debounceMs ?? 100,
      )
    }
  }

  /** Stops watching, closes the listening socket and ends every child. */
  async stop(): Promise<void> {
    if (this.#stopping) return this.closed
    this.#stopping = true
    this.#watcher?.close()
    for (const socket of this.#queue.splice(0)) socket.destroy()
    for (const generation of [this.#current, this.#next, this.#spare]) {
      if (generation && generation.child.exitCode === null) generation.child.kill('SIGTERM')
    }
    await new Promise<void>((resolve) => this.#server.close(() => resolve()))
    this.#resolveClosed()
  }

  #listen(): Promise<void> {
    const { host, port } = this.#options.address
    return new Promise((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException) =>
        reject(bindError(error, this.#options.address))
      this.#server.once('error', onError)
      this.#server.listen({ host, port, exclusive: true }, () => {
        this.#server.off('error', onError)
        resolve()
      })
    })
  }

  #spawn(spare = false): Generation {
    const config: DevChildConfig = {
      spare,
      settings: this.#options.settings,
      app: this.#options.app,
      static: this.#options.static !== false,
      colour: this.#options.colour === true,
    }
    const child = fork(childEntry, [], {
      cwd: this.#options.cwd,
      env: { ...(this.#options.env ?? process.env), FRAMEWORK_DEV_CHILD: JSON.stringify(config) },
      execArgv: childExecArgv(),
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    })
    child.stdout?.on('data', (chunk: Buffer) => this.#options.stdout.write(chunk.toString()))
    child.stderr?.on('data', (chunk: Buffer) => this.#options.stderr.write(chunk.toString()))
    const generation: Generation = { id: ++this.#ids, child, state: spare ? 'spare' : 'loading' }
    if (spare) {
      child.once('message', (message: DevChildMessage) => {
        if (message.type === 'warm' && generation.state === 'spare') generation.state = 'warm'
      })
    }
    child.once('exit', () => {
      generation.state = 'gone'
      if (this.#current === generation && !this.#stopping) {
        this.#options.stderr.write(
          'The server process exited; save a source file to start it again.\n',
        )
      }
    })
    return generation
  }

  /** The first message of a child, or its exit before it sent one. */
  #outcome(
    generation: Generation,
  ): Promise<Exclude<DevChildMessage, { type: 'warm' }> | { type: 'exit'; detail: string }> {
    return new Promise((resolve) => {
      const { child } = generation
      const onExit = (code: number | null, signal: string | null) =>
        resolve({ type: 'exit', detail: signal ? `signal ${signal}` : `exit code ${code}` })
      child.once('exit', onExit)
      const onMessage = (message: DevChildMessage) => {
        if (message.type === 'warm') return
        child.off('exit', onExit)
        child.off('message', onMessage)
        generation.state = message.type === 'ready' ? 'ready' : 'failed'
        resolve(message as Exclude<DevChildMessage, { type: 'warm' }>)
      }
      child.on('message', onMessage)
    })
  }

  /** Makes `generation` the one that gets connections, and retires the previous one. */
  #promote(generation: Generation): void {
    const previous = this.#current
    this.#current = generation
    if (this.#next === generation) this.#next = undefined
    if (previous && previous !== generation && previous.child.connected) {
      previous.child.send({ type: 'stop' } satisfies DevParentMessage)
    }
    for (const socket of this.#queue.splice(0)) this.#dispatch(socket)
    if (this.#options.reload !== false && !this.#stopping && !this.#spare)
      this.#spare = this.#spawn(true)
  }

  async #reload(file: string): Promise<void> {
    if (this.#stopping) return
    this.#options.stdout.write(`${file} changed, reloading.\n`)
    // A newer change supersedes a child still loading the older code.
    if (this.#next && this.#next.child.exitCode === null) this.#next.child.kill('SIGTERM')
    const generation = this.#takeSpare(file) ?? this.#spawn()
    this.#next = generation
    const outcome = await this.#outcome(generation)
    if (this.#next !== generation || this.#stopping) {
      if (generation.child.exitCode === null) generation.child.kill('SIGTERM')
      return
    }
    if (outcome.type === 'exit') {
      this.#next = undefined
      this.#options.stderr.write(
        `error: the new code's server process exited (${outcome.detail}) while loading; still serving the previous code. Save a file to try again.\n`,
      )
      return
    }
    if (outcome.type === 'load-error') {
      this.#options.stderr.write(
        `error: ${outcome.failure.message}\nhint: ${outcome.failure.hint}\n` +
          'Serving the load-error page until a source file changes.\n',
      )
    } else {
      for (const line of outcome.checks) this.#options.stderr.write(`system check ${line}\n`)
      this.#options.stdout.write(`Reloaded: serving the new code at ${devUrl(this.address)}\n`)
    }
    this.#promote(generation)
  }

  /** The warm spare, told to load the new code; undefined when a cold process is needed. */
  #takeSpare(file: string): Generation | undefined {
    const spare = this.#spare
    this.#spare = undefined
    if (!spare) return undefined
    // A spare still warming up is taken too: it loads as soon as it is warm, sooner than a cold one.
    if (
      (spare.state !== 'warm' && spare.state !== 'spare') ||
      !spare.child.connected ||
      resolve(this.#options.cwd, file).startsWith(frameworkSources())
    ) {
      if (spare.child.exitCode === null) spare.child.kill('SIGTERM')
      return undefined
    }
    spare.state = 'loading'
    spare.child.send({ type: 'load' } satisfies DevParentMessage)
    return spare
  }

  #dispatch(socket: Socket): void {
    const current = this.#current
    if (current && current.state !== 'gone' && current.child.connected) {
      current.child.send({ type: 'connection' } satisfies DevParentMessage, socket, {}, (error) => {
        if (error) socket.destroy()
      })
      return
    }
    if (!current) {
      this.#queue.push(socket)
      return
    }
    // No process to run the code (it crashed): say so rather than hang the browser.
    const body = 'The development server process exited; save a source file to restart it.\n'
    socket.end(
      `HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    )
  }
}

/** A bind failure as one line and a hint: a port in use, a privileged port, a foreign address. */
export function bindError(error: NodeJS.ErrnoException, address: DevAddress): CommandError {
  const where = `${address.host}:${address.port}`
  const other = `${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port === 8000 ? 8001 : 8000}`
  switch (error.code) {
    case 'EADDRINUSE':
      return new CommandError(
        'CLI-E03',
        `port ${address.port} on ${address.host} is already in use (${where})`,
        {
          hint: `stop the other server (see: ss -ltnp 'sport = :${address.port}'), or choose another port: framework runserver ${other}`,
          cause: error,
        },
      )
    case 'EACCES':
      return new CommandError('CLI-E03', `no permission to listen on ${where}`, {
        hint: `ports below 1024 need privileges; use a higher one: framework runserver ${address.host}:8000`,
        cause: error,
      })
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new CommandError(
        'CLI-E03',
        `cannot listen on ${where}: ${JSON.stringify(address.host)} is not an address of this machine`,
        {
          hint: 'use 127.0.0.1 (this machine only) or 0.0.0.0 (every interface): framework runserver 0.0.0.0:8000',
          cause: error,
        },
      )
    default:
      return new CommandError('CLI-E03', `cannot listen on ${where}: ${error.message}`, {
        hint: 'choose another address: framework runserver 127.0.0.1:8001',
        cause: error,
      })
  }
}

export type { LoadFailure }
