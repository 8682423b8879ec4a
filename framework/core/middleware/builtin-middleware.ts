/**
 * @module The table of built-in middleware, by the names MIDDLEWARE may use.
 */
import { trustedMiddleware, type Middleware } from '../middleware-types.ts'
import { CommonMiddleware } from './common-middleware.ts'
import { ConditionalGetMiddleware } from './conditional-get-middleware.ts'
import { GZipMiddleware } from './gzip-middleware.ts'
import { SecurityMiddleware } from './security-middleware.ts'
import { XFrameOptionsMiddleware } from './x-frame-options-middleware.ts'

/** Built-in middleware by name; `framework.middleware.security.SecurityMiddleware` also works. */
export const BUILTIN_MIDDLEWARE: Readonly<Record<string, Middleware>> = Object.freeze({
  SecurityMiddleware,
  CommonMiddleware,
  XFrameOptionsMiddleware,
  ConditionalGetMiddleware,
  GZipMiddleware,
})

// Each returns the response it was given or one it built: no check of its result needed.
for (const factory of Object.values(BUILTIN_MIDDLEWARE)) trustedMiddleware(factory)
