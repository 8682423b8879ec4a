import { EventEmitter } from 'node:events'
import { describe, expect, it } from 'vitest'
import {
  Arbiter,
  SIGNAL_ACTIONS,
  type ServeSignal,
  type SignalSource,
} from '../../framework/server/arbiter.ts'
import type { ErrorLog } from '../../framework/server/error-log.ts'
import { resolveSettings } from '../../framework/server/settings.ts'
import { get } from '../integration/serve-harness.ts'

function memoryLog(): ErrorLog & { lines: string[] } {
  const lines: string[] = []
  const write = (level: string) => (message: string) => void lines.push(`[${level}] ${message}`)
  return {
    lines,
    debug: write('DEBUG'),
    info: write('INFO'),
    warning: write('WARNING'),
    error: write('ERROR'),
    critical: write('CRITICAL'),
    reopen: () => void lines.push('[REOPEN]'),
    close() {},
  }
}

function signals(): SignalSource & { emit(signal: ServeSignal): void } {
  const emitter = new EventEmitter()
  return {
    on: (signal, listener) => emitter.on(signal, listener),
    off: (signal, listener) => emitter.off(signal, listener),
    emit: (signal) => void emitter.emit(signal),
  }
}

describe('SIGNAL_ACTIONS', () => {
  it('handles exactly the documented signals', () => {
    expect(Object.keys(SIGNAL_ACTIONS).sort()).toEqual([
      'SIGHUP',
      'SIGINT',
      'SIGQUIT',
      'SIGTERM',
      'SIGTTIN',
      'SIGTTOU',
      'SIGUSR2',
    ])
  })
})

describe('Arbiter', () => {
  it('runs twice in one process, each with its own injected signals, and stops on its own TERM only', async () => {
    const app = 'test/fixtures/apps/serve-app.ts:application'
    const make = () => {
      const log = memoryLog()
      const source = signals()
      const arbiter = new Arbiter({
        settings: resolveSettings({ app, bind: ['127.0.0.1:0'], workers: 1 }),
        log,
        signals: source,
        execArgv: ['--import', 'tsx'],
      })
      return { arbiter, log, source }
    }
    const a = make()
    const b = make()
    await Promise.all([a.arbiter.start(), b.arbiter.start()])
    expect(a.arbiter.addresses[0]).not.toBe(b.arbiter.addresses[0])
    expect((await get(`http://${a.arbiter.addresses[0]}/`)).status).toBe(200)
    a.source.emit('SIGTERM')
    expect(await a.arbiter.stopped).toBe(0)
    // b is untouched by a's signal.
    expect(b.arbiter.status().state).toBe('running')
    expect((await get(`http://${b.arbiter.addresses[0]}/`)).status).toBe(200)
    b.source.emit('SIGUSR2')
    b.source.emit('SIGINT')
    expect(await b.arbiter.stopped).toBe(0)
    // Signals are handled in arrival order through one queue.
    expect(b.log.lines.findIndex((l) => l.includes('REOPEN'))).toBeLessThan(
      b.log.lines.findIndex((l) => l.includes('Shutting down: fast')),
    )
  })

  it('keeps the running configuration and workers when a reload does not compile', async () => {
    const app = 'test/fixtures/apps/serve-app.ts:application'
    const log = memoryLog()
    const settings = resolveSettings({ app, bind: ['127.0.0.1:0'], workers: 1 })
    let failing = false
    const arbiter = new Arbiter({
      settings,
      log,
      execArgv: ['--import', 'tsx'],
      // The new configuration asks for 2 workers and a longer timeout.
      reloadConfig: async () => ({
        settings: { ...settings, workers: 2, timeout: 99 },
        hooks: {},
        configPath: undefined,
      }),
      prepareLaunch: async (_settings, base) => {
        if (failing) throw new Error('/srv/app/views.ts:3:1: Expected ")" but found end of file')
        return base
      },
    })
    await arbiter.start()
    try {
      const before = arbiter.status().workers.map((w) => w.pid)
      failing = true
      await arbiter.reload()
      expect(log.lines.join('\n')).toContain(
        'Reload: the application did not compile, keeping the running workers: /srv/app/views.ts:3:1',
      )
      expect(arbiter.settings.workers).toBe(1)
      expect(arbiter.settings.timeout).toBe(settings.timeout)
      expect(arbiter.status().workers.map((w) => w.pid)).toEqual(before)
      expect((await get(`http://${arbiter.addresses[0]}/`)).status).toBe(200)
    } finally {
      await arbiter.stop(false)
    }
  })
})
