/**
 * A worker's memory stays bounded under many requests. Before, `--request-timeout` combined
 * signals with `AbortSignal.any`, which Node 20 keeps alive until it aborts: every request's
 * IncomingMessage, ServerResponse and environ stayed reachable (about 17 KB each, 340 MB per
 * 20,000 requests). The bound below is generous (a healthy worker grows by a few MB while V8's
 * heap settles) and far below what the leak produced.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { repoRoot, startServe, workerPids, type ServeRun } from './serve-harness.ts'

interface AutocannonResult {
  errors: number
  timeouts: number
  non2xx: number
  '2xx': number
}
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon

const runs: ServeRun[] = []
afterEach(async () => {
  await Promise.all(runs.splice(0).map((r) => r.stop('SIGKILL')))
})

function rssMiB(pid: number): number {
  const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
  return Number(kb) / 1024
}

describe('serve worker memory', { timeout: 120_000 }, () => {
  it.runIf(process.platform === 'linux')(
    'grows by less than 64 MiB over 20,000 requests with --request-timeout set',
    async () => {
      const run = await startServe(['--bind', '127.0.0.1:0', '-w', '1', '--request-timeout', '30'], {
        app: `${join(repoRoot, 'examples/hello_world.ts')}:processHttpRequest`,
      })
      runs.push(run)
      const [worker] = workerPids(run.log())
      const send = (amount: number) =>
        autocannon({ url: `${run.url}/`, connections: 20, amount, timeout: 10 })
      // Warm-up: JIT, V8's young generation and node's buffers reach their working size.
      await send(5000)
      const before = rssMiB(worker!)
      const result = await send(20_000)
      const after = rssMiB(worker!)
      const detail = `RSS ${before.toFixed(1)} -> ${after.toFixed(1)} MiB; ${JSON.stringify(result)}`
      expect(result['2xx'], detail).toBe(20_000)
      expect(after - before, detail).toBeLessThan(64)
    },
  )
})
