/**
 * @module The error log of the primary and workers (`--error-logfile`, `--log-level`): Gunicorn's
 * line shape `[time] [pid] [LEVEL] message`, and `reopen()` for log rotation (SIGUSR2).
 */
import { closeSync, openSync, writeSync } from 'node:fs'

/** The levels, lowest first. */
export const LOG_LEVELS = ['debug', 'info', 'warning', 'error', 'critical'] as const

/** One of LOG_LEVELS. */
export type LogLevel = (typeof LOG_LEVELS)[number]

/** What the primary and the workers log through. */
export interface ErrorLog {
  debug(message: string): void
  info(message: string): void
  warning(message: string): void
  error(message: string): void
  critical(message: string): void
  /** Reopens the file (after logrotate moved it); a no-op for `-` (stderr). */
  reopen(): void
  close(): void
}

/**
 * Opens the error log: `-` is stderr, anything else a file opened for appending.
 *
 * @example
 * ```ts
 * const log = createErrorLog('-', 'info', process.pid)
 * log.info('Listening at: http://127.0.0.1:8000')
 * ```
 */
export function createErrorLog(target: string, level: string, pid: number): ErrorLog {
  const threshold = Math.max(0, LOG_LEVELS.indexOf(level as LogLevel))
  const open = (): number => (target === '-' ? 2 : openSync(target, 'a'))
  let fd = open()
  const write = (at: LogLevel) => (message: string) => {
    if (LOG_LEVELS.indexOf(at) < threshold) return
    const time = new Date()
      .toISOString()
      .replace('T', ' ')
      .replace(/\.\d+Z$/, ' +0000')
    try {
      writeSync(fd, `[${time}] [${pid}] [${at.toUpperCase()}] ${message}\n`)
    } catch {
      // a full disk or a closed stderr must not take the server down
    }
  }
  return {
    debug: write('debug'),
    info: write('info'),
    warning: write('warning'),
    error: write('error'),
    critical: write('critical'),
    reopen() {
      if (target === '-') return
      const next = open()
      const previous = fd
      fd = next
      closeSync(previous)
    },
    close() {
      if (target !== '-') closeSync(fd)
    },
  }
}
