/**
 * @module The validator's environ checks (docs/gateway.md, "The environ"): what a server must
 * hand the application, key by key. Pure: it reads the object and throws on the first broken rule.
 */
import type { Environ } from './contract.ts'
import { GatewayValidationError } from './gateway-validation-error.ts'
import type { ValidatorCode } from './validator-codes.ts'

/** RFC 9110 token: what a method and a header name are made of. */
export const tokenPattern = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

/** Keys every server sets (PEP 3333 lists the same, plus gateway.signal). */
const requiredKeys = [
  'REQUEST_METHOD',
  'SCRIPT_NAME',
  'PATH_INFO',
  'QUERY_STRING',
  'SERVER_NAME',
  'SERVER_PORT',
  'SERVER_PROTOCOL',
  'wsgi.version',
  'wsgi.url_scheme',
  'wsgi.input',
  'wsgi.errors',
  'wsgi.multithread',
  'wsgi.multiprocess',
  'wsgi.run_once',
  'wsgi.input_terminated',
  'gateway.signal',
] as const

/** CGI keys whose values, when present, are strings. */
const cgiStringKeys = [
  'REQUEST_METHOD',
  'SCRIPT_NAME',
  'PATH_INFO',
  'QUERY_STRING',
  'CONTENT_TYPE',
  'CONTENT_LENGTH',
  'SERVER_NAME',
  'SERVER_PORT',
  'SERVER_PROTOCOL',
  'REMOTE_ADDR',
  'REMOTE_PORT',
  'gateway.client_addr',
]

/** Index of the first code unit above 0xFF, or -1: latin-1 strings stand for bytes. */
export function firstNonLatin1(text: string): number {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0xff) return i
  return -1
}

function fail(code: ValidatorCode, detail: string): never {
  throw new GatewayValidationError(code, detail)
}

/**
 * Checks the environ a server passed, before the application sees it. Throws a
 * GatewayValidationError (`GW-S01`…`GW-S21`) naming the key and the fix.
 *
 * @example
 * ```ts
 * checkEnviron(environ) // throws GW-S05 for REQUEST_METHOD ''
 * ```
 */
