/**
 * @module The `--pid` file: written when the primary starts, removed when it exits, and a
 * refusal to start when it names a process that is still alive.
 */
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs'

/** A coded error: another primary already owns the pidfile. */
export class PidfileError extends Error {
  readonly code = 'serve.E_PIDFILE'
  constructor(message: string) {
    super(message)
    this.name = 'PidfileError'
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: it exists but belongs to someone else, which still means "alive".
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * A pidfile bound to one path and one PID.
 *
 * @example
 * ```ts
 * const pidfile = new Pidfile('/run/site/serve.pid', process.pid)
 * pidfile.create()
 * // ...
 * pidfile.remove()
 * ```
 */
export class Pidfile {
  readonly #path: string
  readonly #pid: number

  constructor(path: string, pid: number) {
    this.#path = path
    this.#pid = pid
  }

  /** Writes the PID; a stale file (dead process) is replaced, a live one is an error. */
  create(): void {
    let existing: number | undefined
    try {
      existing = Number(readFileSync(this.#path, 'utf8').trim())
    } catch {
      existing = undefined
    }
    if (existing && existing !== this.#pid && alive(existing)) {
      throw new PidfileError(
        `The pidfile ${JSON.stringify(this.#path)} names the running process ${existing}: stop it first, or choose another --pid.`,
      )
    }
    writeFileSync(this.#path, `${this.#pid}\n`)
  }

  /** Removes the file if it still holds our PID (a successor's file is left alone). */
  remove(): void {
    try {
      if (Number(readFileSync(this.#path, 'utf8').trim()) === this.#pid) unlinkSync(this.#path)
    } catch {
      // already gone
    }
  }
}
