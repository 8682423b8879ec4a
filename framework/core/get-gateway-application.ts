/**
 * @module getGatewayApplication(): the project as one gateway Application (docs/gateway.md).
 */
import type { Application, Environ, StartResponse } from '../gateway/index.ts'
import type { Settings } from '../conf/index.ts'
import {
  HttpRequest,
  type GatewayResponse,
  type HttpResponseBase,
  type RequestOptions,
} from '../http/index.ts'
import { Handler } from './handler.ts'
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
  ): Promise<GatewayResponse> {
    // Uploads reach temporary files only once the body is parsed, which a streaming body may
    // still do; otherwise nothing to clean up, and close() has nothing to run.
    if (request.bodyParseStarted || response.streaming) response.onClose(() => request.cleanup())
    return response.toGateway(environ, finalize)
  }

  return async (environ: Environ, startResponse: StartResponse) => {
    const request = new HttpRequest(environ, opts)
    let out: GatewayResponse
    try {
      const response = await handler.handle(request)
      // Opt-in hook for the test Client (template name and context assertions); hosts never set it.
      const capture = environ['framework.test_capture']
      if (typeof capture === 'function') capture(response)
      out = await prepare(request, response, environ)
    } catch (error) {
      // toGateway failed (a FileResponse whose file vanished, a signed cookie without a key...).
      out = await prepare(request, await handler.serverError(request, error), environ)
    }
    try {
      startResponse(out.status, out.headers)
    } catch (error) {
      // startResponse rejected our headers (contract rule): answer 500 instead, with excInfo.
      await out.body.close?.()
      out = await prepare(request, await handler.serverError(request, error), environ)
      startResponse(out.status, out.headers, error)
    }
    return out.body
  }
}
