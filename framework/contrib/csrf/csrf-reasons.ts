/**
 * @module Why a request failed the CSRF check: Django's reason texts, each with a stable code.
 */

/** A failure: the code (stable, documented in docs/csrf.md) and Django's text. */
export interface CsrfFailure {
  code: CsrfFailureCode
  reason: string
}

/** Every failure code with what it means. */
export const CSRF_FAILURE_CODES = {
  'csrf.bad_origin': 'the Origin header is neither this site nor in CSRF_TRUSTED_ORIGINS',
  'csrf.no_referer': 'HTTPS request without a Referer header (and no Origin)',
  'csrf.malformed_referer': 'HTTPS request whose Referer is not a URL',
  'csrf.insecure_referer': 'HTTPS request whose Referer is plain http://',
  'csrf.bad_referer': 'HTTPS request whose Referer is another site, not trusted',
  'csrf.no_cookie': 'no CSRF cookie (or session secret) to check the token against',
  'csrf.bad_cookie': 'the CSRF cookie is malformed',
  'csrf.token_missing': 'neither the csrfmiddlewaretoken field nor the X-CSRFToken header was sent',
  'csrf.bad_token': 'the token sent has the wrong length or characters',
  'csrf.token_incorrect': 'the token sent does not match the secret',
} as const

/** A failure code. */
export type CsrfFailureCode = keyof typeof CSRF_FAILURE_CODES

/** Builds a failure. */
export function csrfFailure(code: CsrfFailureCode, reason: string): CsrfFailure {
  return { code, reason }
}
