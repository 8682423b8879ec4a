/**
 * @module framework/core: getGatewayApplication(), the handler, the middleware protocol and the
 * built-in middleware, and the error pages. Imports http/, urls/, conf/ (and templates/).
 */

/** The application. */
export { getGatewayApplication, type GatewayApplicationOptions } from './get-gateway-application.ts'
export { Handler, middlewareFactory, type HandlerOptions } from './handler.ts'
export {
  defaultResolverFactory,
  type ErrorView,
  type ResolvedRoute,
  type ResolverFactory,
  type UrlConf,
  type UrlResolver,
} from './url-resolution.ts'

/** Middleware. */
export type {
  GetResponse,
  Middleware,
  MiddlewareContext,
  MiddlewareHandler,
} from './middleware-types.ts'
export { isTrustedMiddleware, trustedMiddleware } from './middleware-types.ts'
export { isPromiseLike, recovering, whenReady, type MaybePromise } from './maybe-promise.ts'
export { BUILTIN_MIDDLEWARE } from './middleware/builtin-middleware.ts'
export { SecurityMiddleware } from './middleware/security-middleware.ts'
export { CommonMiddleware } from './middleware/common-middleware.ts'
export { XFrameOptionsMiddleware } from './middleware/x-frame-options-middleware.ts'
export { ConditionalGetMiddleware } from './middleware/conditional-get-middleware.ts'
export { GZipMiddleware } from './middleware/gzip-middleware.ts'

/** Error pages. */
export { debugPage, technical404 } from './error-pages/debug-page.ts'
export { productionPage, type ErrorPageContext } from './error-pages/production-page.ts'
export { maskSettings } from './error-pages/mask-settings.ts'

/** Email (Django's django.core.mail): messages and the EMAIL_BACKEND backends. */
export { EmailMessage, BadHeaderError, bareAddress, type EmailInit } from './mail/email-message.ts'
export {
  getEmailBackend,
  outbox,
  ConsoleEmailBackend,
  FileEmailBackend,
  LocmemEmailBackend,
  SmtpEmailBackend,
  type EmailBackend,
  type MailSettings,
} from './mail/mail-backends.ts'
export { sendMail } from './mail/send-mail.ts'
export { sendSmtp, SmtpError, type SmtpOptions, type SmtpEnvelope } from './mail/smtp-client.ts'
