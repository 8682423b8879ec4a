/**
 * @module The deployment checks that `framework check --deploy` adds to the built-in ones
 * (Django's `--deploy` family): HTTPS redirects, secure, HTTP-only and SameSite cookies, HSTS
 * scope, a guessable SECRET_KEY, a wildcard ALLOWED_HOSTS, nosniff, framing, Referrer-Policy,
 * plain-http trusted origins and sessions without CSRF protection. The built-in `security.W001`–`W004`
 * (key length, DEBUG, empty ALLOWED_HOSTS, HSTS off) stay in builtin-checks.ts.
 */
import type { Settings } from '../settings-schema.ts'
import { CheckRegistry, type CheckMessage } from './registry.ts'

/** Every deployment check id with its one-line meaning (ids follow Django's where one exists). */
export const DEPLOY_CHECK_IDS = {
  'security.W005': 'SECURE_HSTS_INCLUDE_SUBDOMAINS is off while HSTS is on',
  'security.W008': 'SECURE_SSL_REDIRECT is off',
  'security.W009': 'SECRET_KEY looks guessable (few distinct characters, or a development key)',
  'security.W012': 'SESSION_COOKIE_SECURE is off',
  'security.W013': 'SESSION_COOKIE_HTTPONLY is off',
  'security.W016': 'CSRF_COOKIE_SECURE is off',
  'security.W020': "ALLOWED_HOSTS contains '*'",
  'security.W006': 'SECURE_CONTENT_TYPE_NOSNIFF is off',
  'security.W019': "XFrameOptionsMiddleware is installed but X_FRAME_OPTIONS is not 'DENY'",
  'security.W022': 'SECURE_REFERRER_POLICY is null (no Referrer-Policy header)',
  'security.W023': 'CSRF_TRUSTED_ORIGINS lists a plain http:// origin',
  'security.W024': "SESSION_COOKIE_SAMESITE is 'None' or null",
  'security.W025': "CSRF_COOKIE_SAMESITE is 'None' or null",
  'security.W030': 'sessions are in use but CsrfViewMiddleware is not in MIDDLEWARE',
} as const

/** The name a MIDDLEWARE entry goes by: a factory's function name, or a string's last segment. */
function middlewareName(entry: unknown): string {
  if (typeof entry === 'function') return entry.name
  return typeof entry === 'string' ? (entry.split(/[.:/]/).pop() ?? '') : ''
}

/** The tag deployment checks are registered under. */
export const DEPLOY_TAG = 'deploy'

function deploymentChecks(settings: Settings): CheckMessage[] {
  const out: CheckMessage[] = []
  const warn = (id: keyof typeof DEPLOY_CHECK_IDS, hint: string): void => {
    out.push({ id, level: 'warning', message: DEPLOY_CHECK_IDS[id], hint })
  }
  if (settings.SECURE_HSTS_SECONDS > 0 && !settings.SECURE_HSTS_INCLUDE_SUBDOMAINS) {
    warn(
      'security.W005',
      'Set SECURE_HSTS_INCLUDE_SUBDOMAINS: true once every subdomain serves HTTPS.',
    )
  }
  if (!settings.SECURE_SSL_REDIRECT) {
    warn(
      'security.W008',
      'Set SECURE_SSL_REDIRECT: true, unless the proxy in front already redirects HTTP to HTTPS.',
    )
  }
  const key = settings.SECRET_KEY
  // Why these markers: startproject's dev keys and the examples in docs say so in the key itself.
  if (new Set(key).size < 5 || /insecure|change-?me|dev-?key|secret-?key/i.test(key)) {
    warn(
      'security.W009',
      'Generate a new random key (50+ characters) and set it in the SECRET_KEY environment variable.',
    )
  }
  if (!settings.SESSION_COOKIE_SECURE) {
    warn(
      'security.W012',
      'Set SESSION_COOKIE_SECURE: true so the session cookie is sent over HTTPS only.',
    )
  }
  if (!settings.SESSION_COOKIE_HTTPONLY) {
    warn(
      'security.W013',
      'Set SESSION_COOKIE_HTTPONLY: true so scripts cannot read the session cookie.',
    )
  }
  if (!settings.CSRF_COOKIE_SECURE) {
    warn(
      'security.W016',
      'Set CSRF_COOKIE_SECURE: true so the CSRF cookie is sent over HTTPS only.',
    )
  }
  if (settings.ALLOWED_HOSTS.includes('*')) {
    warn('security.W020', "List the site's host names instead of '*' (Host header attacks).")
  }
  if (!settings.SECURE_CONTENT_TYPE_NOSNIFF) {
    warn(
      'security.W006',
      'Set SECURE_CONTENT_TYPE_NOSNIFF: true so browsers do not guess content types (uploaded HTML run as a page).',
    )
  }
  const middleware = settings.MIDDLEWARE.map(middlewareName)
  if (middleware.includes('XFrameOptionsMiddleware') && settings.X_FRAME_OPTIONS !== 'DENY') {
    warn(
      'security.W019',
      "Set X_FRAME_OPTIONS: 'DENY' unless the site frames its own pages (clickjacking).",
    )
  }
  if (settings.SECURE_REFERRER_POLICY === null) {
    warn(
      'security.W022',
      "Set SECURE_REFERRER_POLICY: 'same-origin' so URLs (and tokens in them) do not leak to other sites.",
    )
  }
  const plain = settings.CSRF_TRUSTED_ORIGINS.filter((origin) => origin.startsWith('http://'))
  if (plain.length) {
    warn(
      'security.W023',
      `Trust only https:// origins in CSRF_TRUSTED_ORIGINS (${plain.join(', ')}): a plain-http page can be rewritten by anyone on the network.`,
    )
  }
  if (settings.SESSION_COOKIE_SAMESITE !== 'Lax' && settings.SESSION_COOKIE_SAMESITE !== 'Strict') {
    warn(
      'security.W024',
      "Set SESSION_COOKIE_SAMESITE: 'Lax' so other sites' forms and frames do not carry the session.",
    )
  }
  if (settings.CSRF_COOKIE_SAMESITE !== 'Lax' && settings.CSRF_COOKIE_SAMESITE !== 'Strict') {
    warn('security.W025', "Set CSRF_COOKIE_SAMESITE: 'Lax'.")
  }
  const sessions =
    middleware.includes('SessionMiddleware') ||
    settings.INSTALLED_APPS.some((app) => app.replace(/\/+$/, '').endsWith('contrib/sessions'))
  if (sessions && !middleware.includes('CsrfViewMiddleware')) {
    warn(
      'security.W030',
      "Add CsrfViewMiddleware (import { CsrfViewMiddleware } from 'framework/contrib/csrf') to MIDDLEWARE after SessionMiddleware.",
    )
  }
  return out
}

/**
 * Registers the deployment checks under the `deploy` tag of `registry` (a new one by default)
 * and returns it.
 *
 * @example
 * ```ts
 * import { builtinChecks, deployChecks } from 'framework/conf'
 *
 * const findings = deployChecks(builtinChecks()).run(settings)
 * ```
 */
export function deployChecks(registry = new CheckRegistry()): CheckRegistry {
  registry.register(DEPLOY_TAG, deploymentChecks)
  return registry
}
