/**
 * @module What the bench reads about a server's processes from /proc: the tree under a PID, its
 * CPU time (including children already reaped, so CGI processes count too), and each worker's RSS.
 */
import { readdirSync, readFileSync } from 'node:fs'

/** Linux reports CPU times in clock ticks; CLK_TCK is 100 on every architecture Node runs on. */
const TICKS_PER_SECOND = 100

function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name (field 2) may contain spaces and parentheses: split after its last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  } catch {
    return undefined // the process ended while we looked
  }
}

/** The PIDs of `pid` and all its descendants. */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const ppid = Number(statFields(Number(entry))?.[1])
    if (!Number.isNaN(ppid)) children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)])
  }
  const out: number[] = []
  const walk = (p: number): void => {
    out.push(p)
    for (const c of children.get(p) ?? []) walk(c)
  }
  walk(pid)
  return out
}

/**
 * CPU seconds (user + system) of the live tree plus what its members' reaped children used:
 * a worker that was replaced, or lighttpd's CGI processes, still count.
 */
export function treeCpuSeconds(pid: number): number {
  let ticks = 0
  for (const p of processTree(pid)) {
    const f = statFields(p)
    // utime, stime, cutime, cstime are fields 14-17 of stat, 11-14 after the command name.
    if (f) ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])
  }
  return ticks / TICKS_PER_SECOND
}

function command(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim()
  } catch {
    return ''
  }
}

function rssMiB(pid: number): number {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
    return Number(kb ?? 0) / 1024
  } catch {
    return 0
  }
}

/**
 * The processes that serve requests: the tree without helper binaries (tsx's esbuild service),
 * and without the root when it has workers under it (serve's master, a cluster primary,
 * Gunicorn's arbiter).
 */
export function workerPids(pid: number): number[] {
  const tree = processTree(pid).filter((p) => command(p) !== 'esbuild')
  return tree.length > 1 ? tree.slice(1) : tree
}

/** The largest RSS (MiB) among the workers of `pid` right now. */
export function maxWorkerRss(pid: number): number {
  return Math.max(0, ...workerPids(pid).map(rssMiB))
}

/** Samples maxWorkerRss every `intervalMs` until stopped; `stop()` returns the peak seen. */
export function sampleRss(pid: number, intervalMs = 200): { stop(): number } {
  let peak = maxWorkerRss(pid)
  const timer = setInterval(() => (peak = Math.max(peak, maxWorkerRss(pid))), intervalMs)
  return {
    stop() {
      clearInterval(timer)
      return Math.max(peak, maxWorkerRss(pid))
    },
  }
}
