/**
 * @module framework/contrib/csrf: Django's CSRF protection. A secret per client (cookie, or the
 * session with CSRF_USE_SESSIONS), a masked token per response, Origin/Referer checks, and
 * decorators for single views. No models: nothing to add to INSTALLED_APPS.
 */
import './request-csrf.ts'

/** Middleware and decorators. */
export { CsrfViewMiddleware } from './csrf-middleware.ts'
export { csrfExempt, csrfProtect, ensureCsrfCookie, isCsrfExempt } from './decorators.ts'

/** Tokens. */
export { getToken, rotateToken, CSRF_SESSION_KEY } from './csrf-state.ts'
export { checkCsrf, CSRF_FIELD_NAME, SAFE_METHODS } from './csrf-check.ts'
export { CSRF_SECRET_LENGTH, CSRF_TOKEN_LENGTH } from './csrf-token.ts'

/** Templates. */
export { csrf, csrfInput } from './csrf-context.ts'

/** Failures. */
export { rejectCsrf, type CsrfFailureView } from './failure-view.ts'
export { CSRF_FAILURE_CODES, type CsrfFailure, type CsrfFailureCode } from './csrf-reasons.ts'
