/**
 * @module validator(app): wsgiref.validate for the gateway contract. It sits between any server
 * and any application and checks both sides at run time; each broken rule throws a
 * GatewayValidationError with a stable code (docs/gateway.md, "Validator codes"). Server-side
 * faults found after the application started are also written to wsgi.errors, since the
 * application may swallow the throw.
 *
 * Checklist, in the order of docs/gateway.md:
 *
 * The application
 * - GW-A01 validator() is given a function.
 * The environ (checked before the application runs)
 * - GW-S01 a plain object; GW-S02 every required key present.
 * - GW-S03 CGI keys, HTTP_* keys and gateway.client_addr are strings; GW-S04 all latin-1.
 * - GW-S05 REQUEST_METHOD a token; GW-S06 SCRIPT_NAME '' or '/x' without trailing '/';
 *   GW-S07 PATH_INFO '' or '/…', not both empty; GW-S08 QUERY_STRING without '?' or '#'.
 * - GW-S09 SERVER_PORT digits; GW-S10 SERVER_PROTOCOL 'HTTP/x.y'; GW-S11 CONTENT_LENGTH digits.
 * - GW-S12 no HTTP_CONTENT_TYPE / HTTP_CONTENT_LENGTH; GW-S13 HTTP_* keys upper-case, '_' only.
 * - GW-S14 wsgi.version [1, 0]; GW-S15 wsgi.url_scheme http|https; GW-S16 wsgi.input's methods;
 *   GW-S17 wsgi.errors' methods; GW-S18 the three booleans (multithread false);
 *   GW-S19 wsgi.input_terminated true; GW-S20 gateway.signal an AbortSignal;
 *   GW-S21 wsgi.file_wrapper a function when present; GW-S22 startResponse a function.
 * wsgi.input
 * - GW-S23 resolves to Uint8Array; GW-S24 never more than asked, readline one line at most;
 *   GW-S25 only empty chunks after the end; GW-S26 never more than CONTENT_LENGTH in all.
 * - GW-A02 integer size/hint arguments; GW-A03 one read at a time, awaited.
 * wsgi.errors
 * - GW-A04 strings only.
 * startResponse
 * - GW-A05 status "NNN Reason"; GW-A06 headers a real array; GW-A07 [string, string] pairs;
 *   GW-A08 names are tokens; GW-A09 values latin-1, no controls but TAB; GW-A10 no hop-by-hop;
 *   GW-A11 no Status header; GW-A12 a second call needs excInfo; GW-A13 excInfo an Error;
 *   GW-A14 no call after the body ended.
 * - GW-S27 returns write; GW-S28 with excInfo after the head was sent, it rethrows.
 * write()
 * - GW-A15 a Uint8Array; GW-A16 awaited before the next output; GW-A17 not after the return.
 * The body
 * - GW-A18 not a string; GW-A19 not a bare Uint8Array/ArrayBuffer; GW-A20 an (async) iterable;
 *   GW-A21 close a function when present; GW-A22 Uint8Array chunks; GW-A23 startResponse before
 *   the first non-empty chunk; GW-A24 startResponse before the end.
 * - GW-S29 one pull at a time; GW-S30 close() exactly once (twice is caught; never cannot be);
 *   GW-S31 no pull after close().
 * Content-Length and bodiless responses
 * - GW-A25 a valid, consistent Content-Length; GW-A26 not exceeded; GW-A27 not fallen short of;
 *   GW-A28 no body for HEAD; GW-A29 no body for 1xx, 204, 304.
 */
import type { Application, Body, Environ, StartResponse } from './contract.ts'
import { GatewayValidationError } from './gateway-validation-error.ts'
import { checkBodyShape, checkedBody } from './validator-body.ts'
import { checkEnviron, describe } from './validator-environ.ts'
import { checkedStartResponse, newResponseState } from './validator-response.ts'
import { checkedErrors, checkedInput } from './validator-streams.ts'

/**
 * Wraps `app` so that every request checks both sides of the gateway contract. Use it in tests
 * and development (it costs a wrapper per stream and per chunk); a violation throws a
 * GatewayValidationError whose `code` docs/gateway.md explains.
 *
 * @param app any gateway application (or middleware stack)
 * @returns an application that behaves like `app`, or throws on the first broken rule
 *
 * @example
 * ```ts
 * import { validator } from 'framework/gateway'
 * import type { Application } from 'framework/gateway'
 *
 * const hello: Application = (environ, startResponse) => {
 *   startResponse('200 OK', [['Content-Type', 'text/plain']])
 *   return [new TextEncoder().encode('Hello')]
 * }
 * export const application = validator(hello)
 * ```
 */
export function validator(app: Application): Application {
  if (typeof app !== 'function') {
    throw new GatewayValidationError(
      'GW-A01',
      `validator() got ${describe(app)}; pass the application function (environ, startResponse) => body.`,
    )
  }
  return async function validated(environ: Environ, startResponse: StartResponse): Promise<Body> {
    checkEnviron(environ)
    if (typeof startResponse !== 'function') {
      throw new GatewayValidationError(
        'GW-S22',
        `the application was called with startResponse ${describe(startResponse)}; pass a function.`,
      )
    }
    const errors = environ['wsgi.errors']
    const serverFault = (error: GatewayValidationError): never => {
      // Why: the throw may land in application code that catches everything; the log does not.
      try {
        errors.write(`${error.message}\n`)
      } catch {
        // A broken errors stream must not hide the violation itself.
      }
      throw error
    }
    const state = newResponseState(environ.REQUEST_METHOD)
    const declared = environ.CONTENT_LENGTH
    const checkedEnviron: Environ = {
      ...environ,
      'wsgi.input': checkedInput(
        environ['wsgi.input'],
        declared ? Number(declared) : undefined,
        serverFault,
      ),
      'wsgi.errors': checkedErrors(errors),
    }
    const body: unknown = await app(
      checkedEnviron,
      checkedStartResponse(startResponse, state, serverFault),
    )
    state.returned = true
    try {
      if (state.pendingWrite) {
        throw new GatewayValidationError(
          'GW-A16',
          'the application returned while a write() was still pending; await every write() before returning the body.',
        )
      }
      checkBodyShape(body)
      return checkedBody(body, state, serverFault)
    } catch (error) {
      // Why: the server never sees a body it could close, so release the application's now.
      const close = (body as { close?: unknown } | null)?.close
      if (typeof close === 'function') {
        try {
          await close.call(body)
        } catch {
          // The violation is the error worth reporting; a failing close() must not replace it.
        }
      }
      throw error
    }
  }
}
