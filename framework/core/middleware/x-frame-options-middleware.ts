/**
 * @module XFrameOptionsMiddleware: forbids framing (clickjacking) per X_FRAME_OPTIONS.
 */
import { whenReady } from '../maybe-promise.ts'
import type { Middleware } from '../middleware-types.ts'

/**
 * Sets `X-Frame-Options` (DENY or SAMEORIGIN) unless the view set it.
 *
 * @example
 * ```ts
 * defineSettings({ MIDDLEWARE: ['XFrameOptionsMiddleware'], X_FRAME_OPTIONS: 'SAMEORIGIN' })
 * ```
 */
export const XFrameOptionsMiddleware: Middleware =
  (getResponse, { settings }) =>
  (request) =>
    whenReady(getResponse(request), (response) => {
      response.headers.setDefault('X-Frame-Options', settings.X_FRAME_OPTIONS)
      return response
    })
