/**
 * The CGI host under a real CGI web server: Debian's lighttpd runs `bin/framework.js cgi` for
 * every request (a new node process each time), with streamed responses
 * (`server.stream-response-body = 2`), and the gateway conformance kit checks it from outside,
 * one `it` per check, after printing the grid.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { conformanceChecks, runConformance } from '../../framework/gateway/index.ts'
import type { ConformanceHost, ConformanceReport } from '../../framework/gateway/index.ts'
import { startLighttpdCgi } from '../support/lighttpd-cgi.ts'
import type { LighttpdCgi } from '../support/lighttpd-cgi.ts'
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
    const site = await startLighttpdCgi({
      modulePath: probe.modulePath,
      exportName: probe.exportName,
    })
    return { url: site.url, stop: () => site.stop() }
  },
}

describe.skipIf(!lighttpd.available)(
  `conformance of the ${cgiHost.name} ${lighttpd.reason}`,
  () => {
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
  },
)

/** Sends `head` on a new connection and reads until lighttpd closes it (bounded: 30 s). */
function rawExchange(port: number, head: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port })
    const chunks: Buffer[] = []
    socket.setTimeout(30_000, () => socket.destroy(new Error('no close from lighttpd within 30 s')))
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.on('error', reject)
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')))
    socket.write(head)
  })
}

// The n/a reasons above are claims about lighttpd; these tests keep them honest, so an upgrade
// that changes the behaviour shows up here and the check can become a pass.
describe.skipIf(!lighttpd.available)(
  `lighttpd in front of framework cgi (why some checks are n/a) ${lighttpd.reason}`,
  () => {
    let dir = ''
    let site: LighttpdCgi
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'cgi-nature-'))
      writeFileSync(
        join(dir, 'nature.mjs'),
        [
          'const bytes = (text) => new TextEncoder().encode(text)',
          'export function application(environ, startResponse) {',
          "  startResponse('200 OK', [['Content-Type', 'text/plain']])",
          "  if (environ.PATH_INFO === '/header') return [bytes(String(environ.HTTP_FOO_BAR))]",
          '  return (async function* () {',
          "    yield bytes('partial ')",
          '    await new Promise((resolve) => setTimeout(resolve, 200))',
          "    process.kill(process.pid, 'SIGKILL')",
          '  })()',
          '}',
          '',
        ].join('\n'),
      )
      site = await startLighttpdCgi({ modulePath: join(dir, 'nature.mjs') })
    }, 60_000)
    afterAll(async () => {
      await site?.stop()
      rmSync(dir, { recursive: true, force: true })
    })

    it('completes a chunked response normally when the script dies by SIGKILL mid-body', async () => {
      const response = await rawExchange(
        site.port,
        'GET /app.cgi/die HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
      )
      expect(response).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
      expect(response).toMatch(/\r\nTransfer-Encoding: chunked\r\n/i)
      expect(response.endsWith('partial \r\n0\r\n\r\n')).toBe(true)
    })

    it("hands the script 'Foo_Bar' as HTTP_FOO_BAR, like 'Foo-Bar'", async () => {
      const response = await rawExchange(
        site.port,
        'GET /app.cgi/header HTTP/1.1\r\nHost: x\r\nFoo_Bar: smuggled\r\nConnection: close\r\n\r\n',
      )
      expect(response.endsWith('\r\n\r\nsmuggled')).toBe(true)
    })
  },
)
