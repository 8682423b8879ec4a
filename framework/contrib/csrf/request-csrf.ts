/**
 * @module Types `request.csrfToken` on HttpRequest (interface merging) wherever this app is
 * imported; CsrfViewMiddleware (or csrfProtect) sets it.
 */
declare module '../../http/index.ts' {
  interface HttpRequest {
    /** A masked token for this request (each call a new one); sends the CSRF cookie. */
    csrfToken: () => string
  }
}
export {}
