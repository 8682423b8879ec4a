/**
 * @module The system checks registry: configuration problems found at load, each with a stable id.
 */
import type { Settings } from '../settings-schema.ts'

/** One finding. Ids look like `security.W004`: layer, level letter (E error, W warning), number. */
export interface CheckMessage {
  id: string
  level: 'error' | 'warning' | 'info'
  message: string
  hint?: string
}

/** A check: a pure function of the settings returning its findings. */
export type Check = (settings: Settings) => CheckMessage[]

/**
 * A registry of checks. Not a process global: each application (or test) can own one.
 *
 * @example
 * ```ts
 * const registry = new CheckRegistry()
 * registry.register('security', (s) => (s.DEBUG ? [] : []))
 * const findings = registry.run(settings)
 * ```
 */
export class CheckRegistry {
  readonly #checks: { tag: string; check: Check }[] = []

  /** Adds `check` under `tag` (e.g. `security`, `urls`). */
  register(tag: string, check: Check): void {
    this.#checks.push({ tag, check })
  }

  /** Runs every check (or those of `tags`) and returns all findings, as values. */
  run(settings: Settings, tags?: readonly string[]): CheckMessage[] {
    return this.#checks
      .filter((c) => !tags || tags.includes(c.tag))
      .flatMap((c) => c.check(settings))
  }
}
