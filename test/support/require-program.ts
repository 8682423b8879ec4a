/**
 * @module Tests that need a program the machine may lack (lighttpd, nginx, chromium, PostgreSQL)
 * call `requireProgram`. On a user's machine a missing program skips the test with the reason
 * printed; under CI=true the same absence is a failure, so CI can never pass by skipping.
 */
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'

export interface Requirement {
  /** True when the program is usable. */
  available: boolean
  /** Why it is not, in words a user can act on ('' when available). */
  reason: string
}

/** Looks for an executable on PATH (or at an absolute path). */
export function findProgram(name: string): string | undefined {
  if (name.startsWith('/')) return existsSync(name) ? name : undefined
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const candidate = `${dir}/${name}`
    if (dir && existsSync(candidate)) return candidate
  }
  for (const dir of ['/usr/sbin', '/sbin', '/usr/local/sbin']) {
    if (existsSync(`${dir}/${name}`)) return `${dir}/${name}`
  }
  return undefined
}

/**
 * Checks that `program` exists. Under CI=true a missing program throws (the suite fails);
 * elsewhere it returns `{ available: false, reason }` for `describe.skipIf`, and prints the reason.
 *
 * @example
 * ```ts
 * const lighttpd = requireProgram('lighttpd', 'apt-get install lighttpd')
 * describe.skipIf(!lighttpd.available)(`CGI under lighttpd ${lighttpd.reason}`, () => { ... })
 * ```
 */
export function requireProgram(program: string, installHint: string): Requirement {
  if (findProgram(program)) return { available: true, reason: '' }
  return missing(`${program} is not installed (${installHint})`)
}

/** Same contract as requireProgram, for a condition computed by the caller (a reachable server). */
export function requireCondition(ok: boolean, whatIsMissing: string): Requirement {
  return ok ? { available: true, reason: '' } : missing(whatIsMissing)
}

function missing(reason: string): Requirement {
  if (process.env.CI === 'true') {
    throw new Error(`CI=true forbids skipping: ${reason}`)
  }
  console.warn(`SKIPPED: ${reason}`)
  return { available: false, reason: `(skipped: ${reason})` }
}

/** Synchronous probe used by requireCondition callers, e.g. `pg_isready`. */
export function commandSucceeds(file: string, args: string[]): boolean {
  try {
    execFileSync(file, args, { stdio: 'ignore', timeout: 5000 })
    return true
  } catch {
    return false
  }
}
