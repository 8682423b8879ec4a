/**
 * The CGI host under a real CGI web server: Debian's lighttpd runs `bin/framework.js cgi` for
 * every request (a new node process each time), with streamed responses
 * (`server.stream-response-body = 2`), and the gateway conformance kit checks it from outside,
 * one `it` per check, after printing the grid.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { conformanceChecks, runConformance } from '../../framework/gateway/index.ts'
import type { ConformanceHost, ConformanceReport } from '../../framework/gateway/index.ts'
import { startLighttpdCgi } from '../support/lighttpd-cgi.ts'
import { requireProgram } from '../support/require-program.ts'

const lighttpd = requireProgram('lighttpd', 'apt-get install lighttpd')

/**
 * Checks a CGI host behind lighttpd cannot honour by nature, each with the reason. Every other
 * check must pass.
 */
const notApplicable: Record<string, string> = {
  'env.underscore_headers_dropped':
    "lighttpd turns both 'Foo_Bar' and 'Foo-Bar' into HTTP_FOO_BAR before the script starts " +
    '(RFC 3875 4.1.18 leaves the mapping to the server, and lighttpd 1.4 has no option to drop ' +
    'such headers), so the CGI process cannot tell them apart',
  'resp.exc_info_after_body':
    'lighttpd frames a CGI body without Content-Length itself (chunked) and ends it normally ' +
    'when the script closes stdout, even when the script exits non-zero or dies by a signal ' +
    '(kill -9 after the first bytes still gives a complete chunked response); RFC 3875 gives a ' +
    'script no way to abort the response. The host does close stdout and exit 1 (test/gateway/cgi.test.ts)',
  'input.expect_100_continue':
    'lighttpd answers Expect: 100-continue itself and mod_cgi starts the script only once the ' +
    'whole request body has arrived; a CGI script has no way to send an interim response',
}

const cgiHost: ConformanceHost = {
  name: 'CGI host (framework cgi under lighttpd mod_cgi)',
  notApplicable,
  async start(probe) {
    const site = await startLighttpdCgi({ modulePath: probe.modulePath, exportName: probe.exportName })
    return { url: site.url, stop: () => site.stop() }
  },
}

describe.skipIf(!lighttpd.available)(`conformance of the ${cgiHost.name} ${lighttpd.reason}`, () => {
  let report: ConformanceReport
  beforeAll(async () => {
    // Each request starts node with tsx (about a second on a busy machine): generous deadlines.
    report = await runConformance(cgiHost, { timeoutMs: 15_000 })
    console.log(report.format())
  }, 600_000)

  for (const check of conformanceChecks) {
    const reason = notApplicable[check.id]
    if (reason !== undefined) {
      it(`${check.id}: n/a under CGI (${reason})`, () => {
        expect(report.row(check.id)?.outcome).toBe('n/a')
      })
      continue
    }
    it(`${check.id}: ${check.title}`, () => {
      const row = report.row(check.id)
      expect(row?.outcome, row?.reason).toBe('pass')
    })
  }
})
