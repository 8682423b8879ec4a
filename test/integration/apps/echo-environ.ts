/**
 * @module A gateway application for integration tests: answers with the environ keys a proxy
 * setup changes (scheme, host, client address, peer, script name, forwarded headers), as JSON.
 */
import type { Application } from '../../../framework/gateway/index.ts'

const keys = [
  'REQUEST_METHOD',
  'PATH_INFO',
  'SCRIPT_NAME',
  'REMOTE_ADDR',
  'HTTP_HOST',
  'wsgi.url_scheme',
  'gateway.client_addr',
  'HTTP_X_FORWARDED_FOR',
  'HTTP_X_FORWARDED_PROTO',
] as const

/** Echoes the proxy-relevant environ keys as a JSON object. */
export const application: Application = (environ, startResponse) => {
  const seen: Record<string, unknown> = {}
  for (const key of keys) seen[key] = environ[key] ?? null
  startResponse('200 OK', [['Content-Type', 'application/json']])
  return [new TextEncoder().encode(JSON.stringify(seen))]
}
