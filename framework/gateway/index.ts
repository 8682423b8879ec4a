/**
 * @module framework/gateway: the contract between servers and applications (docs/gateway.md),
 * its validator, its conformance kit and the hosts that run an application. Imports only node:
 * built-ins, so a server author can use this folder alone.
 */

/** The contract's types. */
export type {
  Application,
  Body,
  CgiEnviron,
  Environ,
  FileWrapper,
  FileWrapperSource,
  GatewayErrors,
  GatewayInput,
  ResponseHeaders,
  StartResponse,
  Write,
  WsgiEnviron,
} from './contract.ts'

/** The validator middleware, its error and its rule codes (docs/gateway.md, "Validator codes"). */
export { validator } from './validator.ts'
export { GatewayValidationError } from './gateway-validation-error.ts'
export { validatorCodes } from './validator-codes.ts'
export type { ValidatorCode, ValidatorRule } from './validator-codes.ts'

/** The conformance kit: checks a server from outside, over real sockets (conformance/). */
export {
  ConformanceError,
  ConformanceFailure,
  ConformanceReport,
  conformanceChecks,
  probe,
  probeApplication,
  runConformance,
} from './conformance/index.ts'
export type {
  CheckContext,
  ConformanceCheck,
  ConformanceErrorCode,
  ConformanceHost,
  ConformanceOptions,
  ConformanceOutcome,
  ConformanceRow,
  ProbeApp,
  RunningHost,
} from './conformance/index.ts'

/** Loading an application by name (`MODULE:ATTR`), for `framework cgi` and `serve`. */
export {
  LoadApplicationError,
  candidatePaths,
  loadApplication,
  parseApplicationSpec,
} from './load-application.ts'
export type { ApplicationSpec } from './load-application.ts'

/** The CGI host (RFC 3875): one request per process, for `framework cgi`. */
export { CgiError, CgiHost, cgiEnviron, cgiVariables, runCgi } from './cgi.ts'
export type { CgiOutput, CgiStreams, RunCgiOptions } from './cgi.ts'
