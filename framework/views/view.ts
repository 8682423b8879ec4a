/**
 * @module View: the base class of class-based views. One instance per request; `dispatch()`
 * calls the method named after the HTTP method, or answers 405 with Allow.
 */
import {
  HttpResponse,
  HttpResponseNotAllowed,
  type HttpRequest,
  type HttpResponseBase,
  type ViewFunction,
} from '../http/index.ts'

/** The HTTP methods a View may handle, lower-case, as its method names. */
export const HTTP_METHOD_NAMES = [
  'get',
  'post',
  'put',
  'patch',
  'delete',
  'head',
  'options',
  'trace',
] as const

type MethodName = (typeof HTTP_METHOD_NAMES)[number]
type Handler = (
  request: HttpRequest,
  params: Record<string, unknown>,
) => HttpResponseBase | Promise<HttpResponseBase>

/**
 * The base class-based view. Subclass it, define `get`, `post`, ...; mount with `asView()`.
 *
 * @example
 * ```ts
 * class Hello extends View {
 *   get(request: HttpRequest) {
 *     return new HttpResponse(`Hello ${request.GET.get('name', 'you')}`)
 *   }
 * }
 * export const urlpatterns = [path('hello/', Hello.asView(), { name: 'hello' })]
 * ```
 */
export class View {
  /** The request being handled (set before dispatch). */
  request!: HttpRequest
  /** The URL's converted parameters. */
  params: Record<string, unknown> = {}

  /**
   * The view function for this class: a fresh instance per request, `initial` copied onto it
   * (attributes such as templateName), then dispatch().
   */
  static asView<T extends View>(this: new () => T, initial: Partial<T> = {}): ViewFunction {
    for (const key of Object.keys(initial)) {
      if ((HTTP_METHOD_NAMES as readonly string[]).includes(key)) {
        throw Object.assign(
          new TypeError(
            `asView() got ${JSON.stringify(key)}, an HTTP method name; define it as a method of ${this.name} instead.`,
          ),
          {
            code: 'views.bad_initial',
          },
        )
      }
    }
    const ViewClass = this
    const view = async (request: HttpRequest, params: Record<string, unknown>) => {
      const instance = new ViewClass()
      Object.assign(instance, initial)
      instance.setup(request, params)
      return instance.dispatch(request, params)
    }
    Object.defineProperty(view, 'name', { value: ViewClass.name })
    return Object.assign(view, { viewClass: ViewClass, viewInitial: initial })
  }

  /** Stores the request and params on the instance; override to add per-request state. */
  setup(request: HttpRequest, params: Record<string, unknown>): void {
    this.request = request
    this.params = params
  }

  /** The methods this view answers, upper-case (HEAD when it has get, OPTIONS always). */
  allowedMethods(): string[] {
    return HTTP_METHOD_NAMES.filter((m) => this.#handler(m) !== undefined).map((m) =>
      m.toUpperCase(),
    )
  }

  #handler(method: MethodName): Handler | undefined {
    const own = (this as unknown as Record<string, unknown>)[method]
    if (typeof own === 'function') return own as Handler
    // Django: HEAD falls back to GET (the server drops the body).
    if (method === 'head') return this.#handler('get')
    return undefined
  }

  /** Calls the handler for the request's method, or answers 405 with Allow. */
  async dispatch(request: HttpRequest, params: Record<string, unknown>): Promise<HttpResponseBase> {
    const method = request.method.toLowerCase()
    const handler = (HTTP_METHOD_NAMES as readonly string[]).includes(method)
      ? this.#handler(method as MethodName)
      : undefined
    if (!handler) return this.httpMethodNotAllowed(request)
    return handler.call(this, request, params)
  }

  /** The 405 answer, with Allow listing the methods this view has. */
  httpMethodNotAllowed(request: HttpRequest): HttpResponseBase {
    const allowed = this.allowedMethods()
    const escaped = request.method.replace(/[&<>"']/g, '')
    return new HttpResponseNotAllowed(
      allowed,
      `Method ${escaped} not allowed; use ${allowed.join(', ')}.`,
      { contentType: 'text/plain; charset=utf-8' },
    )
  }

  /** OPTIONS: 200 with Allow. */
  options(_request: HttpRequest, _params: Record<string, unknown>): HttpResponseBase {
    const response = new HttpResponse('', { contentType: 'text/plain; charset=utf-8' })
    response.headers.set('Allow', this.allowedMethods().join(', '))
    return response
  }
}
