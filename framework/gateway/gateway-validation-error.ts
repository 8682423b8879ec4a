/**
 * @module GatewayValidationError: what the validator throws when either side of the gateway
 * contract (docs/gateway.md) breaks a rule.
 */
import { validatorCodes } from './validator-codes.ts'
import type { ValidatorCode } from './validator-codes.ts'

/**
 * A broken rule of the gateway contract, found by `validator(app)` at run time. `code` is stable
 * (`GW-A..` for the application's side, `GW-S..` for the server's) and listed in docs/gateway.md;
 * the message quotes the culprit and says how to fix it.
 *
 * @example
 * ```ts
 * import { GatewayValidationError } from 'framework/gateway'
 *
 * try {
 *   await handle(request)
 * } catch (error) {
 *   if (error instanceof GatewayValidationError && error.code === 'GW-A05') console.error(error.message)
 * }
 * ```
 */
export class GatewayValidationError extends Error {
  override name = 'GatewayValidationError'
  /** The rule's stable code, e.g. `GW-A05`. */
  readonly code: ValidatorCode
  /** Which side broke the rule: the application (and its middleware) or the server. */
  readonly side: 'application' | 'server'

  constructor(code: ValidatorCode, detail: string, options?: { cause?: unknown }) {
    const rule = validatorCodes[code]
    super(`${code} (${rule.summary}): ${detail}`, options)
    this.code = code
    this.side = rule.side
  }
}
