/**
 * @module Checks of the environ the probe sees (docs/gateway.md, "The environ"): required keys and
 * their types, latin-1 PATH_INFO, raw QUERY_STRING, CONTENT_* placement, header joining and the
 * underscore rule, and the latin-1 invariant over every string.
 */
import { ConformanceFailure } from './conformance-failure.ts'
import { ensure, ensureEqual, ensureStatus } from './expect.ts'
import type { CheckContext, ConformanceCheck } from './conformance-types.ts'

/** One environ value as the probe describes it (probe-app.ts `describe`). */
interface Described {
  type: string
  value?: unknown
  methods?: string[]
  aborted?: boolean
}

type Dump = Record<string, Described>

async function environOf(
  context: CheckContext,
  path = '/environ',
  headers: [string, string][] = [],
  method = 'GET',
  body = '',
): Promise<Dump> {
  const response = await context.request(method, path, headers, body)
  ensureStatus(response, 200, `the probe's ${path} route`)
  try {
    return JSON.parse(response.body.toString('utf8')) as Dump
  } catch (error) {
    throw new ConformanceFailure(`the probe's environ report is not JSON: ${String(error)}`)
  }
}

function stringValue(dump: Dump, key: string): string | undefined {
  const entry = dump[key]
  return entry?.type === 'string' ? (entry.value as string) : undefined
}

const required: ConformanceCheck = {
  id: 'env.required_keys',
  title: 'environ has every required key with the right type',
  async run(context) {
    const dump = await environOf(context)
    const problems: string[] = []
    const expectType = (key: string, type: string): void => {
      if (dump[key]?.type !== type)
        problems.push(`${key} is ${dump[key]?.type ?? 'missing'}, expected ${type}`)
    }
    for (const key of [
      'REQUEST_METHOD',
      'SCRIPT_NAME',
      'PATH_INFO',
      'QUERY_STRING',
      'SERVER_NAME',
      'SERVER_PORT',
      'SERVER_PROTOCOL',
    ]) {
      expectType(key, 'string')
    }
    for (const key of ['wsgi.multithread', 'wsgi.multiprocess', 'wsgi.run_once'])
      expectType(key, 'boolean')
    if (JSON.stringify(dump['wsgi.version']?.value) !== '[1,0]')
      problems.push(`wsgi.version is ${JSON.stringify(dump['wsgi.version'])}, expected [1, 0]`)
    if (dump['wsgi.multithread']?.value !== false) problems.push('wsgi.multithread must be false')
    if (dump['wsgi.input_terminated']?.value !== true)
      problems.push(
        `wsgi.input_terminated is ${JSON.stringify(dump['wsgi.input_terminated'])}, expected true`,
      )
    const scheme = stringValue(dump, 'wsgi.url_scheme')
    if (scheme !== 'http' && scheme !== 'https')
      problems.push(
        `wsgi.url_scheme is ${JSON.stringify(dump['wsgi.url_scheme'])}, expected 'http' or 'https'`,
      )
    const methods = (key: string, names: string[]): void => {
      const missing = names.filter((name) => !dump[key]?.methods?.includes(name))
      if (dump[key]?.type !== 'object' || missing.length > 0)
        problems.push(`${key} lacks ${missing.join(', ') || 'an object'}`)
    }
    methods('wsgi.input', ['read', 'readline', 'readlines', 'asyncIterator'])
    methods('wsgi.errors', ['write', 'writelines', 'flush'])
    if (dump['gateway.signal']?.type !== 'AbortSignal')
      problems.push(
        `gateway.signal is ${dump['gateway.signal']?.type ?? 'missing'}, expected an AbortSignal`,
      )
    ensureEqual(dump.REQUEST_METHOD?.value, 'GET', 'REQUEST_METHOD')
    ensure(problems.length === 0, problems.join('; '))
  },
}

const pathInfo: ConformanceCheck = {
  id: 'env.path_info_latin1',
  title:
    "PATH_INFO is percent-decoded to latin-1 ('/caf%C3%A9' gives the two bytes as two code units)",
  async run(context) {
    const dump = await environOf(context, '/environ/caf%C3%A9')
    ensureEqual(stringValue(dump, 'PATH_INFO'), '/environ/caf\u00c3\u00a9', 'PATH_INFO')
  },
}

