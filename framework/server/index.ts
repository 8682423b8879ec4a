/**
 * @module framework/server: `serve`, the pre-fork production server. The primary (Arbiter),
 * the worker, binds, settings and configuration, and the HTTP-edge helpers they use.
 */

/** Running serve. */
export { runServe, usage } from './main.ts'
export type { ServeProcess } from './main.ts'
export { Arbiter, SIGNAL_ACTIONS } from './arbiter.ts'
export type {
  ArbiterOptions,
  ArbiterStatus,
  ServeSignal,
  SignalSource,
  WorkerState,
  WorkerStatus,
} from './arbiter.ts'
export { Worker } from './worker.ts'
export type { WorkerOptions, FinishedRequest } from './worker.ts'
export { createServeHost } from './serve-host.ts'
export type { Exchange, HostFactory, EnvironHook, RequestListener } from './serve-host.ts'

/** Configuration: one declaration per setting, config files, the command line. */
export {
  SETTINGS,
  SettingError,
  findSetting,
  resolveSettings,
  DEFAULT_ACCESS_LOG_FORMAT,
} from './settings.ts'
export type { ServeSettings, PartialSettings, SettingSpec, SettingKind } from './settings.ts'
export {
  defineConfig,
  loadServeConfig,
  loadConfigFile,
  parseArgs,
  splitArgs,
  UsageError,
  ConfigFileError,
} from './config.ts'
export type {
  ServeConfig,
  ServeHooks,
  ArbiterHookContext,
  WorkerHookContext,
  LoadedConfig,
  ConfigSources,
} from './config.ts'

/** Sockets, process files and operations. */
export { parseBind, formatBind, systemdBinds, openListener, BindError } from './binds.ts'
export type { BindSpec, Listener } from './binds.ts'
export { Pidfile, PidfileError } from './pidfile.ts'
export { openControlSocket } from './control-socket.ts'
export { openMetricsEndpoint } from './metrics-endpoint.ts'
export type { ControlCommand } from './control-socket.ts'
export { createSdNotify } from './sd-notify.ts'
export type { Notify } from './sd-notify.ts'
export { watchForChanges } from './reload.ts'
export { createErrorLog, LOG_LEVELS } from './error-log.ts'
export type { ErrorLog, LogLevel } from './error-log.ts'

/** The HTTP edge: limits, trusted proxies, PROXY protocol, access log, request ids, metrics (docs/server-http.md). */
export {
  checkRequestHead,
  checkTrailers,
  guardRequest,
  guardBody,
  sendRejection,
  rejectionBytes,
  handleClientError,
  nodeServerOptions,
  applyServerLimits,
  httpLimitsFromSettings,
  defaultHttpLimits,
  BodyTooLargeError,
  ForbiddenTrailerError,
} from './http-limits.ts'
export type { HttpLimits, HttpLimitSettings, HttpRejection, RequestHead } from './http-limits.ts'
export {
  TrustedProxies,
  resolveForwarded,
  isForwardedRejection,
  forwardedEnviron,
  ForwardedAllowIpsError,
} from './proxy.ts'
export type { ForwardedInfo, ForwardedInput, ForwardedRejection } from './proxy.ts'
export { parseProxyHeader, acceptProxyProtocol, proxyHeaderOf } from './proxy-protocol.ts'
export type { ProxyHeader, ProxyParse, ProxyProtocolOptions } from './proxy-protocol.ts'
export {
  compileAccessLogFormat,
  formatAccessLogJson,
  escapeLogText,
  formatLogTime,
  COMBINED_FORMAT,
  AccessLogFormatError,
} from './access-log.ts'
export type { AccessLogEntry } from './access-log.ts'
export {
  requestIdFor,
  isSaneRequestId,
  REQUEST_ID_HEADER,
  REQUEST_ID_ENVIRON_KEY,
} from './request-id.ts'
export {
  WorkerMetrics,
  mergeMetrics,
  renderPrometheus,
  emptySnapshot,
  LATENCY_BUCKETS,
} from './metrics.ts'
export type { MetricsSnapshot } from './metrics.ts'