export function checkEnviron(environ: unknown): asserts environ is Environ {
  if (typeof environ !== 'object' || environ === null) {
    fail('GW-S01', `got ${describe(environ)}; pass a fresh plain object per request.`)
  }
  const proto = Object.getPrototypeOf(environ)
  if (proto !== Object.prototype && proto !== null) {
    // Why: PEP 3333 requires a builtin dict, not a subclass, so middleware can copy it freely.
    fail(
      'GW-S01',
      `got an instance of ${proto?.constructor?.name ?? 'a class'}; pass a plain object ({...}).`,
    )
  }
  const env = environ as Record<string, unknown>
  for (const key of requiredKeys) {
    if (!(key in env))
      fail('GW-S02', `${JSON.stringify(key)} is missing; the server must set it on every request.`)
  }
  const strings: [string, string][] = []
  for (const [key, value] of Object.entries(env)) {
    if (cgiStringKeys.includes(key) || key.startsWith('HTTP_')) {
      if (typeof value !== 'string') {
        fail(
          'GW-S03',
          `${key} is ${describe(value)}; set it to a string (or leave optional keys out).`,
        )
      }
      strings.push([key, value])
    }
    if (key.startsWith('HTTP_') && !/^HTTP_[A-Z0-9_]+$/.test(key)) {
      fail(
        'GW-S13',
        `${JSON.stringify(key)} is not a CGI header key; upper-case the header name and replace '-' with '_'.`,
      )
    }
  }
  for (const [key, value] of strings) {
    const at = firstNonLatin1(value)
    if (at >= 0) {
      fail(
        'GW-S04',
        `${key} holds U+${value.charCodeAt(at).toString(16).toUpperCase().padStart(4, '0')} at index ${at} (${JSON.stringify(value)}); decode the request's bytes as latin-1, one code unit per byte.`,
      )
    }
  }
  const method = env.REQUEST_METHOD as string
  if (!tokenPattern.test(method)) {
    fail(
      'GW-S05',
      `REQUEST_METHOD is ${JSON.stringify(method)}; pass the request line's method, e.g. 'GET'.`,
    )
  }
  const script = env.SCRIPT_NAME as string
  if (script !== '' && (!script.startsWith('/') || script.endsWith('/'))) {
    fail(
      'GW-S06',
      `SCRIPT_NAME is ${JSON.stringify(script)}; use '' for an application mounted at the root, else '/mount' without a trailing '/'.`,
    )
  }
  const path = env.PATH_INFO as string
  if (path !== '' && !path.startsWith('/')) {
    fail(
      'GW-S07',
      `PATH_INFO is ${JSON.stringify(path)}; it must start with '/' (the rest of the percent-decoded path).`,
    )
  }
  if (path === '' && script === '') {
    fail(
      'GW-S07',
      `SCRIPT_NAME and PATH_INFO are both ''; a request for the root has PATH_INFO '/'.`,
    )
  }
  const query = env.QUERY_STRING as string
  if (query.startsWith('?') || query.includes('#')) {
    fail(
      'GW-S08',
      `QUERY_STRING is ${JSON.stringify(query)}; pass what follows '?' in the target, raw, without '?' and without a fragment.`,
    )
  }
  if (!/^[0-9]+$/.test(env.SERVER_PORT as string)) {
    fail(
      'GW-S09',
      `SERVER_PORT is ${JSON.stringify(env.SERVER_PORT)}; pass the port as decimal digits, e.g. '8000'.`,
    )
  }
  if (!/^HTTP\/[0-9](\.[0-9])?$/.test(env.SERVER_PROTOCOL as string)) {
    fail(
      'GW-S10',
      `SERVER_PROTOCOL is ${JSON.stringify(env.SERVER_PROTOCOL)}; pass the request line's version, e.g. 'HTTP/1.1'.`,
    )
  }
  const length = env.CONTENT_LENGTH
  if (typeof length === 'string' && length !== '' && !/^[0-9]+$/.test(length)) {
    fail(
      'GW-S11',
      `CONTENT_LENGTH is ${JSON.stringify(length)}; pass decimal digits, or leave the key out when the length is unknown.`,
    )
  }
  for (const key of ['HTTP_CONTENT_TYPE', 'HTTP_CONTENT_LENGTH']) {
    if (key in env) {
      fail('GW-S12', `${key} is set; put that header in ${key.slice(5)} and leave ${key} out.`)
    }
  }
  const version = env['wsgi.version']
  if (!Array.isArray(version) || version.length !== 2 || version[0] !== 1 || version[1] !== 0) {
    fail('GW-S14', `wsgi.version is ${describe(version)}; set it to [1, 0].`)
  }
  const scheme = env['wsgi.url_scheme']
  if (scheme !== 'http' && scheme !== 'https') {
    fail('GW-S15', `wsgi.url_scheme is ${describe(scheme)}; set 'http' or 'https'.`)
  }
  const input = env['wsgi.input'] as Record<PropertyKey, unknown> | null
  const inputParts = ['read', 'readline', 'readlines', Symbol.asyncIterator] as const
  for (const part of inputParts) {
    if (typeof input !== 'object' || input === null || typeof input[part] !== 'function') {
      fail(
        'GW-S16',
        `wsgi.input (${describe(input)}) has no ${String(part)}() method; pass a GatewayInput.`,
      )
    }
  }
  const errors = env['wsgi.errors'] as Record<string, unknown> | null
  for (const part of ['write', 'writelines', 'flush']) {
    if (typeof errors !== 'object' || errors === null || typeof errors[part] !== 'function') {
      fail(
        'GW-S17',
        `wsgi.errors (${describe(errors)}) has no ${part}() method; pass a GatewayErrors.`,
      )
    }
  }
  for (const key of ['wsgi.multithread', 'wsgi.multiprocess', 'wsgi.run_once']) {
    if (typeof env[key] !== 'boolean')
      fail('GW-S18', `${key} is ${describe(env[key])}; set true or false.`)
  }
  if (env['wsgi.multithread'] !== false) {
    fail(
      'GW-S18',
      `wsgi.multithread is true; JavaScript applications run on one thread, so set false.`,
    )
  }
  if (env['wsgi.input_terminated'] !== true) {
    fail(
      'GW-S19',
      `wsgi.input_terminated is ${describe(env['wsgi.input_terminated'])}; set true (wsgi.input must end by itself).`,
    )
  }
  if (!(env['gateway.signal'] instanceof AbortSignal)) {
    fail(
      'GW-S20',
      `gateway.signal is ${describe(env['gateway.signal'])}; pass an AbortController's signal, aborted when the client goes away.`,
    )
  }
  if ('wsgi.file_wrapper' in env && typeof env['wsgi.file_wrapper'] !== 'function') {
    fail(
      'GW-S21',
      `wsgi.file_wrapper is ${describe(env['wsgi.file_wrapper'])}; set a FileWrapper function or leave the key out.`,
    )
  }
}

/** A short, safe description of any value for an error message. */
export function describe(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)
  if (value === null || value === undefined) return String(value)
  if (typeof value === 'function') return `a function ${value.name || '(anonymous)'}`
  if (value instanceof Uint8Array) return `a ${value.constructor.name} of ${value.byteLength} bytes`
  if (Array.isArray(value)) return `an array of ${value.length}`
  if (typeof value === 'object') return `an object (${value.constructor?.name ?? 'null prototype'})`
  return `${typeof value} ${String(value)}`
}
