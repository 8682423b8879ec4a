/**
 * @module The shape of a view: the seam between the URL resolver, the handler and user code.
 */
import type { HttpRequest } from './http-request.ts'
import type { HttpResponseBase } from './http-response-base.ts'

/**
 * A view: takes the request and the URL's converted parameters, returns a response.
 *
 * @example
 * ```ts
 * const hello: ViewFunction = (request) => new HttpResponse(`Hello ${request.GET.get('name', 'you')}`)
 * ```
 */
export type ViewFunction<Params = Record<string, unknown>> = (
  request: HttpRequest,
  params: Params,
) => HttpResponseBase | Promise<HttpResponseBase>
