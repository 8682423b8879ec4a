/**
 * @module The middleware protocol, as in Django: a factory wraps `getResponse` and returns a
 * handler, which may carry `processView` and `processException` hooks.
 */
import type { HttpRequest, HttpResponseBase, ViewFunction } from '../http/index.ts'
import type { Settings } from '../conf/index.ts'

/** Calls the rest of the stack (the next middleware, or the view). */
export type GetResponse = (request: HttpRequest) => Promise<HttpResponseBase>

/** What a middleware factory receives besides `getResponse`. */
export interface MiddlewareContext {
  settings: Settings
  /** True when `path` matches a route (CommonMiddleware's APPEND_SLASH uses it). */
  isValidPath(path: string): Promise<boolean>
}

/** The handler a factory returns: called for every request, with optional hooks. */
export interface MiddlewareHandler {
  (request: HttpRequest): HttpResponseBase | Promise<HttpResponseBase>
  /** Called after resolving, before the view; a returned response short-circuits the view. */
  processView?(
    request: HttpRequest,
    view: ViewFunction,
    params: Record<string, unknown>,
  ): HttpResponseBase | undefined | Promise<HttpResponseBase | undefined>
  /** Called when the view throws; a returned response replaces the error. */
  processException?(
    request: HttpRequest,
    error: unknown,
  ): HttpResponseBase | undefined | Promise<HttpResponseBase | undefined>
}

/**
 * A middleware factory, listed in MIDDLEWARE (outermost first).
 *
 * @example
 * ```ts
 * export const timing: Middleware = (getResponse) => async (request) => {
 *   const started = performance.now()
 *   const response = await getResponse(request)
 *   response.headers.set('Server-Timing', `app;dur=${performance.now() - started}`)
 *   return response
 * }
 * ```
 */
export type Middleware = (getResponse: GetResponse, context: MiddlewareContext) => MiddlewareHandler

const trusted = new WeakSet<Middleware>()

/**
 * Marks one of the framework's own middleware factories. Its handler returns only the response
 * getResponse gave it or one it built, so the handler skips checking its result: that check was
 * a promise and a microtask per middleware and request (W1's profile). And it accepts a
 * getResponse that returns the response itself when the layer inside answered synchronously
 * (maybe-promise.ts's whenReady), returning it synchronously too. Anything not marked (every
 * project's middleware) is still checked, and gets a getResponse that returns a promise.
 *
 * @example
 * ```ts
 * export const SecurityMiddleware: Middleware = trustedMiddleware((getResponse, { settings }) => ...)
 * ```
 */
export function trustedMiddleware<M extends Middleware>(factory: M): M {
  trusted.add(factory)
  return factory
}

/** Whether `factory` was marked with trustedMiddleware(). */
export function isTrustedMiddleware(factory: Middleware): boolean {
  return trusted.has(factory)
}
