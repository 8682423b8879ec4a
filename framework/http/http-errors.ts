/**
 * @module HTTP errors: exceptions a view (or the framework) throws that render themselves as a
 * response. Django's Http404, PermissionDenied, SuspiciousOperation and friends.
 */
import { STATUS_CODES } from 'node:http'
import { HttpResponse } from './http-response.ts'

/**
 * The base of every HTTP error: a status, a stable `code` and a reason safe to show a client.
 *
 * @example
 * ```ts
 * throw new HttpError(409, 'http.conflict', 'The article was edited meanwhile; reload it.')
 * ```
 */
export class HttpError extends Error {
  override name = 'HttpError'
  readonly status: number
  readonly code: string
  /** Extra response headers, e.g. `Allow` for 405. */
  readonly headers: readonly [string, string][]

  constructor(
    status: number,
    code: string,
    message: string,
    options?: ErrorOptions & { headers?: [string, string][] },
  ) {
    super(message, options)
    this.status = status
    this.code = code
    this.headers = options?.headers ?? []
  }

  /**
   * The error as a bare plain-text response (status, reason, extra headers). The handler renders
   * the project's error templates instead; this is for code running outside it.
   *
   * @example
   * ```ts
   * new Http404('No such poll').toResponse().status // 404
   * ```
   */
  toResponse(): HttpResponse {
    const response = new HttpResponse(
      `${this.status} ${STATUS_CODES[this.status] ?? 'Error'}: ${this.message}\n`,
      {
        status: this.status,
        contentType: 'text/plain; charset=utf-8',
      },
    )
    for (const [k, v] of this.headers) response.headers.set(k, v)
    return response
  }
}

/**
 * "Not found". Thrown by views (or `getObjectOr404`); rendered as 404.html or the debug page.
 *
 * @example
 * ```ts
 * if (!article) throw new Http404(`No article with slug ${JSON.stringify(slug)}`)
 * ```
 */
export class Http404 extends HttpError {
  override name = 'Http404'
  constructor(message = 'Not found', options?: ErrorOptions) {
    super(404, 'http.not_found', message, options)
  }
}

/**
 * "Forbidden" (403).
 *
 * @example
 * ```ts
 * if (!request.user.isStaff) throw new PermissionDenied('Staff only')
 * ```
 */
export class PermissionDenied extends HttpError {
  override name = 'PermissionDenied'
  constructor(message = 'Forbidden', options?: ErrorOptions) {
    super(403, 'http.permission_denied', message, options)
  }
}

/**
 * "Bad request" (400) for input the client got wrong.
 *
 * @example
 * ```ts
 * throw new BadRequest('The page parameter must be an integer, got "abc"')
 * ```
 */
export class BadRequest extends HttpError {
  override name = 'BadRequest'
  constructor(message = 'Bad request', code = 'http.bad_request', options?: ErrorOptions) {
    super(400, code, message, options)
  }
}

/**
 * A request that looks like an attack or a misconfiguration (400); Django's SuspiciousOperation.
 *
 * @example
 * ```ts
 * throw new SuspiciousOperation('Path traversal attempt: "../etc/passwd"')
 * ```
 */
export class SuspiciousOperation extends BadRequest {
  override name = 'SuspiciousOperation'
  constructor(message: string, code = 'http.suspicious', options?: ErrorOptions) {
    super(message, code, options)
  }
}

/**
 * The Host header is not in ALLOWED_HOSTS (400).
 *
 * @example
 * ```ts
 * throw new DisallowedHost('evil.example')
 * ```
 */
export class DisallowedHost extends SuspiciousOperation {
  override name = 'DisallowedHost'
  constructor(host: string) {
    super(
      `Invalid HTTP_HOST header: ${JSON.stringify(host)}. You may need to add ${JSON.stringify(host.replace(/:\d+$/, ''))} to ALLOWED_HOSTS.`,
      'http.disallowed_host',
    )
  }
}

/**
 * More fields than DATA_UPLOAD_MAX_NUMBER_FIELDS (400).
 *
 * @example
 * ```ts
 * throw new TooManyFieldsSent(1000)
 * ```
 */
export class TooManyFieldsSent extends BadRequest {
  override name = 'TooManyFieldsSent'
  constructor(limit: number) {
    super(
      `The number of GET/POST parameters exceeded DATA_UPLOAD_MAX_NUMBER_FIELDS (${limit}); raise the setting if this is expected.`,
      'http.too_many_fields',
    )
  }
}

/**
 * A body larger than DATA_UPLOAD_MAX_MEMORY_SIZE (413).
 *
 * @example
 * ```ts
 * throw new RequestDataTooBig(2_621_440)
 * ```
 */
export class RequestDataTooBig extends HttpError {
  override name = 'RequestDataTooBig'
  constructor(limit: number) {
    super(
      413,
      'http.data_too_big',
      `Request body exceeded DATA_UPLOAD_MAX_MEMORY_SIZE (${limit} bytes); raise the setting if this is expected.`,
    )
  }
}

/**
 * A method the view does not handle (405); carries the `Allow` header.
 *
 * @example
 * ```ts
 * throw new MethodNotAllowed('DELETE', ['GET', 'POST'])
 * ```
 */
export class MethodNotAllowed extends HttpError {
  override name = 'MethodNotAllowed'
  readonly allowed: readonly string[]
  constructor(method: string, allowed: readonly string[]) {
    super(
      405,
      'http.method_not_allowed',
      `Method ${JSON.stringify(method)} not allowed; use ${allowed.join(', ')}.`,
      {
        headers: [['Allow', allowed.join(', ')]],
      },
    )
    this.allowed = allowed
  }
}

/**
 * Gone (410).
 *
 * @example
 * ```ts
 * throw new Gone('This page was removed')
 * ```
 */
export class Gone extends HttpError {
  override name = 'Gone'
  constructor(message = 'Gone') {
    super(410, 'http.gone', message)
  }
}
