/**
 * @module The everyday response subclasses: JSON, redirects and the error statuses.
 */
import { SuspiciousOperation } from './http-errors.ts'
import { HttpResponse } from './http-response.ts'
import type { ResponseInit } from './http-response-base.ts'

/**
 * Serializes `data` to JSON. With `safe` (default) only plain objects are accepted, as in Django.
 *
 * @example
 * ```ts
 * return new JsonResponse({ ok: true })
 * return new JsonResponse([1, 2], { safe: false })
 * ```
 */
export class JsonResponse extends HttpResponse {
  constructor(data: unknown, init?: ResponseInit & { safe?: boolean; space?: number }) {
    // Without options (the usual case) no rest and spread objects are made per response.
    if (init === undefined) {
      checkSafe(data)
      super(JSON.stringify(data), JSON_INIT)
      return
    }
    const { safe = true, space, ...rest } = init
    if (safe) checkSafe(data)
    super(JSON.stringify(data, null, space), { contentType: 'application/json', ...rest })
  }
}

const JSON_INIT: ResponseInit = Object.freeze({ contentType: 'application/json' })

function checkSafe(data: unknown): void {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw Object.assign(
      new TypeError(
        'JsonResponse only serializes plain objects when safe is true; pass { safe: false } to send arrays or scalars.',
      ),
      { code: 'http.json_unsafe' },
    )
  }
}

const allowedSchemes = new Set(['http', 'https', 'ftp'])

function checkRedirect(url: string): string {
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(url)?.[1]?.toLowerCase()
  if (scheme !== undefined && !allowedSchemes.has(scheme)) {
    throw new SuspiciousOperation(
      `Unsafe redirect to URL with protocol ${JSON.stringify(scheme)}; use http(s) or a path.`,
      'http.disallowed_redirect',
    )
  }
  if (/[\r\n]/.test(url)) {
    throw new SuspiciousOperation(
      `Redirect URL ${JSON.stringify(url)} contains a line break.`,
      'http.disallowed_redirect',
    )
  }
  // Non-latin-1 characters cannot go in a header: percent-encode them.
  return url.replace(/[^\x21-\x7e]+/g, (s) => encodeURIComponent(s))
}

/**
 * 302 Found to `url` (a path or an http(s) URL).
 *
 * @example
 * ```ts
 * return new HttpResponseRedirect('/articles/')
 * ```
 */
export class HttpResponseRedirect extends HttpResponse {
  constructor(url: string, init: ResponseInit = {}) {
    super('', { status: 302, ...init })
    this.headers.set('Location', checkRedirect(url))
  }

  /** The Location header. */
  get url(): string {
    return this.headers.get('Location') ?? ''
  }
}

/**
 * 301 Moved Permanently.
 *
 * @example
 * ```ts
 * return new HttpResponsePermanentRedirect('/new/')
 * ```
 */
export class HttpResponsePermanentRedirect extends HttpResponseRedirect {
  constructor(url: string, init: ResponseInit = {}) {
    super(url, { ...init, status: 301 })
  }
}

/**
 * 304 Not Modified (no body).
 *
 * @example
 * ```ts
 * return new HttpResponseNotModified()
 * ```
 */
export class HttpResponseNotModified extends HttpResponse {
  constructor(init: ResponseInit = {}) {
    super('', { ...init, status: 304 })
    this.headers.delete('Content-Type')
  }
}

/** 400. @example `return new HttpResponseBadRequest('Missing "q"')` */
export class HttpResponseBadRequest extends HttpResponse {
  constructor(content: string | Uint8Array = '', init: ResponseInit = {}) {
    super(content, { ...init, status: 400 })
  }
}

/** 403. @example `return new HttpResponseForbidden()` */
export class HttpResponseForbidden extends HttpResponse {
  constructor(content: string | Uint8Array = '', init: ResponseInit = {}) {
    super(content, { ...init, status: 403 })
  }
}

/** 404. @example `return new HttpResponseNotFound('<h1>No such page</h1>')` */
export class HttpResponseNotFound extends HttpResponse {
  constructor(content: string | Uint8Array = '', init: ResponseInit = {}) {
    super(content, { ...init, status: 404 })
  }
}

/**
 * 405 with the Allow header listing `permitted`.
 *
 * @example
 * ```ts
 * return new HttpResponseNotAllowed(['GET', 'POST'])
 * ```
 */
export class HttpResponseNotAllowed extends HttpResponse {
  constructor(
    permitted: readonly string[],
    content: string | Uint8Array = '',
    init: ResponseInit = {},
  ) {
    super(content, { ...init, status: 405 })
    this.headers.set('Allow', permitted.join(', '))
  }
}

/** 410. @example `return new HttpResponseGone()` */
export class HttpResponseGone extends HttpResponse {
  constructor(content: string | Uint8Array = '', init: ResponseInit = {}) {
    super(content, { ...init, status: 410 })
  }
}

/** 500. @example `return new HttpResponseServerError()` */
export class HttpResponseServerError extends HttpResponse {
  constructor(content: string | Uint8Array = '', init: ResponseInit = {}) {
    super(content, { ...init, status: 500 })
  }
}
