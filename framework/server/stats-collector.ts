/**
 * @module Gathering metrics snapshots from the workers for the control socket's `stats`: one
 * question per live worker, answers matched by id, a bounded wait, and the final snapshots of
 * workers that left (id 0), so totals never go backwards when a worker is recycled.
 */

/**
 * Pending questions and retired workers' final counters.
 *
 * @example
 * ```ts
 * const stats = new StatsCollector()
 * const snapshots = await stats.collect(liveWorkers, (w, id) => send(w, { t: 'stats', id }))
 * ```
 */
export class StatsCollector {
  readonly #waiters = new Map<number, (stats: unknown) => void>()
  readonly #retired: unknown[] = []
  #seq = 0

  /** An answer from a worker; id 0 is a leaving worker's final snapshot. */
  receive(id: number, stats: unknown): void {
    if (id === 0) {
      if (stats !== undefined) this.#retired.push(stats)
    } else this.#waiters.get(id)?.(stats)
  }

  /** Asks each of `workers` through `ask` and waits at most `timeoutMs` for the answers. */
  async collect<W>(
    workers: readonly W[],
    ask: (worker: W, id: number) => void,
    timeoutMs = 1000,
  ): Promise<unknown[]> {
    const answers = workers.map((worker) => {
      const id = ++this.#seq
      return new Promise<unknown>((resolve) => {
        const done = (stats: unknown): void => {
          clearTimeout(timer)
          this.#waiters.delete(id)
          resolve(stats)
        }
        const timer = setTimeout(() => done(undefined), timeoutMs)
        this.#waiters.set(id, done)
        ask(worker, id)
      })
    })
    const live = (await Promise.all(answers)).filter((s) => s !== undefined)
    return [...live, ...this.#retired]
  }
}
