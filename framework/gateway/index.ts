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

/** Latin-1 and URI helpers (wsgiref.util): bytes as strings, request URLs, PATH_INFO. */
export {
  Latin1Error,
  bytesToLatin1,
  isLatin1,
  latin1ToBytes,
  percentDecodeLatin1,
  toLatin1,
} from './latin1.ts'
export { PathInfoError, applicationUri, requestUri, shiftPathInfo, utf8PathInfo } from './uri.ts'
export { setupTestingDefaults } from './testing-defaults.ts'

/** The host machinery: wsgi.input, wsgi.errors, startResponse's rules and the base host. */
export { InputError, RequestInput } from './input.ts'
export type { InputErrorCode, RequestInputOptions } from './input.ts'
export { ErrorsStream } from './errors-stream.ts'
export type { ErrorsTarget } from './errors-stream.ts'
export { ResponseStart, StartResponseError, checkHeaders, parseStatus } from './start-response.ts'
export type { ParsedStatus, StartResponseErrorCode } from './start-response.ts'
export { BaseHost, ResponseError, hostErrorCodes } from './handler.ts'
export type { BaseHostOptions, Framing, ResponseErrorCode, ResponseHead } from './handler.ts'
export { FileBody, defaultBlockSize, fileWrapper, isFileBody } from './file-wrapper.ts'

/** The hosts: node:http, in-process (the test client's), and Fetch. */
export {
  attachNodeListener,
  cutResponse,
  writeWithBackpressure,
  environFromNodeRequest,
  addHeaderEnviron,
  headerEnviron,
  splitHost,
  splitTarget,
  toNodeListener,
} from './node-http.ts'
export type { NodeEnvironOptions, NodeListenerOptions } from './node-http.ts'
export { callApplication } from './in-process.ts'
export type { InProcessRequest, InProcessResponse } from './in-process.ts'
export { environFromRequest, serveFetchOnNode, toFetchHandler } from './fetch.ts'
export type { FetchHandlerOptions, ServeFetchOptions } from './fetch.ts'

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
  findApplicationFile,
  loadApplication,
  parseApplicationSpec,
} from './load-application.ts'
export type { ApplicationSpec } from './load-application.ts'

/** The CGI host (RFC 3875): one request per process, for `framework cgi`. */
export { CgiError, CgiHost, cgiEnviron, cgiVariables, runCgi } from './cgi.ts'
export type { CgiOutput, CgiStreams, RunCgiOptions } from './cgi.ts'
