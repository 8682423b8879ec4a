/**
 * @module The primary process (Gunicorn's arbiter): binds the sockets, forks the workers, hands
 * each accepted connection to a ready worker in turn, supervises heartbeats, memory and
 * recycling, and handles signals one at a time from a queue through an explicit table.
 *
 * Why the primary accepts and hands sockets over (as node:cluster's round-robin does) rather
 * than letting workers accept: with workers accepting on a shared socket, one worker took every
 * keep-alive connection (issue 10). Doing the hand-off ourselves also means a worker that is
 * stopping, suspect (late heartbeat) or still booting is simply skipped, which is what makes a
 * rolling reload lose no request.
 *
 * No module-level mutable state: two Arbiters can live in one test process. Signals, the
 * pidfile, `exit` and the worker entry point are injected.
 */
import { fileURLToPath } from 'node:url'
import type { Socket } from 'node:net'
import { formatBind, openListener, parseBind, systemdBinds, type Listener } from './binds.ts'
import type { ArbiterOptions, ArbiterStatus, WorkerState } from './arbiter-types.ts'
import type { ServeHooks } from './config.ts'
import type { ErrorLog } from './error-log.ts'
import { isWorkerMessage, type PrimaryMessage, type WorkerMessage } from './ipc-messages.ts'
import { Pidfile } from './pidfile.ts'
import type { WorkerLaunch } from './worker-launch.ts'
import { forkWorker, type WorkerRecord } from './worker-process.ts'
import { SIGNAL_ACTIONS, type ServeSignal } from './signals.ts'
import { StatsCollector } from './stats-collector.ts'
import type { ServeSettings } from './settings.ts'

export { SIGNAL_ACTIONS } from './signals.ts'
export type { ServeSignal, SignalSource } from './signals.ts'
export type { ArbiterOptions, ArbiterStatus, WorkerState, WorkerStatus } from './arbiter-types.ts'

const defaultWorkerEntry = fileURLToPath(new URL('./worker-main.ts', import.meta.url))

/**
 * The primary. `start()` binds and forks; `run()` also waits until a stop and returns the exit
 * code; `stop()`, `reload()`, `addWorker()`, `removeWorker()` are what signals and the control
 * socket call.
 *
 * @example
 * ```ts
 * const arbiter = new Arbiter({ settings, hooks, log, signals: process })
 * process.exitCode = await arbiter.run()
 * ```
 */
export class Arbiter {
  #settings: ServeSettings
  #hooks: ServeHooks
  readonly #log: ErrorLog
  readonly #options: ArbiterOptions
  readonly #pid: number
  readonly #workers = new Map<number, WorkerRecord>()
  #listeners: Listener[] = []
  #pending: Socket[] = []
  #nextId = 1
  #rr = 0
  #generation = 1
  #target: number
  #state: ArbiterStatus['state'] = 'starting'
  #restarts = 0
  #queue: (() => Promise<void>)[] = []
  #queueRunning = false
  #tick?: NodeJS.Timeout
  #pidfile?: Pidfile
  #stopped?: Promise<number>
  #resolveStopped?: (code: number) => void
  #exitCode = 0
  #signalListeners: [ServeSignal, () => void][] = []
  readonly #stats = new StatsCollector()
  #readyOnce = false
  #bootFailures = 0
  /** What the current generation's workers are forked with (worker-launch.ts). */
  #launch?: WorkerLaunch

  constructor(options: ArbiterOptions) {
    this.#options = options
    this.#settings = options.settings
    this.#hooks = options.hooks ?? {}
    this.#log = options.log
    this.#pid = options.pid ?? process.pid
    this.#target = options.settings.workers
  }

  /** The addresses actually listened on (real ports when 0 was asked). */
  get addresses(): string[] {
    return this.#listeners.map((l) => l.address)
  }

  /** The resolved settings in force (replaced by a HUP reload). */
  get settings(): Readonly<ServeSettings> {
    return this.#settings
  }

