/**
 * @module The request handler: three layers, as STYLE.md convention 10 (Starlette's
 * build_middleware_stack) lays them out.
 *
 *   outermost  any error → 500 page (DEBUG: the debug page), logged to wsgi.errors; HTTP errors
 *              thrown by middleware become their own response
 *   middle     user middleware from MIDDLEWARE, outermost first
 *   innermost  resolve → processView hooks → parse form bodies → view; HTTP errors and
 *              registered handlers (handler404, ...) become responses; processException hooks
 */
import { STATUS_CODES } from 'node:http'
import type { Settings } from '../conf/index.ts'
import {
  Http404,
  HttpError,
  HttpRequest,
  HttpResponse,
  HttpResponseBase,
  type ViewFunction,
} from '../http/index.ts'
import { debugPage, technical404 } from './error-pages/debug-page.ts'
import { productionPage } from './error-pages/production-page.ts'
import { BUILTIN_MIDDLEWARE } from './middleware/builtin-middleware.ts'
import {
  isTrustedMiddleware,
  type GetResponse,
  type Middleware,
  type MiddlewareContext,
  type MiddlewareHandler,
} from './middleware-types.ts'
import { isPromiseLike, recovering, whenReady, type MaybePromise } from './maybe-promise.ts'
import {
  defaultResolverFactory,
  isResolver404,
  loadUrlConf,
  type ErrorView,
  type ResolverFactory,
  type UrlConf,
} from './url-resolution.ts'

/** Thrown at start when a MIDDLEWARE entry is neither a built-in name nor a factory. */
function unknownMiddleware(entry: unknown): Error {
  return Object.assign(
    new Error(
      `Unknown middleware ${JSON.stringify(entry)} in MIDDLEWARE: use one of ${Object.keys(BUILTIN_MIDDLEWARE).join(', ')} or a factory (getResponse, context) => handler.`,
    ),
    { code: 'core.unknown_middleware' },
  )
}

/** Resolves a MIDDLEWARE entry to its factory. */
export function middlewareFactory(entry: unknown): Middleware {
  if (typeof entry === 'function') return entry as Middleware
  if (typeof entry === 'string') {
    const found = BUILTIN_MIDDLEWARE[entry.split('.').pop() ?? '']
    if (found) return found
  }
  throw unknownMiddleware(entry)
}

/** Options of the handler (tests and hosts inject a resolver factory). */
export interface HandlerOptions {
  /** Builds the resolver from `urlpatterns` (default: urls/'s URLResolver). */
  makeResolver?: ResolverFactory
}

/** A layer of the chain as the handler calls it: the response now, or a promise of it. */
type Layer = (request: HttpRequest) => MaybePromise<HttpResponseBase>

/**
 * The handler: `(request) => response`, never throwing.
 *
 * Inside, the layers pass responses on synchronously while nothing awaits (maybe-promise.ts):
 * the trusted middleware (the built-ins, sessions, CSRF, messages) accept either from the layer
 * they wrap, and any other middleware gets a `getResponse` that returns a promise, as the
 * Middleware type promises it.
 *
 * @example
 * ```ts
 * const handler = new Handler(settings)
 * const response = await handler.handle(request)
 * ```
 */
export class Handler {
  readonly settings: Settings
  readonly #makeResolver: ResolverFactory
  #urlconf: Promise<UrlConf> | undefined
  /** The URLconf once loaded: requests then skip awaiting the promise. */
  #loadedUrlconf: UrlConf | undefined
  readonly #chain: Layer
  readonly #viewHooks: NonNullable<MiddlewareHandler['processView']>[] = []
  readonly #exceptionHooks: NonNullable<MiddlewareHandler['processException']>[] = []

