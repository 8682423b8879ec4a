/**
 * @module `serve [options] MODULE:ATTR`: resolves the configuration, answers --help,
 * --print-config and --check-config, then runs the primary (Arbiter) with the process's
 * signals, pidfile, sd_notify, control socket and --reload wired in.
 */
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { loadApplication } from '../gateway/index.ts'
import { Arbiter, type SignalSource } from './arbiter.ts'
import { parseBind } from './binds.ts'
import { loadServeConfig, type ConfigSources } from './config.ts'
import { openControlSocket } from './control-socket.ts'
import { createErrorLog } from './error-log.ts'
import { openMetricsEndpoint } from './metrics-endpoint.ts'
import { watchForChanges } from './reload.ts'
import { createSdNotify } from './sd-notify.ts'
import { prepareWorkerLaunch } from './worker-launch.ts'
import { SETTINGS, type SettingSpec } from './settings.ts'

/** What runServe needs from the outside world; tests pass their own. */
export interface ServeProcess extends ConfigSources {
  signals?: SignalSource
  stdout?: (text: string) => void
  stderr?: (text: string) => void
  pid?: number
  /** Changes the working directory (--chdir); default process.chdir. */
  chdir?: (dir: string) => void
  /** Sets the process title (--name); default sets process.title. */
  setTitle?: (title: string) => void
}

/**
 * The `serve --help` text, generated from SETTINGS.
 *
 * @example
 * ```ts
 * process.stdout.write(usage())
 * ```
 */
export function usage(): string {
  const lines = ['Usage: serve [options] MODULE[:ATTR]', '', 'Options:']
  for (const spec of SETTINGS as readonly SettingSpec<unknown>[]) {
    const flags = [spec.short, spec.flag].filter(Boolean).join(', ')
    const value = spec.kind === 'boolean' ? '' : ' VALUE'
    lines.push(`  ${`${flags}${value}`.padEnd(34)} ${spec.description}`)
  }
  return `${lines.join('\n')}\n`
}

/**
 * Runs `serve` and resolves with the process exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await runServe({ argv: process.argv.slice(2), env: process.env, cwd: process.cwd(), signals: process })
 * ```
 */
export async function runServe(io: ServeProcess): Promise<number> {
  const out = io.stdout ?? ((text: string) => void process.stdout.write(text))
  const err = io.stderr ?? ((text: string) => void process.stderr.write(text))
  if (io.argv.includes('--help') || io.argv.includes('-h')) {
    out(usage())
    return 0
  }
  let loaded
  try {
    loaded = await loadServeConfig(io)
  } catch (error) {
    err(`serve: ${(error as Error).message}\n`)
    return 2
  }
  const { settings } = loaded
  // Why absolute: workers inherit the primary's directory and must not apply --chdir twice.
  if (settings.chdir) {
    settings.chdir = resolve(io.cwd, settings.chdir)
    ;(io.chdir ?? process.chdir)(settings.chdir)
  }
  const cwd = settings.chdir ?? io.cwd
  if (settings.printConfig) {
    out(`${JSON.stringify(settings, null, 2)}\n`)
    return 0
  }
  if (!settings.app) {
    err('serve: no application given: pass MODULE:ATTR, e.g. `serve project/wsgi:application`.\n')
    return 2
  }
  if (settings.checkConfig || settings.preloadApp) {
    try {
      settings.bind.forEach(parseBind)
      await loadApplication(settings.app, { cwd })
    } catch (error) {
      err(`serve: ${(error as Error).message}\n`)
      return settings.checkConfig ? 1 : 3
    }
    if (settings.checkConfig) {
      out(
        `Configuration OK: ${settings.app}, ${settings.workers} worker(s), bind ${settings.bind.join(' ')}\n`,
      )
      return 0
    }
  }
  const pid = io.pid ?? process.pid
  ;(io.setTitle ?? ((title: string) => void (process.title = title)))(
    `${settings.procName}: primary`,
  )
  const log = createErrorLog(settings.errorlog, settings.loglevel, pid)
  const arbiter = new Arbiter({
    settings,
    hooks: loaded.hooks,
    log,
    signals: io.signals,
    env: io.env,
    pid,
    notify: createSdNotify(io.env, pid, (message) => log.warning(message)),
    prepareLaunch: (current, base) => prepareWorkerLaunch(current, base, cwd),
    reloadConfig: async () => {
      const next = await loadServeConfig({ ...io, cwd })
      if (settings.chdir) next.settings.chdir = settings.chdir
      return next
    },
  })
  // Opened before start() so it answers (status "starting") by the time "Server ready" is logged.
  const control = settings.controlSocket
    ? await openControlSocket(resolve(cwd, settings.controlSocket), arbiter)
    : undefined
  let metrics: Awaited<ReturnType<typeof openMetricsEndpoint>> | undefined
  try {
    if (settings.metricsBind) {
      metrics = await openMetricsEndpoint(settings.metricsBind, arbiter)
      log.info(`Metrics: GET /metrics on ${metrics.address}`)
    }
    await arbiter.start()
  } catch (error) {
    log.critical((error as Error).message)
    log.close()
    await control?.close()
    await metrics?.close()
    return (error as { code?: string }).code === 'serve.E_APP_LOAD' ? 3 : 1
  }
  const watcher = settings.reload
    ? watchForChanges(cwd, (file) => {
        log.info(`Reload: ${file} changed`)
        void arbiter.enqueue('reload (file change)', () => arbiter.reload())
      })
    : undefined
  const code = await arbiter.stopped
  watcher?.close()
  await control?.close()
  await metrics?.close()
  log.close()
  return code
}

// Run directly (`tsx framework/server/main.ts ...`): the process's own argv, env and signals.
// Why the process-wide mark: a config file outside a "type": "module" package is compiled as
// CommonJS, and its import of framework/server loads a second copy of this module, whose
// import.meta.url also equals argv[1]; without the mark that copy started a second server.
const runningMark = Symbol.for('framework.server.main.running')
const marks = globalThis as { [runningMark]?: boolean }
if (
  process.argv[1] &&
  import.meta.url === pathToFileURL(process.argv[1]).href &&
  !marks[runningMark]
) {
  marks[runningMark] = true
  // No top-level await: a config file compiled as CommonJS may import this module.
  void runServe({
    argv: process.argv.slice(2),
    env: process.env,
    cwd: process.cwd(),
    signals: process,
  }).then((code) => {
    process.exitCode = code
  })
}