  /**
   * Binds, forks the workers and resolves once each first worker reported ready.
   * Throws (coded errors) when a bind fails or the application does not load.
   */
  async start(): Promise<void> {
    this.#stopped = new Promise((resolve) => (this.#resolveStopped = resolve))
    await this.#hooks.onStarting?.(this.#ctx())
    try {
      this.#launch = await this.#prepareLaunch(this.#settings)
    } catch (error) {
      throw Object.assign(new Error((error as Error).message, { cause: error }), {
        code: 'serve.E_APP_LOAD',
      })
    }
    if (this.#settings.pidfile) {
      this.#pidfile = new Pidfile(this.#settings.pidfile, this.#pid)
      this.#pidfile.create()
    }
    const env = this.#options.env ?? process.env
    const activated = systemdBinds(env, this.#pid)
    const specs = activated.length > 0 ? activated : this.#settings.bind.map(parseBind)
    try {
      for (const spec of specs) {
        const listener = await openListener(spec, { mode: this.#settings.bindMode })
        listener.server.on('connection', (socket: Socket) => this.#dispatch(socket))
        this.#listeners.push(listener)
        this.#log.info(
          `Listening at: ${listener.address.startsWith('unix:') ? listener.address : `http://${listener.address}`} (${formatBind(spec)})`,
        )
      }
    } catch (error) {
      await this.#closeListeners()
      this.#pidfile?.remove()
      throw error
    }
    for (const [signal, action] of Object.entries(SIGNAL_ACTIONS) as [
      ServeSignal,
      (a: Arbiter) => Promise<void>,
    ][]) {
      const listener = (): void => {
        // INT/QUIT during a graceful stop escalate at once (the queue is busy with the stop).
        if (this.#state === 'stopping' && (signal === 'SIGINT' || signal === 'SIGQUIT')) {
          this.#log.info(`${signal} during shutdown: stopping the workers now`)
          for (const w of this.#workers.values()) this.#stopWorker(w, false)
          return
        }
        void this.enqueue(signal, () => action(this))
      }
      this.#options.signals?.on(signal, listener)
      this.#signalListeners.push([signal, listener])
    }
    const interval =
      this.#settings.timeout > 0 ? Math.min(1000, (this.#settings.timeout * 1000) / 4) : 1000
    this.#tick = setInterval(() => this.#supervise(), Math.max(50, interval))
    const firstReady = new Promise<void>((resolve, reject) => {
      this.#onFirstReady = resolve
      this.#onBootFailure = reject
    })
    this.#ensureWorkers()
    try {
      await firstReady
    } catch (error) {
      await this.stop(false)
      throw error
    }
  }

  #onFirstReady?: () => void
  #onBootFailure?: (error: Error) => void

  /** Starts, then resolves with the exit code once the server stopped (TERM, INT, ...). */
  async run(): Promise<number> {
    await this.start()
    return this.#stopped!
  }

  /** Resolves with the exit code after a stop. */
  get stopped(): Promise<number> {
    return this.#stopped ?? Promise.resolve(0)
  }

  /**
   * Queues an action so signals and control commands run one at a time, in arrival order.
   * `label` is for the log.
   */
  enqueue(label: string, action: () => Promise<void>): Promise<void> {
    return new Promise((resolve) => {
      this.#queue.push(async () => {
        this.#log.debug(`handling ${label}`)
        try {
          await action()
        } catch (error) {
          this.#log.error(`${label} failed: ${(error as Error).stack ?? String(error)}`)
        }
        resolve()
      })
      void this.#runQueue()
    })
  }

  async #runQueue(): Promise<void> {
    if (this.#queueRunning) return
    this.#queueRunning = true
    while (this.#queue.length > 0) await this.#queue.shift()!()
    this.#queueRunning = false
  }

  /** Current state as plain JSON. */
  status(): ArbiterStatus {
    const now = Date.now()
    return {
      pid: this.#pid,
      name: this.#settings.procName,
      state: this.#state,
      workersTarget: this.#target,
      binds: this.addresses,
      generation: this.#generation,
      workerRestarts: this.#restarts,
      workers: [...this.#workers.values()].map((w) => ({
        id: w.id,
        pid: w.child.pid,
        state: w.state,
        generation: w.generation,
        requests: w.requests,
        inFlight: w.inFlight,
        rssBytes: w.rss,
        ageSeconds: Math.round((now - w.bornAt) / 1000),
      })),
    }
  }

  /**
   * Every live worker's metrics snapshot (waits at most `timeoutMs`), plus the final snapshots
   * of workers that left gracefully (a crashed worker's counts are lost with it).
   */
  async collectStats(timeoutMs = 1000): Promise<unknown[]> {
    const live = [...this.#workers.values()].filter(
      (w) => w.state !== 'booting' && w.child.connected,
    )
    return this.#stats.collect(live, (w, id) => this.#send(w, { t: 'stats', id }), timeoutMs)
  }

  /** TTIN: one more worker. */
  async addWorker(count = 1): Promise<void> {
    this.#target += count
    this.#log.info(`Workers: target raised to ${this.#target}`)
    this.#ensureWorkers()
  }

  /** TTOU: one worker fewer (never below one). */
  async removeWorker(count = 1): Promise<void> {
    this.#target = Math.max(1, this.#target - count)
    this.#log.info(`Workers: target lowered to ${this.#target}`)
    this.#trimWorkers()
  }

  /**
   * HUP: re-reads the configuration, starts a new generation of workers and stops each old
   * worker only after a new one reported ready, so capacity never drops.
   */
  async reload(): Promise<void> {
    if (this.#state !== 'running') return
    let settings = this.#settings
    let hooks = this.#hooks
    if (this.#options.reloadConfig) {
      try {
        const loaded = await this.#options.reloadConfig()
        if (loaded.settings.bind.join() !== this.#settings.bind.join()) {
          this.#log.warning('Reload: --bind changed; binds are kept until a full restart.')
        }
        settings = { ...loaded.settings, bind: this.#settings.bind }
        hooks = loaded.hooks
      } catch (error) {
        this.#log.error(
          `Reload: the configuration did not load, keeping the running one: ${(error as Error).message}`,
        )
        return
      }
    }
    // Compiled before anything is replaced: a file that does not compile leaves the running
    // configuration and workers exactly as they were.
    let launch: WorkerLaunch
    try {
      launch = await this.#prepareLaunch(settings)
    } catch (error) {
      this.#log.error(
        `Reload: the application did not compile, keeping the running workers: ${(error as Error).message}`,
      )
      return
    }
    // A reloaded configuration brings its --workers; without one, TTIN/TTOU's count stays.
    if (settings !== this.#settings) this.#target = settings.workers
    this.#settings = settings
    this.#hooks = hooks
    this.#launch = launch
    this.#generation++
    this.#log.info(
      `Reloading: starting generation ${this.#generation} with ${this.#target} worker(s)`,
    )
    for (const w of this.#workers.values()) {
      if (w.state === 'ready' || w.state === 'booting') w.state = 'retiring'
    }
    this.#ensureWorkers()
  }

  /** USR2: reopen the error log here and the access logs in the workers. */
  reopenLogs(): void {
    this.#log.reopen()
    for (const w of this.#workers.values()) this.#send(w, { t: 'reopen-logs' })
    this.#log.info('Log files reopened')
  }

  /**
   * Stops the server: graceful (TERM) lets in-flight requests finish up to --graceful-timeout,
   * fast (INT/QUIT) kills workers at once. Resolves once everything is closed.
   */
  async stop(graceful: boolean): Promise<void> {
    if (this.#state === 'stopping') return
    this.#state = 'stopping'
    this.#options.notify?.('STOPPING=1')
    this.#log.info(`Shutting down: ${graceful ? 'graceful' : 'fast'}`)
    // Why close the listeners first: the backlog is dropped rather than left to time out, and
    // a new server (or systemd) can take the address at once.
    // (The close callback waits for connections handed to workers to end, hence not awaited
    // before the workers are told to stop.)
    const closing = this.#closeListeners()
    for (const socket of this.#pending) socket.destroy()
    this.#pending = []
    const exits = [...this.#workers.values()].map((w) => {
      this.#stopWorker(w, graceful)
      return w.exited
    })
    await Promise.all([...exits, closing])
    clearInterval(this.#tick)
    for (const [signal, listener] of this.#signalListeners)
      this.#options.signals?.off(signal, listener)
    this.#signalListeners = []
    this.#pidfile?.remove()
    try {
      await this.#hooks.onExit?.(this.#ctx())
    } catch (error) {
      this.#log.error(`on_exit hook failed: ${(error as Error).message}`)
    }
    this.#log.info('Shutdown complete')
    this.#resolveStopped?.(this.#exitCode)
  }

  #ctx(): { pid: number; settings: ServeSettings } {
    return { pid: this.#pid, settings: this.#settings }
  }

  async #closeListeners(): Promise<void> {
    const listeners = this.#listeners
    this.#listeners = []
    await Promise.all(listeners.map((l) => l.close()))
  }

  #ready(): WorkerRecord[] {
    return [...this.#workers.values()].filter((w) => w.state === 'ready')
  }

  #active(): WorkerRecord[] {
    return [...this.#workers.values()].filter((w) => w.state === 'booting' || w.state === 'ready')
  }

  #ensureWorkers(): void {
    if (this.#state === 'stopping') return
    while (this.#active().length < this.#target) this.#spawn()
  }

  #baseLaunch(): WorkerLaunch {
    return {
      entry: this.#options.workerEntry ?? defaultWorkerEntry,
      execArgv: this.#options.execArgv ?? process.execArgv,
      env: {},
    }
  }

  /** The launch for the next generation: precompiled when the options say how (main.ts does). */
  async #prepareLaunch(settings: ServeSettings): Promise<WorkerLaunch> {
    const base = this.#baseLaunch()
    const launch = (await this.#options.prepareLaunch?.(settings, base)) ?? base
    if (launch.precompiled) {
      const { files, compiled, ms, cacheRoot } = launch.precompiled
      this.#log.info(`Precompiled ${compiled} of ${files} TypeScript files in ${ms} ms (${cacheRoot})`)
    }
    return launch
  }

  /** Stops the youngest extra workers (TTOU, or a reload that lowered --workers). */
  #trimWorkers(): void {
    const active = this.#active().sort((a, b) => b.id - a.id)
    for (const w of active.slice(0, Math.max(0, active.length - this.#target)))
      this.#stopWorker(w, true)
  }

  #spawn(): void {
    const id = this.#nextId++
    void Promise.resolve(this.#hooks.preFork?.({ ...this.#ctx(), workerId: id })).catch(
      (error: unknown) => this.#log.error(`pre_fork hook failed: ${(error as Error).message}`),
    )
    const launch = this.#launch ?? this.#baseLaunch()
    const record = forkWorker({
      id,
      generation: this.#generation,
      entry: launch.entry,
      env: { ...(this.#options.env ?? process.env), ...launch.env },
      execArgv: launch.execArgv,
      boot: { id, settings: this.#settings, primaryPid: this.#pid },
    })
    const child = record.child
    this.#workers.set(id, record)
    this.#log.info(`Booting worker ${id} with pid: ${child.pid}`)
    child.on('message', (message) => {
      if (isWorkerMessage(message)) this.#onMessage(record, message)
    })
    child.on('error', (error) => this.#log.error(`Worker ${id}: ${error.message}`))
    child.on('exit', (code, signal) => {
      clearTimeout(record.killTimer)
      this.#workers.delete(id)
      this.#onExit(record, code, signal)
      // Sent but never confirmed: the worker died before reading them; another one will.
      for (const socket of record.transit.takeAll()) {
        if (this.#state === 'stopping') socket.destroy()
        else this.#dispatch(socket)
      }
    })
  }

  #onMessage(w: WorkerRecord, message: WorkerMessage): void {
    switch (message.t) {
      case 'beat':
        w.lastBeat = Date.now()
        w.rss = message.rss
        w.requests = message.requests
        w.inFlight = message.inFlight
        this.#checkMemory(w)
        return
      case 'took':
        w.transit.took(message.seq)
        return
      case 'ready':
        w.lastBeat = Date.now()
        if (w.state === 'booting')
          w.state = w.generation === this.#generation ? 'ready' : 'retiring'
        this.#log.info(`Worker ${w.id} (pid ${w.child.pid}) ready`)
        this.#bootFailures = 0
        this.#flushPending()
        // A worker of a generation already replaced (a second HUP while it booted) only leaves.
        if (w.state === 'ready') this.#afterReady()
        else if (this.#ready().length >= this.#target) this.#stopWorker(w, true)
        return
      case 'retire':
        if (w.state === 'ready') {
          this.#log.info(`Worker ${w.id} (pid ${w.child.pid}) retiring: ${message.reason}`)
          w.state = 'retiring'
          this.#ensureWorkers()
        }
        return
      case 'stats':
        this.#stats.receive(message.id, message.stats)
        return
    }
  }

  /** A new worker is ready: stop one retiring worker; once the target is met, all of them. */
  #afterReady(): void {
    const ready = [...this.#workers.values()].filter((w) => w.state === 'ready')
    const retiring = [...this.#workers.values()]
      .filter((w) => w.state === 'retiring')
      .sort((a, b) => a.id - b.id)
    if (retiring.length > 0) this.#stopWorker(retiring.shift()!, true)
    if (ready.length >= this.#target) for (const w of retiring) this.#stopWorker(w, true)
    if (!this.#readyOnce && ready.length >= this.#target) {
      this.#readyOnce = true
      this.#state = 'running'
      this.#log.info(`Server ready: ${ready.length} worker(s) on ${this.addresses.join(' ')}`)
      this.#options.notify?.('READY=1')
      void Promise.resolve(this.#hooks.whenReady?.(this.#ctx())).catch((error: unknown) =>
        this.#log.error(`when_ready hook failed: ${(error as Error).message}`),
      )
      this.#onFirstReady?.()
    }
  }

  #onExit(w: WorkerRecord, code: number | null, signal: NodeJS.Signals | null): void {
    const expected = w.state === 'stopping'
    if (!expected) this.#restarts++
    const how = signal ? `signal ${signal}` : `code ${code}`
    if (expected) this.#log.info(`Worker ${w.id} (pid ${w.child.pid}) exited (${how})`)
    else this.#log.error(`Worker ${w.id} (pid ${w.child.pid}) died unexpectedly (${how})`)
    void Promise.resolve(
      this.#hooks.workerExit?.({
        ...this.#ctx(),
        workerId: w.id,
        workerPid: w.child.pid,
        code,
        signal,
      }),
    ).catch((error: unknown) =>
      this.#log.error(`worker_exit hook failed: ${(error as Error).message}`),
    )
    if (this.#state === 'stopping') return
    // Exit code 3 is the worker's "the application did not load" (Gunicorn's WORKER_BOOT_ERROR).
    if (code === 3 && w.state === 'booting') {
      this.#bootFailures++
      if (!this.#readyOnce) {
        this.#exitCode = 3
        this.#onBootFailure?.(
          Object.assign(
            new Error(
              `The application ${JSON.stringify(this.#settings.app)} failed to load in worker ${w.id}: see the error above.`,
            ),
            { code: 'serve.E_APP_LOAD' },
          ),
        )
        return
      }
      // A reload brought broken code: keep the old generation serving and retry slowly.
      for (const old of this.#workers.values()) if (old.state === 'retiring') old.state = 'ready'
      const delay = Math.min(30_000, 1000 * 2 ** Math.min(this.#bootFailures, 5))
      this.#log.error(
        `Worker failed to boot; the previous workers keep serving; retrying in ${delay} ms`,
      )
      setTimeout(() => this.#ensureWorkers(), delay).unref()
      return
    }
    this.#ensureWorkers()
    if (this.#active().some((a) => a.state === 'ready')) this.#flushPending()
  }

  #checkMemory(w: WorkerRecord): void {
    const limit = this.#settings.maxWorkerMemory * 1024 * 1024
    if (limit <= 0 || w.state !== 'ready') return
    // Hysteresis: one reading over the limit may be a transient peak (a big response being
    // built); two in a row is a worker that grew. Then it is recycled exactly once.
    w.overMemory = w.rss > limit ? w.overMemory + 1 : 0
    if (w.overMemory >= 2)
      this.#onMessage(w, {
        t: 'retire',
        reason: `RSS ${Math.round(w.rss / 1048576)} MiB over --max-worker-memory ${this.#settings.maxWorkerMemory}`,
      })
  }

  /** Heartbeat supervision: a worker whose event loop stopped ticking is killed and replaced. */
  #supervise(): void {
    const timeoutMs = this.#settings.timeout * 1000
    if (timeoutMs <= 0) return
    const now = Date.now()
    for (const w of this.#workers.values()) {
      if (w.state === 'stopping') continue
      // A booting worker is still importing the application; give it at least 10 s.
      const limit = w.state === 'booting' ? Math.max(timeoutMs, 10_000) : timeoutMs
      if (now - w.lastBeat > limit) {
        this.#log.critical(
          `WORKER TIMEOUT (pid:${w.child.pid}): no heartbeat for ${now - w.lastBeat} ms, killing it`,
        )
        w.state = 'stopping'
        // Connections handed to it while it was already stuck never reached its event loop;
        // they go to a live worker when it has exited (see #spawn's exit handler).
        w.child.kill('SIGKILL')
        // It counts as a restart: it did not leave on its own terms.
        this.#restarts++
        this.#ensureWorkers()
      }
    }
  }

  #stopWorker(w: WorkerRecord, graceful: boolean): void {
    if (w.state === 'stopping' && graceful) return
    w.state = 'stopping'
    if (w.child.exitCode !== null || w.child.signalCode !== null) return
    if (graceful) {
      this.#send(w, { t: 'stop', graceful: true })
      clearTimeout(w.killTimer)
      w.killTimer = setTimeout(
        () => w.child.kill('SIGKILL'),
        this.#settings.gracefulTimeout * 1000 + 1000,
      )
    } else {
      w.child.kill('SIGQUIT')
      clearTimeout(w.killTimer)
      w.killTimer = setTimeout(() => w.child.kill('SIGKILL'), 2000)
    }
  }

  #send(w: WorkerRecord, message: PrimaryMessage): void {
    if (!w.child.connected) return
    try {
      w.child.send(message, (error) => {
        if (error) this.#log.debug(`IPC to worker ${w.id} failed: ${error.message}`)
      })
    } catch (error) {
      this.#log.debug(`IPC to worker ${w.id} failed: ${(error as Error).message}`)
    }
  }

  /**
   * Round-robin over workers that take connections (ready or retiring), skipping one whose
   * heartbeat is late when another is available: a blocked worker would hold the connection
   * until it is killed.
   */
  #pick(): WorkerRecord | undefined {
    const candidates = [...this.#workers.values()].filter(
      (w) => (w.state === 'ready' || w.state === 'retiring') && w.child.connected,
    )
    if (candidates.length === 0) return undefined
    const beatMs =
      this.#settings.timeout > 0 ? Math.min(1000, (this.#settings.timeout * 1000) / 4) : 1000
    const fresh = candidates.filter(
      (w) => Date.now() - w.lastBeat < Math.max(2 * beatMs + 250, 500),
    )
    const pool = fresh.length > 0 ? fresh : candidates
    this.#rr = (this.#rr + 1) % pool.length
    return pool[this.#rr]
  }

  #dispatch(socket: Socket, attempt = 0): void {
    if (socket.destroyed) return
    const w = this.#pick()
    if (!w) {
      // No worker can take it yet (all booting): hold it; the kernel backlog would anyway.
      if (this.#pending.length >= 4096) socket.destroy()
      else this.#pending.push(socket)
      return
    }
    socket.on('error', () => socket.destroy())
    w.transit.send(w.child, socket, (again) => {
      if (this.#state === 'stopping' || attempt >= 3) again.destroy()
      else this.#dispatch(again, attempt + 1)
    })
  }

  #flushPending(): void {
    const pending = this.#pending
    this.#pending = []
    for (const socket of pending) this.#dispatch(socket)
  }
}
