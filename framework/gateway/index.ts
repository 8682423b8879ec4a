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
