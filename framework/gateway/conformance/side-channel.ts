/**
 * @module The side channel between the probe application and the kit: a file whose path the
 * check passes in the query string (`?log=...`). Hosts such as CGI run every request in a new
 * process, so state a check must observe after the response (close() counts, progress under
 * backpressure) cannot live in memory; a file works in every host.
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { setTimeout as delay } from 'node:timers/promises'

/**
 * The probe writes only to paths inside a directory whose name starts with this prefix, so a
 * probe left mounted somewhere cannot be made to write anywhere else.
 */
export const sideChannelDirPrefix = 'gateway-conformance-'

/** True when `path` is a side-channel file the probe may write. */
export function isSideChannelPath(path: string | null | undefined): path is string {
  if (!path || !path.startsWith('/') || path.includes('/../') || path.includes('\0')) return false
  const parts = path.split('/')
  return parts.length >= 3 && (parts[parts.length - 2] ?? '').startsWith(sideChannelDirPrefix)
}

/** Appends one event line (`name` plus optional detail) to the side-channel file. */
export function appendEvent(path: string, name: string, detail: unknown = null): void {
  appendFileSync(path, `${JSON.stringify({ name, detail, at: Date.now() })}\n`)
}

/** Replaces the file's content with one value (the probe's running progress counter). */
export function writeValue(path: string, value: unknown): void {
  writeFileSync(path, JSON.stringify(value))
}

/** One line of the side channel. */
export interface SideEvent {
  name: string
  detail: unknown
  at: number
}

/** Every event written so far ([] when the file does not exist yet). */
export function readEvents(path: string): SideEvent[] {
  if (!existsSync(path)) return []
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as SideEvent]
      } catch {
        return [] // a line being written right now; the next read sees it whole
      }
    })
}

/** The value writeValue() left, or undefined. */
export function readValue(path: string): unknown {
  if (!existsSync(path)) return undefined
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown
  } catch {
    return undefined
  }
}

/**
 * Polls until `ready()` holds or the deadline passes; resolves to whether it held. Polling (not
 * fs.watch) because it behaves the same on every filesystem and in every process layout.
 */
export async function pollUntil(
  ready: () => boolean,
  timeoutMs: number,
  intervalMs = 20,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (ready()) return true
    if (Date.now() >= deadline) return false
    await delay(intervalMs)
  }
}
