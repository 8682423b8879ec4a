/**
 * The bench harness must not rot: one tiny round of `bench/run.ts` on the raw node:http
 * configuration, through autocannon (always installed) and wrk's report parser on a sample.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { parseWrk } from '../../bench/lib/load-generator.ts'
import { renderChart } from '../../bench/lib/svg-chart.ts'
import { runBenchScript } from '../support/bench-script.ts'

const root = resolve(import.meta.dirname, '../..')
const out = mkdtempSync(join(tmpdir(), 'bench-smoke-'))
afterAll(() => rmSync(out, { recursive: true, force: true }))

const run = (args: string[]) => runBenchScript('run.ts', args)

describe('bench/run.ts', () => {
  it('runs one tiny round and writes a report with figures and a chart', async () => {
    const r = await run([
      '--only',
      'node-http-1',
      '--workloads',
      'W1',
      '--rounds',
      '1',
      '--duration',
      '1',
      '--warmup',
      '1',
      '--loader',
      'autocannon',
      '--out',
      out,
    ])
    expect(r.stderr).not.toMatch(/round 1 node:http ×1: /) // a failed turn prints its error that way
    expect(r.code).toBe(0)
    const files = readdirSync(out)
    const md = files.find((f) => f.endsWith('.md'))
    const svg = files.find((f) => f.endsWith('.svg'))
    expect(md && svg).toBeTruthy()
    const text = readFileSync(join(out, md!), 'utf8')
    const row = /^\| node:http ×1 \| 1 \| ([\d,.]+) \|/m.exec(text)
    expect(row, text).not.toBeNull()
    expect(Number(row![1]!.replace(/,/g, ''))).toBeGreaterThan(100)
    expect(text).toContain(`](${svg})`)
    expect(readFileSync(join(out, svg!), 'utf8')).toMatch(
      /<svg[^>]*>[\s\S]*node:http ×1[\s\S]*<\/svg>/,
    )
  }, 60_000)

  it('runs the peers compiled, with plain node and no tsx, as serve runs its workers', async () => {
    const { CONFIGURATIONS, precompilePeers } = await import('../../bench/lib/configurations.ts')
    const ctx = { root, db: join(out, 'db.sqlite3'), scratch: out }
    const nodeHttp = CONFIGURATIONS.find((c) => c.id === 'node-http-1')!
    expect(nodeHttp.launch(8000, ctx).args.slice(0, 2)).toEqual(['--import', 'tsx'])
    expect(await precompilePeers(root)).toBeGreaterThanOrEqual(3)
    const args = nodeHttp.launch(8000, ctx).args
    expect(args[0]).toMatch(/bench\/apps\/node-http\.mjs$/)
    expect(args).not.toContain('--import')
    // serve's primary still starts through tsx: it compiles the application for its workers.
    const serve = CONFIGURATIONS.find((c) => c.id === 'framework-1')!.launch(8000, ctx)
    expect(serve.args.slice(0, 2)).toEqual(['--import', 'tsx'])
  }, 60_000)

  it('rejects an unknown configuration with one line and a hint', async () => {
    const r = await run(['--only', 'nope', '--out', out])
    expect(r.code).toBe(2)
    expect(r.stderr.trim()).toBe(
      'bench: unknown configuration "nope" in --only (npm run bench -- --list shows them)',
    )
  })
})

describe('parseWrk', () => {
  it('reads requests, percentiles in any unit, and counts non-2xx and failed sockets', () => {
    const report = `Running 4s test @ http://127.0.0.1:8000/plaintext
  1 threads and 50 connections
  Latency Distribution
     50%  435.00us
     75%  600.00us
     90%    1.01ms
     99%    2.50s
  120000 requests in 4.00s, 14.13MB read
  Socket errors: connect 1, read 7, write 2, timeout 3
  Non-2xx or 3xx responses: 12
Requests/sec:  30000.00
`
    expect(parseWrk(report)).toEqual({
      requests: 120000,
      seconds: 4,
      rps: 30000,
      p50Ms: 0.435,
      p99Ms: 2500,
      errors: 6,
      bad: 12,
    })
  })
})

describe('renderChart', () => {
  it('draws bars on a log scale, so a value 1000x smaller is still visible and labelled', () => {
    const svg = renderChart('t', [
      {
        title: 'W1',
        bars: [
          { label: 'a', value: 10_000, family: 'baseline' },
          { label: 'cgi <x>', value: 10, family: 'cgi' },
        ],
      },
    ])
    const widths = [...svg.matchAll(/<rect x="250" y="[\d.]+" width="([\d.]+)"/g)].map((m) =>
      Number(m[1]),
    )
    expect(widths).toHaveLength(2)
    expect(widths[1]).toBeGreaterThan(widths[0]! / 10) // linear would give 1/1000
    expect(svg).toContain('cgi &lt;x&gt;')
  })
})
