/**
 * @module Values that are either ready now or a promise of one, as the request path passes them.
 *
 * Why not `async` everywhere: each async layer costs a promise, a microtask and a `then` lookup
 * on the response it resolves with (V8 walks the response's prototype chain for it, uncached).
 * With a request passing through the application, the handler, five middleware and the view,
 * that was about a tenth of a small request's instructions, for layers that nearly always
 * answer at once. So the handler and the trusted middleware hand on what they got: a response
 * when everything inside answered synchronously, a promise as soon as anything awaited.
 */

/** A value now, or a promise of it. */
export type MaybePromise<T> = T | Promise<T>

/**
 * True for a promise or any thenable (what `await` would wait for).
 *
 * @example
 * ```ts
 * isPromiseLike(Promise.resolve(1)) // true
 * isPromiseLike(1) // false
 * ```
 */
export function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function'
}

/**
 * Calls `next` with `value` now when it is ready, else once its promise fulfils: the result is
 * then a promise too. A rejection passes through (and `next` is not called).
 *
 * @example
 * ```ts
 * const response = whenReady(getResponse(request), (r) => {
 *   r.headers.set('X-Frame-Options', 'DENY')
 *   return r
 * })
 * ```
 */
export function whenReady<T, U>(
  value: T | PromiseLike<T>,
  next: (ready: T) => MaybePromise<U>,
): MaybePromise<U> {
  return isPromiseLike(value) ? Promise.resolve(value).then(next) : next(value)
}

/**
 * Runs `attempt`, sending what it throws, or what its promise rejects with, to `recover`: a
 * try/catch around an `await`, for a function that may answer synchronously.
 *
 * @example
 * ```ts
 * return recovering(() => this.#callView(request), (error) => this.#viewFailed(request, error))
 * ```
 */
export function recovering<T>(
  attempt: () => MaybePromise<T>,
  recover: (error: unknown) => MaybePromise<T>,
): MaybePromise<T> {
  let result: MaybePromise<T>
  try {
    result = attempt()
  } catch (error) {
    return recover(error)
  }
  return isPromiseLike(result) ? Promise.resolve(result).then(undefined, recover) : result
}
