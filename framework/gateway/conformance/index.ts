/**
 * @module framework/gateway/conformance: the conformance kit. Checks a server from outside, over
 * real sockets, against docs/gateway.md, using one probe application the server runs. Depends on
 * node: built-ins and the gateway contract only. How to write a ConformanceHost, also for a
 * server in another process (CGI, a pre-fork server), is at the top of run-conformance.ts.
 */
export { runConformance } from './run-conformance.ts'
export { ConformanceReport } from './conformance-report.ts'
export { conformanceChecks } from './conformance-checks.ts'
export { ConformanceError, ConformanceFailure } from './conformance-failure.ts'
export type { ConformanceErrorCode } from './conformance-failure.ts'
export { probe, probeApplication } from './probe-app.ts'
export type {
  CheckContext,
  ConformanceCheck,
  ConformanceHost,
  ConformanceOptions,
  ConformanceOutcome,
  ConformanceRow,
  ProbeApp,
  RunningHost,
} from './conformance-types.ts'
