/**
 * @module Gunicorn's request-parser fixtures (../shared/conformance/gunicorn-requests/): the
 * `.http` decoder (README.md's five steps, in their order) and a typed reader of expected.json.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'

/** Where the corpus lives (overridable for CI checkouts laid out differently). */
export const FIXTURES_DIR = resolve(
  process.env.GUNICORN_FIXTURES_DIR ?? resolve(import.meta.dirname, '../../../shared/conformance/gunicorn-requests'),
)

/** One request of a valid fixture, as Gunicorn parses it. */
export interface ExpectedRequest {
  method: string
  uri: string
  path: string
  query: string
  fragment?: string
  authority?: string
  version: [number, number]
  headers: [string, string][]
  body: string
  trailers?: [string, string][]
}

/** What Node 20's parser was measured to do with the fixture. */
export interface Node20Outcome {
  outcome: 'parsed' | 'parsed-differently' | 'rejected' | 'accepted' | 'connect-event'
  llhttp_error?: string
  default_requireHostHeader_400?: boolean
  app_called?: boolean
  note?: string
}

/** One expected.json entry. */
export interface FixtureExpectation {
  kind: 'valid' | 'invalid'
  config?: Record<string, unknown>
  requests?: ExpectedRequest[]
  outcome?: 'reject'
  gunicorn_error?: string
  node20: Node20Outcome
}

/** expected.json, keyed by `valid/NAME.http` or `invalid/NAME.http`. */
export function readExpectations(dir = FIXTURES_DIR): Record<string, FixtureExpectation> {
  return JSON.parse(readFileSync(resolve(dir, 'expected.json'), 'utf8')) as Record<string, FixtureExpectation>
}

/** A coded error for a fixture that does not decode (a backslash left over). */
export class BrokenFixtureError extends Error {
  readonly code = 'test.E_BROKEN_FIXTURE'
}

/**
 * The wire bytes of a fixture file's content, per README.md: drop real LFs, then `\r\n`, then
 * `\0` `\n` `\t`, then `\xHH`; no backslash may remain. Works on latin-1 so every byte survives.
 */
export function decodeFixture(file: Buffer, name = 'fixture'): Buffer {
  const text = file
    .toString('latin1')
    .replace(/\n/g, '')
    .replace(/\\r\\n/g, '\r\n')
    .replace(/\\0/g, '\0')
    .replace(/\\n/g, '\n')
    .replace(/\\t/g, '\t')
    .replace(/\\x([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
  if (text.includes('\\')) throw new BrokenFixtureError(`${name}: a backslash is left after decoding`)
  return Buffer.from(text, 'latin1')
}

/** Reads and decodes `valid/NAME.http` or `invalid/NAME.http`. */
export function readFixture(key: string, dir = FIXTURES_DIR): Buffer {
  return decodeFixture(readFileSync(resolve(dir, key)), key)
}

/**
 * The environ-style view of a header list (the gateway's mapping): `HTTP_NAME` (or CONTENT_TYPE /
 * CONTENT_LENGTH), repeats joined with ', ' (Cookie with '; '), names containing '_' dropped.
 */
export function environHeaders(headers: readonly (readonly [string, string])[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of headers) {
    if (name.includes('_')) continue
    const upper = name.toUpperCase().replace(/-/g, '_')
    const key = upper === 'CONTENT_TYPE' || upper === 'CONTENT_LENGTH' ? upper : `HTTP_${upper}`
    const joiner = upper === 'COOKIE' ? '; ' : ', '
    out[key] = key in out ? `${out[key]}${joiner}${value}` : value
  }
  return out
}
