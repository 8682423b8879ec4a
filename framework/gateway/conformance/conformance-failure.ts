/**
 * @module The conformance kit's two errors: ConformanceFailure (a check saw the host break a rule;
 * the row fails with its message) and ConformanceError (the kit itself was misused or the host
 * could not start; runConformance rejects with it).
 */

/**
 * A host broke the rule a check verifies. The message is the row's reason: what was sent, what
 * came back and what the contract (docs/gateway.md) expected.
 *
 * @example
 * ```ts
 * import { ConformanceFailure } from 'framework/gateway'
 *
 * if (response.status !== 500) throw new ConformanceFailure(`expected 500, got ${response.status}`)
 * ```
 */
export class ConformanceFailure extends Error {
  override name = 'ConformanceFailure'
  readonly code = 'CONFORMANCE_CHECK_FAILED'
}

/** Stable codes of ConformanceError. */
export type ConformanceErrorCode =
  | 'CONFORMANCE_UNKNOWN_CHECK'
  | 'CONFORMANCE_HOST_START'
  | 'CONFORMANCE_BAD_URL'
  | 'CONFORMANCE_BAD_OPTION'

/**
 * The kit could not run: an unknown check id in `only` or `notApplicable`, a host whose start()
 * failed or returned an unusable URL. The message names the culprit and the fix.
 *
 * @example
 * ```ts
 * import { ConformanceError, runConformance } from 'framework/gateway'
 *
 * await runConformance(host).catch((error) => {
 *   if (error instanceof ConformanceError && error.code === 'CONFORMANCE_HOST_START') process.exit(2)
 *   throw error
 * })
 * ```
 */
export class ConformanceError extends Error {
  override name = 'ConformanceError'
  readonly code: ConformanceErrorCode

  constructor(code: ConformanceErrorCode, message: string, options?: { cause?: unknown }) {
    super(`${code}: ${message}`, options)
    this.code = code
  }
}
