/**
 * @module The smallest application: one function that speaks the gateway contract and nothing
 * else. Run it under any host, e.g. `npx framework cgi examples/hello_world.ts:processHttpRequest`
 * behind a CGI web server, or `toNodeListener(processHttpRequest)` in a node:http server.
 */
import type { Environ, StartResponse } from '../framework/gateway/index.ts'

// Encoded once: the body is bytes (a string is not a body), and every request sends the same ones.
const hello = new TextEncoder().encode('Hello World')

/**
 * Answers every request with `200 OK` and the text `Hello World`.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http'
 * import { toNodeListener } from 'framework/gateway'
 * import { processHttpRequest } from './examples/hello_world.ts'
 *
 * createServer(toNodeListener(processHttpRequest)).listen(8000)
 * ```
 */
export function processHttpRequest(_environ: Environ, startResponse: StartResponse): Uint8Array[] {
  startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']])
  return [hello]
}
