/**
 * @module The worker process's entry point (forked by the Arbiter): reads its settings from the
 * SERVE_WORKER environment variable, drops privileges, runs post_fork, imports the application,
 * and connects a Worker to the primary over IPC.
 *
 * Exit code 3 means "the application did not load" (Gunicorn's WORKER_BOOT_ERROR): the primary
 * then stops instead of forking the same failure forever.
 */
import type { Socket } from 'node:net'
import { createServer as createNetServer } from 'node:net'
import { loadApplication } from '../gateway/index.ts'
import { loadConfigFile, type ServeHooks } from './config.ts'
import { createErrorLog } from './error-log.ts'
import { isPrimaryMessage, type WorkerMessage } from './ipc-messages.ts'
import { httpLimitsFromSettings } from './http-limits.ts'
import { IDLE_TIMING, idleCollector, newSpaceShrunk, v8Scavenge } from './idle-gc.ts'
import { loaderThreadScavenge } from './loader-gc.ts'
import { disablePretenuring } from './pretenuring.ts'
import { acceptProxyProtocol } from './proxy-protocol.ts'
import { TrustedProxies } from './proxy.ts'
import { createRequestLog } from './request-log.ts'
import { createServeHost } from './serve-host.ts'
import type { ServeSettings } from './settings.ts'
import { Worker } from './worker.ts'
import { importForWorker } from './worker-launch.ts'

interface WorkerBoot {
  id: number
  settings: ServeSettings
  primaryPid: number
}

function send(message: WorkerMessage): void {
  if (process.connected) process.send?.(message)
}

function dropPrivileges(settings: ServeSettings): void {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return
  const numeric = (v: string): string | number => (/^\d+$/.test(v) ? Number(v) : v)
  if (settings.group) process.setgid?.(numeric(settings.group))
  if (settings.user) process.setuid?.(numeric(settings.user))
}

async function main(): Promise<void> {
  const boot = JSON.parse(process.env.SERVE_WORKER ?? 'null') as WorkerBoot | null
  if (!boot) {
    process.stderr.write('worker-main.ts is started by the serve primary, not by hand.\n')
    process.exit(2)
  }
  const { id, settings } = boot
  const log = createErrorLog(settings.errorlog, settings.loglevel, process.pid)
  process.title = `${settings.procName}: worker ${id}`
  // Before the application loads: per-request objects must stay young (pretenuring.ts).
  disablePretenuring()
  // Why ignore these: a terminal's HUP and TTIN/TTOU reach the whole process group; they are
  // the primary's to handle. The primary talks to workers over IPC.
  for (const signal of ['SIGHUP', 'SIGTTIN', 'SIGTTOU', 'SIGUSR2'] as const)
    process.on(signal, () => {})
  // Heartbeats start before the import, so a slow import is not mistaken for a hung worker
  // (and an import stuck in a synchronous loop is).
  const early = setInterval(
    () => send({ t: 'beat', rss: process.memoryUsage.rss(), requests: 0, inFlight: 0 }),
    500,
  )
  let worker: Worker | undefined
  const pendingSockets: Socket[] = []
  let stopRequested: 'graceful' | 'fast' | undefined
  process.on('message', (message: unknown, handle: unknown) => {
    if (!isPrimaryMessage(message)) return
    if (message.t === 'conn' && handle) {
      // First thing: the primary holds its copy of the socket until we say we have ours.
      send({ t: 'took', seq: message.seq })
      if (worker) worker.handleConnection(handle as Socket)
      else pendingSockets.push(handle as Socket)
    } else if (message.t === 'stop') {
      if (worker) worker.stop()
      else process.exit(0)
      stopRequested = 'graceful'
    } else if (message.t === 'reopen-logs') {
      log.reopen()
      requestLog?.reopen()
    } else if (message.t === 'stats') {
      send({ t: 'stats', id: message.id, stats: requestLog?.snapshot() })
    }
  })
  process.on('SIGTERM', () => (worker ? worker.stop() : process.exit(0)))
  const fast = (): void => (worker ? worker.stopNow() : process.exit(0))
  process.on('SIGINT', fast)
  process.on('SIGQUIT', fast)
  // The primary is gone (crashed or killed): finish what we have and leave.
  process.on('disconnect', () => (worker ? worker.stop() : process.exit(0)))
  // The primary may have died while this process was still loading its modules: the channel
  // then closed before the listener above existed, and nothing would ever stop this worker.
  if (!process.connected) process.exit(0)
  process.on('unhandledRejection', (reason) =>
    log.error(`Unhandled rejection: ${(reason as Error)?.stack ?? String(reason)}`),
  )

  let hooks: ServeHooks = {}
  let requestLog: ReturnType<typeof createRequestLog> | undefined
  try {
    if (settings.chdir) process.chdir(settings.chdir)
    dropPrivileges(settings)
    if (settings.config) hooks = (await loadConfigFile(settings.config, importForWorker)).hooks ?? {}
    await hooks.postFork?.({ pid: boot.primaryPid, settings, workerId: id, workerPid: process.pid })
    if (!settings.app) throw new Error('No application given: pass MODULE:ATTR.')
    const app = await loadApplication(settings.app, {
      cwd: process.cwd(),
      importModule: importForWorker,
    })
    requestLog = createRequestLog(settings)
    const trust = TrustedProxies.parse(settings.forwardedAllowIps)
    const proxyFront = settings.proxyProtocol ? createNetServer() : undefined
    // Gives back the young generations that loading the application grew, once idle: this
    // thread's (idle-gc.ts) and the module-hooks thread's where tsx compiled it (loader-gc.ts).
    const mainScavenge = v8Scavenge()
    const loaderScavenge = loaderThreadScavenge()
    const idle = idleCollector(
      mainScavenge && (() => {
        mainScavenge()
        loaderScavenge?.()
      }),
      IDLE_TIMING,
      newSpaceShrunk,
    )
    worker = new Worker({
      id,
      settings,
      hooks,
      log,
      limits: httpLimitsFromSettings(settings),
      host: createServeHost(app, settings, trust, log),
      send,
      exit: (code) => {
        idle.stop()
        log.close()
        requestLog?.close()
        // The final counters (stats id 0), so the primary's totals never go backwards when a
        // worker is recycled. Bounded: exit anyway if the primary does not take them.
        const final = requestLog?.snapshot()
        if (!final || !process.connected) process.exit(code)
        const timer = setTimeout(() => process.exit(code), 500)
        process.send?.(
          { t: 'stats', id: 0, stats: { ...final, inFlight: 0 } } satisfies WorkerMessage,
          () => {
            clearTimeout(timer)
            process.exit(code)
          },
        )
      },
      onStarted: () => {
        idle.activity()
        requestLog?.started()
      },
      onFinished: (info) => requestLog?.record(info),
      acceptConnection: proxyFront ? (socket) => proxyFront.emit('connection', socket) : undefined,
    })
    if (proxyFront) acceptProxyProtocol(proxyFront, worker.server, { trust })
  } catch (error) {
    log.critical(`Worker ${id} failed to boot: ${(error as Error).stack ?? String(error)}`)
    process.exit(3)
  }
  clearInterval(early)
  // Same check after the application loaded: an orphan must not start serving.
  if (!process.connected) process.exit(0)
  worker.start()
  send({ t: 'ready' })
  for (const socket of pendingSockets.splice(0)) worker.handleConnection(socket)
  if (stopRequested) worker.stop()
}

void main()
