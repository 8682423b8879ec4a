/**
 * @module The `csrf` context processor (the full one: `csrfToken` and `csrfInput`) and
 * csrfInput() for views that build HTML themselves. Both are lazy: a page that never prints
 * them does not set the cookie.
 */
import type { Settings } from '../../conf/index.ts'
import type { HttpRequest } from '../../http/index.ts'
import { SafeString, type TemplateRequest } from '../../templates/index.ts'
import { CSRF_FIELD_NAME } from './csrf-check.ts'
import { getToken } from './csrf-state.ts'

/** Text computed when first printed (eta calls toString when it outputs a value). */
class LazySafeString extends SafeString {
  readonly #make: () => string
  #value: string | undefined
  constructor(make: () => string) {
    super('')
    this.#make = make
  }
  override toString(): string {
    this.#value ??= this.#make()
    return this.#value
  }
  override toJSON(): string {
    return this.toString()
  }
}

/**
 * The hidden input every POST form needs:
 * `<input type="hidden" name="csrfmiddlewaretoken" value="...">`.
 *
 * @example
 * ```ts
 * return new HttpResponse(`<form method="post">${csrfInput(request)}<button>Go</button></form>`)
 * ```
 */
export function csrfInput(request: HttpRequest): SafeString {
  return new LazySafeString(
    () => `<input type="hidden" name="${CSRF_FIELD_NAME}" value="${getToken(request)}">`,
  )
}

/**
 * Context processor: `it.csrfToken` (the masked token) and `it.csrfInput` (the hidden input) in
 * every template rendered with a request. Templates print them with `<%= it.csrfToken %>` and
 * `<%~ it.csrfInput %>`.
 *
 * @example
 * ```ts
 * import { csrf } from 'framework/contrib/csrf'
 *
 * defineSettings({ TEMPLATES: { CONTEXT_PROCESSORS: ['request', 'debug', 'static', csrf] } })
 * ```
 */
export function csrf(request: TemplateRequest, _settings: Settings): Record<string, unknown> {
  const req = request as HttpRequest
  return {
    csrfToken: new LazySafeString(() => getToken(req)),
    csrfInput: csrfInput(req),
  }
}