const queryString: ConformanceCheck = {
  id: 'env.query_string_raw',
  title: "QUERY_STRING is raw, without '?' ('a=%20b&c' unchanged)",
  async run(context) {
    const dump = await environOf(context, '/environ?a=%20b&c')
    ensureEqual(stringValue(dump, 'QUERY_STRING'), 'a=%20b&c', 'QUERY_STRING')
    const empty = await environOf(context, '/environ')
    ensureEqual(stringValue(empty, 'QUERY_STRING'), '', 'QUERY_STRING without a query')
  },
}

const contentKeys: ConformanceCheck = {
  id: 'env.content_keys',
  title: 'Content-Type and Content-Length go to CONTENT_TYPE/CONTENT_LENGTH, never HTTP_CONTENT_*',
  async run(context) {
    const dump = await environOf(
      context,
      '/environ',
      [
        ['Content-Type', 'text/plain'],
        ['Content-Length', '5'],
      ],
      'POST',
      'hello',
    )
    ensureEqual(stringValue(dump, 'CONTENT_TYPE'), 'text/plain', 'CONTENT_TYPE')
    ensureEqual(stringValue(dump, 'CONTENT_LENGTH'), '5', 'CONTENT_LENGTH')
    const stray = Object.keys(dump).filter((key) => key.startsWith('HTTP_CONTENT_'))
    ensure(
      stray.length === 0,
      `environ holds ${stray.join(', ')}; these headers belong only in CONTENT_TYPE/CONTENT_LENGTH`,
    )
  },
}

const repeated: ConformanceCheck = {
  id: 'env.repeated_headers',
  title: "repeated request headers are joined with ', ' (Cookie with '; ')",
  async run(context) {
    const dump = await environOf(context, '/environ', [
      ['X-Probe-Multi', 'a'],
      ['X-Probe-Multi', 'b'],
      ['Cookie', 'one=1'],
      ['Cookie', 'two=2'],
    ])
    ensureEqual(stringValue(dump, 'HTTP_X_PROBE_MULTI'), 'a, b', 'HTTP_X_PROBE_MULTI')
    ensureEqual(stringValue(dump, 'HTTP_COOKIE'), 'one=1; two=2', 'HTTP_COOKIE')
  },
}

const underscores: ConformanceCheck = {
  id: 'env.underscore_headers_dropped',
  title: "header names containing '_' are dropped (Foo_Bar cannot pose as Foo-Bar)",
  async run(context) {
    const dump = await environOf(context, '/environ', [
      ['Foo_Bar', 'underscore'],
      ['Foo-Bar', 'hyphen'],
      ['Only_Underscore', 'dropped'],
    ])
    ensureEqual(stringValue(dump, 'HTTP_FOO_BAR'), 'hyphen', 'HTTP_FOO_BAR')
    ensure(
      !('HTTP_ONLY_UNDERSCORE' in dump),
      `HTTP_ONLY_UNDERSCORE is present (${JSON.stringify(dump.HTTP_ONLY_UNDERSCORE)}); a header named with '_' must be dropped`,
    )
  },
}

const latin1: ConformanceCheck = {
  id: 'env.strings_latin1',
  title:
    'every environ string (keys too) holds only code units up to 0xFF; header bytes arrive as latin-1',
  async run(context) {
    // The raw bytes C3 A9 ('é' in UTF-8) in a header value must arrive as two code units.
    const dump = await environOf(context, '/environ/caf%C3%A9%E2%82%AC?q=%E2%82%AC', [
      ['X-Probe-Bytes', 'caf\u00c3\u00a9'],
    ])
    ensureEqual(stringValue(dump, 'HTTP_X_PROBE_BYTES'), 'caf\u00c3\u00a9', 'HTTP_X_PROBE_BYTES')
    const wide: string[] = []
    for (const [key, entry] of Object.entries(dump)) {
      const strings = [key, ...(entry.type === 'string' ? [entry.value as string] : [])]
      for (const value of strings)
        if (/[^\u0000-\u00ff]/.test(value)) wide.push(`${key}: ${JSON.stringify(value)}`)
    }
    ensure(wide.length === 0, `strings with code units above 0xFF: ${wide.join('; ')}`)
  },
}

const errorsText: ConformanceCheck = {
  id: 'env.errors_any_text',
  title: 'wsgi.errors accepts any text (write, writelines, flush) without throwing',
  async run(context) {
    const response = await context.request('GET', '/errors')
    ensureStatus(response, 200, 'writing non-latin-1 text and a lone surrogate to wsgi.errors')
  },
}

/** The environ checks, in the order of docs/gateway.md. */
export const environChecks: readonly ConformanceCheck[] = [
  required,
  pathInfo,
  queryString,
  contentKeys,
  repeated,
  underscores,
  latin1,
  errorsText,
]
