/**
 * @module Summarises a V8 .cpuprofile (node --cpu-prof) by the layers of our stack: each sample
 * is charged to the innermost frame that belongs to a known layer (a framework/ folder, the
 * libraries under them, the app), so time spent in Node's internals or V8 builtins on behalf of,
 * say, the template engine counts as template time. Samples with no such frame are Node's own
 * HTTP and socket work, GC, or idle.
 */
import { readFileSync } from 'node:fs'

interface CallFrame {
  functionName: string
  url: string
  lineNumber: number
}

interface ProfileNode {
  id: number
  callFrame: CallFrame
  children?: number[]
}

interface CpuProfile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

/** Layer rules, first match wins; the label is what the summary shows. */
const LAYERS: [RegExp, string][] = [
  [/\/bench\/apps\//, 'app views (bench/apps)'],
  [/\/framework\/server\//, 'server worker: HTTP → environ, response writing (framework/server)'],
  [/\/framework\/gateway\//, 'gateway: start_response, body, input (framework/gateway)'],
  [/\/framework\/http\//, 'HttpRequest / HttpResponse (framework/http)'],
  [/\/framework\/urls\/|\/path-to-regexp\//, 'routing (framework/urls, path-to-regexp)'],
  [/\/framework\/core\/middleware\//, 'middleware (framework/core/middleware)'],
  [/\/framework\/core\//, 'handler (framework/core)'],
  [/\/framework\/views\//, 'views, render() (framework/views)'],
  [/\/framework\/templates\/|\/eta\//, 'template (framework/templates, eta)'],
  [/\/framework\/db\//, 'ORM (framework/db)'],
  [/\/kysely\//, 'ORM: kysely'],
  [/\/better-sqlite3\//, 'ORM: better-sqlite3 (SQLite)'],
  [/\/framework\/conf\//, 'settings (framework/conf)'],
  [/\/tsx\/|\/esbuild\//, 'tsx loader'],
]

function layerOf(frame: CallFrame): string | undefined {
  // eta compiles templates with new Function(): no URL, named "anonymous".
  if (frame.url === '' && frame.functionName === 'anonymous')
    return 'template (framework/templates, eta)'
  for (const [re, label] of LAYERS) if (re.test(frame.url)) return label
  return undefined
}

function unowned(frame: CallFrame): string {
  if (frame.functionName === '(garbage collector)') return 'GC'
  if (frame.functionName === '(idle)') return 'idle (waiting for I/O)'
  if (frame.functionName === '(program)') return 'V8/native outside JS'
  return "Node's HTTP, sockets, timers (no framework frame on the stack)"
}

export interface ProfileSummary {
  totalMs: number
  /** Milliseconds per layer, largest first. */
  layers: [string, number][]
  /** The busiest files (self time, path shortened), for the hot-spot list. */
  files: [string, number][]
}

/** Reads and summarises a .cpuprofile file. */
export function summarizeProfile(file: string): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const owner = new Map<number, string>()
  const ownerOf = (id: number): string => {
    const cached = owner.get(id)
    if (cached) return cached
    let label: string | undefined
    for (let cur: number | undefined = id; cur !== undefined && !label; cur = parent.get(cur)) {
      label = layerOf(byId.get(cur)!.callFrame)
    }
    const result = label ?? unowned(byId.get(id)!.callFrame)
    owner.set(id, result)
    return result
  }
  const layers = new Map<string, number>()
  const files = new Map<string, number>()
  let totalMs = 0
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000
    totalMs += ms
    const label = ownerOf(id)
    layers.set(label, (layers.get(label) ?? 0) + ms)
    const frame = byId.get(id)!.callFrame
    const where = frame.url
      ? `${frame.url.replace(/^.*\/(node_modules\/|framework\/|bench\/)/, '$1')} ${frame.functionName || '(anonymous)'}`
      : frame.functionName
    files.set(where, (files.get(where) ?? 0) + ms)
  })
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1])
  return { totalMs, layers: sorted(layers), files: sorted(files).slice(0, 15) }
}
