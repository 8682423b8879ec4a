/**
 * @module The gateway conformance kit (framework/gateway/conformance) against the real `serve`
 * command, with 1 and with 2 workers: one `it` per check, so a failure names the check. serve
 * runs as a child process on 127.0.0.1 and loads the kit's probe by path (MODULE:ATTR).
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { conformanceChecks, runConformance } from '../../framework/gateway/index.ts'
import type { ConformanceHost, ConformanceReport } from '../../framework/gateway/index.ts'
import { freePort, startServe } from '../support/serve-child.ts'

function serveHost(workers: number): ConformanceHost {
  return {
    name: `serve --workers ${workers}`,
    async start(probe) {
      const port = await freePort()
      const serve = await startServe(
        [`${probe.modulePath}:${probe.exportName}`, '--bind', `127.0.0.1:${port}`, '--workers', String(workers), '--graceful-timeout', '5'],
        { port },
        { readyPath: '/__ready__' },
      )
      return {
        url: `http://127.0.0.1:${port}`,
        stop: async () => {
          const code = await serve.stop()
          if (code !== 0) console.warn(`serve exited with ${code}:\n${serve.output()}`)
        },
      }
    },
  }
}

for (const workers of [1, 2]) {
  describe(`conformance of serve with ${workers} worker(s)`, () => {
    let report: ConformanceReport
    beforeAll(async () => {
      report = await runConformance(serveHost(workers))
      console.log(report.format())
    }, 240_000)

    for (const check of conformanceChecks) {
      it(`${check.id}: ${check.title}`, () => {
        const row = report.row(check.id)
        expect(row?.outcome, row?.reason).toBe('pass')
      })
    }
  })
}
