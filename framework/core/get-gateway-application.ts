/**
 * @module getGatewayApplication(): the project as one gateway Application (docs/gateway.md).
 */
import type { Application, Body, Environ, StartResponse } from '../gateway/index.ts'
import type { Settings } from '../conf/index.ts'
import {
  HttpRequest,
  type GatewayResponse,
  type HttpResponseBase,
  type RequestOptions,
} from '../http/index.ts'
import { Handler } from './handler.ts'
import { isPromiseLike, type MaybePromise } from './maybe-promise.ts'
import type { ResolverFactory } from './url-resolution.ts'

/** Options of getGatewayApplication. */
export interface GatewayApplicationOptions {
  /** Builds a resolver from `urlpatterns` (default: the urls/ layer's URLResolver). */
  makeResolver?: ResolverFactory
}

function requestOptions(settings: Settings): RequestOptions {
  return {
    allowedHosts: settings.ALLOWED_HOSTS,
    debug: settings.DEBUG,
    secretKey: settings.SECRET_KEY,
    dataUploadMaxMemorySize: settings.DATA_UPLOAD_MAX_MEMORY_SIZE,
    dataUploadMaxNumberFields: settings.DATA_UPLOAD_MAX_NUMBER_FIELDS,
    fileUploadMaxMemorySize: settings.FILE_UPLOAD_MAX_MEMORY_SIZE,
    ...(settings.FILE_UPLOAD_TEMP_DIR ? { fileUploadTempDir: settings.FILE_UPLOAD_TEMP_DIR } : {}),
  }
}

/**
 * Turns validated settings into a gateway Application: environ → HttpRequest → middleware →
 * resolver → view → startResponse + body. Streaming bodies and their close() pass through; every
 * error becomes a response; temporary upload files are removed when the server closes the body.
 *
 * @example
 * ```ts
 * // project/wsgi.ts
 * import { getGatewayApplication } from '../framework/index.ts'
 * import { settings } from './settings.ts'
 *
 * export const application = getGatewayApplication(settings)
 * ```
 */
export function getGatewayApplication(
  settings: Settings,
  options: GatewayApplicationOptions = {},
): Application {
  const handler = new Handler(
    settings,
    options.makeResolver ? { makeResolver: options.makeResolver } : {},
  )
  const opts = requestOptions(settings)
  const finalize = { secretKey: settings.SECRET_KEY }

  function prepare(
    request: HttpRequest,
    response: HttpResponseBase,
    environ: Environ,
  ): MaybePromise<GatewayResponse> {
    // Uploads reach temporary files only once the body is parsed, which a streaming body may
    // still do; otherwise nothing to clean up, and close() has nothing to run.
    if (request.bodyParseStarted || response.streaming) response.onClose(() => request.cleanup())
    return response.gatewayResponse(environ, finalize)
  }

  /** Starts the response; a startResponse that refuses our headers gets a 500 with excInfo. */
  function start(
    request: HttpRequest,
    environ: Environ,
    startResponse: StartResponse,
    out: GatewayResponse,
  ): MaybePromise<Body> {
    try {
      startResponse(out.status, out.headers)
    } catch (error) {
      // startResponse rejected our headers (contract rule): answer 500 instead, with excInfo.
      return restart(request, environ, startResponse, out, error)
    }
    return out.body
  }

  async function restart(
    request: HttpRequest,
    environ: Environ,
    startResponse: StartResponse,
    refused: GatewayResponse,
    error: unknown,
  ): Promise<Body> {
    await refused.body.close?.()
    const out = await prepare(request, await handler.serverError(request, error), environ)
    startResponse(out.status, out.headers, error)
    return out.body
  }

  /** toGateway failed (a FileResponse whose file vanished, a signed cookie without a key...). */
  async function failed(
    request: HttpRequest,
    environ: Environ,
    startResponse: StartResponse,
    error: unknown,
  ): Promise<Body> {
    const out = await prepare(request, await handler.serverError(request, error), environ)
    return start(request, environ, startResponse, out)
  }

  function answer(
    request: HttpRequest,
    environ: Environ,
    startResponse: StartResponse,
    response: HttpResponseBase,
  ): MaybePromise<Body> {
    let out: MaybePromise<GatewayResponse>
    try {
      // Opt-in hook for the test Client (template name and context assertions); hosts never set it.
      const capture = environ['framework.test_capture']
      if (typeof capture === 'function') capture(response)
      out = prepare(request, response, environ)
    } catch (error) {
      return failed(request, environ, startResponse, error)
    }
    if (!isPromiseLike(out)) return start(request, environ, startResponse, out)
    return Promise.resolve(out).then(
      (ready) => start(request, environ, startResponse, ready),
      (error: unknown) => failed(request, environ, startResponse, error),
    )
  }

  // Not async: when the middleware and the view answer at once, so does the application (the
  // body, not a promise of it), which saves the host a turn of the event loop (maybe-promise.ts).
  return (environ: Environ, startResponse: StartResponse) => {
    const request = new HttpRequest(environ, opts)
    const response = handler.respond(request)
    if (!isPromiseLike(response)) return answer(request, environ, startResponse, response)
    return Promise.resolve(response).then((ready) => answer(request, environ, startResponse, ready))
  }
}