  constructor(settings: Settings, options: HandlerOptions = {}) {
    this.settings = settings
    this.#makeResolver = options.makeResolver ?? defaultResolverFactory
    const context: MiddlewareContext = { settings, isValidPath: (path) => this.#isValidPath(path) }
    let next: Layer = (request) => this.#inner(request)
    // Build from the innermost outward, so MIDDLEWARE[0] is the outermost, as in Django.
    const factories = settings.MIDDLEWARE.map(middlewareFactory)
    for (const factory of [...factories].reverse()) {
      const trusted = isTrustedMiddleware(factory)
      // A trusted factory takes the inner layer as it is; any other gets the promise it expects.
      const handler = factory(trusted ? (next as GetResponse) : promising(next), context)
      if (typeof handler !== 'function') {
        throw Object.assign(
          new TypeError(
            `Middleware factory ${factory.name || '(anonymous)'} returned ${typeof handler}, not a handler function.`,
          ),
          {
            code: 'core.bad_middleware',
          },
        )
      }
      if (handler.processView) this.#viewHooks.unshift(handler.processView.bind(handler))
      if (handler.processException)
        this.#exceptionHooks.push(handler.processException.bind(handler))
      next = trusted
        ? (handler as Layer)
        : checkedLayer(handler, `middleware ${factory.name || '(anonymous)'}`)
    }
    this.#chain = next
  }

  /** The URLconf, loaded on first use. */
  urlconf(): Promise<UrlConf> {
    if (this.#urlconf === undefined) {
      const loading = loadUrlConf(this.settings, this.#makeResolver)
      this.#urlconf = loading
      // A failed import should be retried on the next request (the developer may fix the file).
      // Attached once, when loading starts: a catch() per call cost a promise per request.
      loading.then(
        (conf) => {
          if (this.#urlconf === loading) this.#loadedUrlconf = conf
        },
        () => {
          if (this.#urlconf === loading) this.#urlconf = undefined
        },
      )
    }
    return this.#urlconf
  }

  /** The outermost layer: always a response. */
  async handle(request: HttpRequest): Promise<HttpResponseBase> {
    return this.respond(request)
  }

  /**
   * handle() without a promise when every layer answered synchronously (what the gateway
   * application calls): a response, or a promise of one. Never throws or rejects.
   */
  respond(request: HttpRequest): MaybePromise<HttpResponseBase> {
    // views/' render() and the context processors read the settings from here (no global).
    request.state.settings ??= this.settings
    return recovering(
      () => this.#chain(request),
      (error) =>
        error instanceof HttpError
          ? this.errorResponse(request, error)
          : this.serverError(request, error),
    )
  }

  /** A 500 (or the debug page) for `error`, logged to wsgi.errors. Never throws. */
  async serverError(request: HttpRequest, error: unknown): Promise<HttpResponseBase> {
    this.#log(request, error)
    if (this.settings.DEBUG) {
      return new HttpResponse(debugPage(error, request, this.settings), { status: 500 })
    }
    const custom = await this.#customHandler(request, 'handler500', 'HANDLER500', error)
    return custom ?? new HttpResponse(this.#page(500, request), { status: 500 })
  }

  /** The response for an HTTP error: a registered handler, the DEBUG 404 page, or the default. */
  async errorResponse(request: HttpRequest, error: HttpError): Promise<HttpResponseBase> {
    const status = error.status
    if (status === 400 || status === 413) {
      request.META['wsgi.errors'].write(
        `Bad request (${status}) ${request.META.REQUEST_METHOD} ${request.META.PATH_INFO}: [${error.code}] ${error.message}\n`,
      )
    }
    let response: HttpResponseBase | undefined
    if (status === 404 && this.settings.DEBUG) {
      response = new HttpResponse(technical404(request, error.cause ?? error), { status: 404 })
    } else {
      const which = ({ 400: 'handler400', 403: 'handler403', 404: 'handler404' } as const)[
        status as 400 | 403 | 404
      ]
      if (which)
        response = await this.#customHandler(
          request,
          which,
          which === 'handler404' ? 'HANDLER404' : undefined,
          error,
        )
      // Reasons of 404/403 may come from user code (names of objects): not shown in production.
      const reason = status === 404 || status === 403 ? undefined : error.message
      response ??= new HttpResponse(
        this.#page(
          status,
          request,
          this.settings.DEBUG ? `${error.message} [${error.code}]` : reason,
        ),
        { status },
      )
    }
    for (const [k, v] of error.headers) response.headers.set(k, v)
    return response
  }

  /** A production error page; a template that fails is logged and replaced by a plain page. */
  #page(status: number, request: HttpRequest, reason?: string): string {
    let requestPath: string
    try {
      requestPath = request.path
    } catch {
      requestPath = request.META.PATH_INFO
    }
    return productionPage(status, this.settings, { requestPath, reason, request }, (error) =>
      this.#log(request, error),
    )
  }

  async #customHandler(
    request: HttpRequest,
    name: 'handler400' | 'handler403' | 'handler404' | 'handler500',
    setting: 'HANDLER404' | 'HANDLER500' | undefined,
    error: unknown,
  ): Promise<HttpResponseBase | undefined> {
    let view: ErrorView | undefined = setting ? this.settings[setting] : undefined
    if (!view) {
      try {
        view = (await this.urlconf())[name]
      } catch {
        view = undefined
      }
    }
    if (!view) return undefined
    try {
      const response = await (view as (r: HttpRequest, e: unknown) => unknown)(request, error)
      return checkResponse(response, name)
    } catch (handlerError) {
      // A broken error handler must not hide the original error: log both, use the default.
      this.#log(request, handlerError)
      return undefined
    }
  }

  /** The innermost layer: resolve, hooks, view; HTTP errors become responses. */
  #inner(request: HttpRequest): MaybePromise<HttpResponseBase> {
    return recovering(
      () => this.#callView(request),
      (error) => this.#viewFailed(request, error),
    )
  }

