/**
 * @module The process runserver forks to run the project's code. It loads the settings, the
 * application and the URLconf, tells its parent `ready` (or `load-error`), then serves the
 * connections the parent hands it over IPC. A child that failed to load stays up and answers
 * every request with the load-error page, until the parent replaces it after the next change.
 *
 * Why a process per code version: an ES module cannot be unloaded, so fresh code needs a fresh
 * process (Django's autoreloader restarts its child for the same reason).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { isAbsolute, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { builtinChecks } from '../../conf/index.ts'
import { loadApplication, toNodeListener } from '../../gateway/index.ts'
import type { Application } from '../../gateway/index.ts'
import { loadErrorPage } from './load-error-page.ts'
import {
  describeLoadFailure,
  loadSettings,
  ProjectLoadError,
  type LoadFailure,
} from './project-loading.ts'
import { formatRequestLine } from './request-log.ts'
import { withStaticFiles } from './static-files.ts'

/** What the parent passes in FRAMEWORK_DEV_CHILD (JSON). */
export interface DevChildConfig {
  settings: string
  app: string
  static: boolean
  colour: boolean
  /**
   * A spare: warm up (import the framework's layers), say `warm`, and load the project only when
   * the parent sends `load`. Why: starting node and compiling the framework is most of a reload's
   * time, so the parent keeps one spare ready and a change costs only the project's own code.
   */
  spare?: boolean
}

/** Messages from a child to its parent. */
export type DevChildMessage =
  | { type: 'warm' }
  | { type: 'ready'; checks: string[] }
  | { type: 'load-error'; failure: LoadFailure }

/** Messages from the parent to a child (a `connection` comes with the socket as handle). */
export type DevParentMessage = { type: 'connection' } | { type: 'stop' } | { type: 'load' }

/** A spare's warm-up: the layers a project's code imports through the framework's root index. */
async function warmUp(): Promise<void> {
  await Promise.all([
    import('../../core/index.ts'),
    import('../../http/index.ts'),
    import('../../urls/index.ts'),
    import('../../views/index.ts'),
    import('../../templates/index.ts'),
  ])
}

function loadRequested(): Promise<void> {
  return new Promise((resolve) => {
    const onMessage = (msg: DevParentMessage) => {
      if (msg.type !== 'load') return
      process.off('message', onMessage)
      resolve()
    }
    process.on('message', onMessage)
  })
}

async function load(
  config: DevChildConfig,
  cwd: string,
): Promise<{ app: Application; checks: string[] }> {
  const settings = await loadSettings(cwd, config.settings)
  let app: Application
  try {
    app = await loadApplication(config.app, { cwd })
  } catch (error) {
    throw new ProjectLoadError(describeLoadFailure(error, config.app.replace(/:[\w$]+$/, '')), {
      cause: error,
    })
  }
  // ROOT_URLCONF is imported lazily by the handler; import it now so a syntax error in a view
  // shows at reload time, not on the first request.
  const root = settings.ROOT_URLCONF
  if (typeof root === 'string') {
    const file = isAbsolute(root) ? root : resolve(cwd, root)
    try {
      await import(pathToFileURL(file).href)
    } catch (error) {
      throw new ProjectLoadError(describeLoadFailure(error, root), { cause: error })
    }
  }
  // The same findings as `framework check` (without --deploy), one line each with its level.
  const checks = builtinChecks()
    .run(settings)
    .filter((m) => !m.id.startsWith('security.'))
    .map((m) => `${m.level}: ${m.id}: ${m.message}${m.hint ? ` (${m.hint})` : ''}`)
  return { app: config.static ? withStaticFiles(app, settings, cwd) : app, checks }
}

function logged(
  listener: (req: IncomingMessage, res: ServerResponse) => void,
  colour: boolean,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const started = performance.now()
    res.once('close', () => {
      const line = formatRequestLine(
        {
          method: req.method ?? '?',
          path: req.url ?? '',
          status: res.statusCode,
          ms: performance.now() - started,
        },
        colour,
      )
      process.stdout.write(`${line}\n`)
    })
    listener(req, res)
  }
}

async function main(): Promise<void> {
  const config = JSON.parse(process.env['FRAMEWORK_DEV_CHILD'] ?? '{}') as DevChildConfig
  const cwd = process.cwd()
  // The parent went away (killed, crashed): nothing can hand us connections any more.
  process.on('disconnect', () => process.exit(0))
  if (config.spare) {
    const requested = loadRequested()
    // A failed warm-up is not fatal: load() below reports the real error with its file.
    await warmUp().catch(() => undefined)
    process.send?.({ type: 'warm' } satisfies DevChildMessage)
    await requested
  }
  let listener: (req: IncomingMessage, res: ServerResponse) => void
  let message: DevChildMessage
  try {
    const { app, checks } = await load(config, cwd)
    listener = toNodeListener(app)
    message = { type: 'ready', checks }
  } catch (error) {
    const failure =
      error instanceof ProjectLoadError ? error.failure : describeLoadFailure(error, config.app)
    const page = loadErrorPage(failure)
    listener = (_req, res) => {
      res.writeHead(500, {
        'Content-Type': 'text/html; charset=utf-8',
        'Cache-Control': 'no-store',
      })
      res.end(page)
    }
    message = { type: 'load-error', failure }
  }
  let stopping = false
  const sockets = new Set<Socket>()
  const server = createServer((req, res) => {
    // Once replaced, answer what is in flight and close the connection behind it.
    if (stopping) res.setHeader('Connection', 'close')
    logged(listener, config.colour)(req, res)
  })
  // Short keep-alive: a browser's idle connection to an old child must not outlive a reload.
  server.keepAliveTimeout = 1000
  process.on('message', (msg: DevParentMessage, handle?: Socket) => {
    if (msg.type === 'connection' && handle) {
      sockets.add(handle)
      handle.once('close', () => sockets.delete(handle))
      server.emit('connection', handle)
      handle.resume()
    } else if (msg.type === 'stop') {
      // The server never listened (the parent owns the socket), so server.close() has nothing
      // to wait for: drop idle keep-alive connections and leave when the last one closes.
      stopping = true
      server.closeIdleConnections()
      const poll = setInterval(() => {
        if (sockets.size === 0) process.exit(0)
      }, 50)
      poll.unref()
      setTimeout(() => process.exit(0), 2000).unref()
    }
  })
  // Ctrl-C in a terminal reaches the whole process group: the parent decides when we stop.
  process.on('SIGINT', () => undefined)
  // A development server keeps going after a stray error in a request's background work.
  process.on('uncaughtException', (error) => {
    process.stderr.write(`runserver: uncaught error: ${error.stack ?? String(error)}\n`)
  })
  process.send?.(message)
}

await main()
