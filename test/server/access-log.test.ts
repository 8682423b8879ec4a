/** @module Tests of access-log.ts: the atoms, the combined default, escaping and JSON. */
import { describe, expect, it } from 'vitest'
import {
  AccessLogFormatError,
  COMBINED_FORMAT,
  compileAccessLogFormat,
  escapeLogText,
  formatAccessLogJson,
  type AccessLogEntry,
} from '../../framework/server/access-log.ts'

const entry = (over: Partial<AccessLogEntry> = {}): AccessLogEntry => ({
  remoteAddr: '192.0.2.9',
  method: 'GET',
  url: '/a/b?x=1',
  protocol: 'HTTP/1.1',
  status: 200,
  responseBytes: 1234,
  requestHeaders: { referer: 'https://r.example/', 'user-agent': 'curl/8', authorization: `Basic ${Buffer.from('alice:pw').toString('base64')}`, 'x-request-id': 'abc' },
  responseHeaders: { 'content-type': 'text/plain' },
  start: new Date(2026, 10, 25, 13, 55, 36),
  durationUs: 1_500_250,
  pid: 4242,
  ...over,
})

describe('compileAccessLogFormat', () => {
  it('writes Apache combined by default', () => {
    const line = compileAccessLogFormat()(entry())
    expect(COMBINED_FORMAT).toBe('%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"')
    expect(line).toMatch(/^192\.0\.2\.9 - alice \[25\/Nov\/2026:13:55:36 [+-]\d{4}\] "GET \/a\/b\?x=1 HTTP\/1\.1" 200 1234 "https:\/\/r\.example\/" "curl\/8"$/)
  })
  it('has the timing, process and split atoms', () => {
    const line = compileAccessLogFormat('%(D)s %(T)s %(M)s %(L)s %(p)s %(m)s %(U)s %(q)s %(H)s %(B)s')(entry())
    expect(line).toBe('1500250 1 1500 1.500250 <4242> GET /a/b x=1 HTTP/1.1 1234')
  })
  it('reads request headers, response headers and environ keys by name', () => {
    const line = compileAccessLogFormat('%({X-Request-Id}i)s %({Content-Type}o)s %({wsgi.url_scheme}e)s %({missing}i)s')(entry({ environ: { 'wsgi.url_scheme': 'https' } }))
    expect(line).toBe('abc text/plain https -')
  })
  it('prints "-" for an empty body with %(b)s and 0 with %(B)s', () => {
    expect(compileAccessLogFormat('%(b)s %(B)s')(entry({ responseBytes: 0 }))).toBe('- 0')
  })
  it('escapes quotes, backslashes and line breaks coming from the client', () => {
    const line = compileAccessLogFormat()(entry({ requestHeaders: { 'user-agent': 'x" \\ \r\nFAKE 200' } }))
    expect(line).not.toMatch(/[\r\n]/)
    expect(line).toContain('"x\\" \\\\ \\x0d\\x0aFAKE 200"')
  })
  it('throws a coded error naming an unknown atom', () => {
    expect(() => compileAccessLogFormat('%(h)s %(zz)s')).toThrow(AccessLogFormatError)
    expect(() => compileAccessLogFormat('%(zz)s')).toThrow(/"zz"/)
  })
  it('selects the JSON format by the word json', () => {
    expect(compileAccessLogFormat('json')).toBe(formatAccessLogJson)
  })
})

describe('formatAccessLogJson', () => {
  it('is one parseable line even with control characters and U+2028 in client data', () => {
    const line = formatAccessLogJson(entry({ url: '/\u2028x"\n', requestHeaders: { 'user-agent': 'a\u0000b' } }))
    expect(line).not.toMatch(/[\n\r\u2028]/)
    const parsed = JSON.parse(line)
    expect(parsed).toMatchObject({ url: '/\u2028x"\n', user_agent: 'a\u0000b', status: 200, bytes: 1234, duration_us: 1500250, remote_addr: '192.0.2.9' })
  })
})

describe('escapeLogText', () => {
  it('turns bytes above 0x7e into \\xHH', () => {
    expect(escapeLogText('caf\u00e9')).toBe('caf\\xe9')
  })
})
