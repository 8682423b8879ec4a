/**
 * @module Every check of the kit, in report order. Ids are stable: hosts name them in
 * `notApplicable`, and a retired check keeps its id unused.
 */
import { closeChecks } from './checks-close.ts'
import { environChecks } from './checks-environ.ts'
import { inputChecks } from './checks-input.ts'
import { responseChecks } from './checks-response.ts'
import { streamingChecks } from './checks-streaming.ts'
import type { ConformanceCheck } from './conformance-types.ts'

/**
 * The checks runConformance runs, in order.
 *
 * @example
 * ```ts
 * import { conformanceChecks } from 'framework/gateway'
 *
 * for (const check of conformanceChecks) console.log(check.id, check.title)
 * ```
 */
export const conformanceChecks: readonly ConformanceCheck[] = [
  ...environChecks,
  ...responseChecks,
  ...closeChecks,
  ...streamingChecks,
  ...inputChecks,
]