  /** What the innermost layer answers for an error of the resolver, a hook or the view. */
  async #viewFailed(request: HttpRequest, error: unknown): Promise<HttpResponseBase> {
    for (const hook of this.#exceptionHooks) {
      const response = await hook(request, error)
      if (response) return checkResponse(response, 'processException')
    }
    if (isResolver404(error))
      return this.errorResponse(request, new Http404((error as Error).message, { cause: error }))
    if (error instanceof HttpError) return this.errorResponse(request, error)
    throw error
  }

  // The steps below go on synchronously while each answers at once (the resolver, the hooks and
  // most views do), and continue from a promise as soon as one does not.
  #callView(request: HttpRequest): MaybePromise<HttpResponseBase> {
    const path = request.pathInfo // Throws BadRequest (400) for a path that is not UTF-8.
    const loaded = this.#loadedUrlconf
    if (!loaded) return this.urlconf().then((conf) => this.#resolve(request, conf, path))
    return this.#resolve(request, loaded, path)
  }

  #resolve(request: HttpRequest, conf: UrlConf, path: string): MaybePromise<HttpResponseBase> {
    return whenReady(conf.resolver.resolve(path), (match) => {
      request.resolverMatch = match
      return this.#viewHooksFrom(0, request, match, match.params ?? {})
    })
  }

  /** The processView hooks from `index` on; the first response short-circuits the view. */
  #viewHooksFrom(
    index: number,
    request: HttpRequest,
    match: ResolvedMatch,
    params: Record<string, unknown>,
  ): MaybePromise<HttpResponseBase> {
    const hooks = this.#viewHooks
    for (let i = index; i < hooks.length; i++) {
      const result = hooks[i]!(request, match.view, params)
      if (isPromiseLike(result)) {
        return Promise.resolve(result).then((response) =>
          response
            ? checkResponse(response, 'processView')
            : this.#viewHooksFrom(i + 1, request, match, params),
        )
      }
      if (result) return checkResponse(result, 'processView')
    }
    const contentType = request.contentType
    if (
      contentType === 'application/x-www-form-urlencoded' ||
      contentType === 'multipart/form-data'
    ) {
      return request.parseBody().then(() => callView(request, match, params))
    }
    return callView(request, match, params)
  }

  async #isValidPath(path: string): Promise<boolean> {
    try {
      await (await this.urlconf()).resolver.resolve(path)
      return true
    } catch {
      return false
    }
  }

  #log(request: HttpRequest, error: unknown): void {
    const text =
      error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error)
    try {
      request.META['wsgi.errors'].write(
        `Internal Server Error: ${request.META.REQUEST_METHOD} ${request.META.PATH_INFO}\n${text}\n`,
      )
      request.META['wsgi.errors'].flush()
    } catch {
      // Logging must never turn a handled error into a crash.
    }
  }
}

/**
 * A middleware's handler as the next layer out calls it: a promise of a checked response
 * (Django's check_response), so a middleware that forgets to return is named in the error.
 */
function checkedLayer(handler: MiddlewareHandler, who: string): Layer {
  return async (request) => checkResponse(await handler(request), who)
}

/** `layer` as the Middleware type promises getResponse to a middleware: always a promise. */
function promising(layer: Layer): GetResponse {
  return async (request) => layer(request)
}

/** What the resolver matched, as the view steps use it. */
type ResolvedMatch = Awaited<ReturnType<UrlConf['resolver']['resolve']>>

/** Calls the view and checks that it answered a response. */
function callView(
  request: HttpRequest,
  match: ResolvedMatch,
  params: Record<string, unknown>,
): MaybePromise<HttpResponseBase> {
  return whenReady(match.view(request, params), (response: unknown) =>
    // The view's name is only needed for the error message: not built on every request.
    response instanceof HttpResponseBase
      ? response
      : checkResponse(response, `the view ${viewName(match.view, match.route)}`),
  )
}

function viewName(view: ViewFunction, route: string | undefined): string {
  return `${view.name || '(anonymous)'}${route !== undefined ? ` (route ${JSON.stringify(route)})` : ''}`
}

/** Django's check_response: a clear error when something returns a non-response. */
function checkResponse(value: unknown, who: string): HttpResponseBase {
  if (value instanceof HttpResponseBase) return value
  const got =
    value === undefined
      ? 'undefined'
      : value === null
        ? 'null'
        : ((value as object).constructor?.name ?? typeof value)
  throw Object.assign(
    new TypeError(
      `${who} didn't return an HttpResponse object. It returned ${got} instead; return new HttpResponse(...) or render(...).`,
    ),
    { code: 'core.not_a_response' },
  )
}

/** The reason phrase for `status` (exported for tests and hosts). */
export function reasonPhrase(status: number): string {
  return STATUS_CODES[status] ?? 'Unknown Status Code'
}
