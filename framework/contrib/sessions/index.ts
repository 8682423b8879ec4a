/**
 * @module framework/contrib/sessions: `request.session` through SessionMiddleware, with a
 * database backend (the default; install `'framework/contrib/sessions'` in INSTALLED_APPS) and a
 * signed-cookie backend. There is no cache backend: the framework has no cache yet.
 */
import './request-session.ts'

/** The middleware and the session object. */
export { SessionMiddleware, addVary } from './session-middleware.ts'
export { SessionBase, type SessionOptions } from './session-base.ts'
export { SessionInterrupted } from './session-interrupted.ts'

/** Backends. */
export type { SessionBackend, SessionData } from './session-backend.ts'
export { DatabaseSessionBackend } from './backends/database-backend.ts'
export { SignedCookieSessionBackend } from './backends/signed-cookie-backend.ts'
export { sessionBackend } from './session-engine.ts'
export { clearExpiredSessions } from './clear-expired-sessions.ts'

/** The model. */
export { Session } from './models.ts'
