/**
 * @module Tiny assertions for checks: each throws ConformanceFailure with a reason that says what
 * was expected and what the host produced.
 */
import { ConformanceFailure } from './conformance-failure.ts'
import type { RawResponse } from './response-parser.ts'

/** Fails with `reason` unless `condition` holds. */
export function ensure(condition: unknown, reason: string): asserts condition {
  if (!condition) throw new ConformanceFailure(reason)
}

/** Fails unless `actual` equals `expected` (JSON comparison), quoting both. */
export function ensureEqual(actual: unknown, expected: unknown, what: string): void {
  const [a, e] = [JSON.stringify(actual), JSON.stringify(expected)]
  if (a !== e) throw new ConformanceFailure(`${what}: expected ${e}, got ${a}`)
}

/** Fails unless the response has `status`, quoting the status line and the body's start. */
export function ensureStatus(response: RawResponse, status: number, why: string): void {
  if (response.status !== status) {
    throw new ConformanceFailure(
      `${why}: expected status ${status}, got ${JSON.stringify(response.statusLine)} with body ${JSON.stringify(response.body.subarray(0, 80).toString('latin1'))}`,
    )
  }
}

/** The body as latin-1 text. */
export function text(response: RawResponse): string {
  return response.body.toString('latin1')
}
