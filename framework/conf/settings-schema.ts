/**
 * @module The settings schema: every framework setting declared once, with its type and default.
 *
 * Why zod and `.strict()`: an unknown key is almost always a typo (`ALLOWED_HOST`), and Django
 * silently ignores it; we stop start-up instead and name the key.
 */
import * as z from 'zod'

/** A function value (middleware factory, view, ...): conf/ cannot know the concrete types. */
export type AnyFunction = (...args: never[]) => unknown

const fn = z.custom<AnyFunction>((value) => typeof value === 'function', {
  message: 'expected a function',
})

const databaseSchema = z
  .object({
    /** A URL: `sqlite:db.sqlite3`, `sqlite::memory:`, `postgres://user@host:5432/name`. */
    URL: z.string().min(1),
  })
  .strict()

const templatesSchema = z
  .object({
    /** Directories searched before each app's templates/ folder. */
    DIRS: z.array(z.string()).default(['templates']),
    /** Whether each installed app's templates/ folder is searched too. */
    APP_DIRS: z.boolean().default(true),
    /** Context processors, by name (`request`, `debug`, `csrf`, `user`, `messages`, `static`). */
    CONTEXT_PROCESSORS: z.array(z.union([z.string(), fn])).default(['request', 'debug', 'static']),
  })
  .strict()

/**
 * The zod schema of the settings object. Keys are Django's names.
 *
 * @example
 * ```ts
 * const parsed = settingsSchema.safeParse({ DEBUG: true })
 * ```
 */
export const settingsSchema = z
  .object({
    DEBUG: z.boolean().default(false),
    /** Signs cookies and tokens. Required when DEBUG is false. */
    SECRET_KEY: z.string().default(''),
    /** Host names this site serves; `.example.com` matches subdomains, `*` matches all. */
    ALLOWED_HOSTS: z.array(z.string()).default([]),
    /** Apps: folders with models, urls, views, templates, migrations. */
    INSTALLED_APPS: z.array(z.string()).default([]),
    /** Middleware, outermost first: a built-in's name or a factory `(getResponse) => handler`. */
    MIDDLEWARE: z.array(z.union([z.string(), fn])).default([]),
    /** The URLconf: a module path to import, or the module (an object with `urlpatterns`). */
    ROOT_URLCONF: z
      .union([
        z.string().min(1),
        z.custom<object>((v) => typeof v === 'object' && v !== null, {
          message: 'expected a module path or a URLconf object',
        }),
      ])
      .optional(),
    TEMPLATES: templatesSchema.default({
      DIRS: ['templates'],
      APP_DIRS: true,
      CONTEXT_PROCESSORS: ['request', 'debug', 'static'],
    }),
    STATIC_URL: z.string().default('/static/'),
    STATIC_ROOT: z.string().optional(),
    STATICFILES_DIRS: z.array(z.string()).default([]),
    DATABASES: z
      .record(z.string(), databaseSchema)
      .default({ default: { URL: 'sqlite:db.sqlite3' } }),
    /** Largest request body (bytes, files excluded) read into memory; `null` disables. 413 past it. */
    DATA_UPLOAD_MAX_MEMORY_SIZE: z.number().int().nonnegative().nullable().default(2_621_440),
    /** Most GET/POST fields accepted; `null` disables. 400 past it. */
    DATA_UPLOAD_MAX_NUMBER_FIELDS: z.number().int().nonnegative().nullable().default(1000),
    /** Uploaded files larger than this (bytes) are streamed to a temporary file. */
    FILE_UPLOAD_MAX_MEMORY_SIZE: z.number().int().nonnegative().default(2_621_440),
    /** Where temporary upload files go (default: the OS temp dir). */
    FILE_UPLOAD_TEMP_DIR: z.string().optional(),
    APPEND_SLASH: z.boolean().default(true),
    SECURE_HSTS_SECONDS: z.number().int().nonnegative().default(0),
    SECURE_HSTS_INCLUDE_SUBDOMAINS: z.boolean().default(false),
    SECURE_HSTS_PRELOAD: z.boolean().default(false),
    SECURE_CONTENT_TYPE_NOSNIFF: z.boolean().default(true),
    SECURE_REFERRER_POLICY: z.string().nullable().default('same-origin'),
    SECURE_CROSS_ORIGIN_OPENER_POLICY: z.string().nullable().default('same-origin'),
    SECURE_SSL_REDIRECT: z.boolean().default(false),
    SECURE_SSL_HOST: z.string().nullable().default(null),
    SECURE_REDIRECT_EXEMPT: z.array(z.string()).default([]),
    X_FRAME_OPTIONS: z.enum(['DENY', 'SAMEORIGIN']).default('DENY'),
    /** Sessions (framework/contrib/sessions, docs/sessions.md). */
    /** `db` (default), `signed_cookies`, or a factory `(settings) => SessionBackend`. */
    SESSION_ENGINE: z.union([z.enum(['db', 'signed_cookies']), fn]).default('db'),
    SESSION_COOKIE_NAME: z.string().default('sessionid'),
    SESSION_COOKIE_AGE: z.number().int().positive().default(1_209_600),
    SESSION_COOKIE_DOMAIN: z.string().nullable().default(null),
    SESSION_COOKIE_PATH: z.string().default('/'),
    SESSION_COOKIE_SECURE: z.boolean().default(false),
    SESSION_COOKIE_HTTPONLY: z.boolean().default(true),
    SESSION_COOKIE_SAMESITE: z.enum(['Lax', 'Strict', 'None']).nullable().default('Lax'),
    SESSION_EXPIRE_AT_BROWSER_CLOSE: z.boolean().default(false),
    SESSION_SAVE_EVERY_REQUEST: z.boolean().default(false),
    /** Only JSON: a serializer that revives objects would turn a leaked key into code execution. */
    SESSION_SERIALIZER: z.enum(['json']).default('json'),
    /** CSRF protection (framework/contrib/csrf, docs/csrf.md). */
    CSRF_COOKIE_NAME: z.string().default('csrftoken'),
    CSRF_COOKIE_AGE: z.number().int().positive().nullable().default(31_449_600),
    CSRF_COOKIE_DOMAIN: z.string().nullable().default(null),
    CSRF_COOKIE_PATH: z.string().default('/'),
    CSRF_COOKIE_SECURE: z.boolean().default(false),
    CSRF_COOKIE_HTTPONLY: z.boolean().default(false),
    CSRF_COOKIE_SAMESITE: z.enum(['Lax', 'Strict', 'None']).nullable().default('Lax'),
    /** The environ key of the token header (X-CSRFToken). */
    CSRF_HEADER_NAME: z.string().default('HTTP_X_CSRFTOKEN'),
    CSRF_TRUSTED_ORIGINS: z.array(z.string()).default([]),
    CSRF_USE_SESSIONS: z.boolean().default(false),
    /** A view `(request, reason) => response` for CSRF failures (default: the built-in 403 page). */
    CSRF_FAILURE_VIEW: fn.optional(),
    /** Messages (framework/contrib/messages, docs/sessions.md). */
    MESSAGE_STORAGE: z.enum(['fallback', 'cookie', 'session']).default('fallback'),
    MESSAGE_LEVEL: z.number().int().default(20),
    MESSAGE_TAGS: z.record(z.string(), z.string()).default({}),
    /** Project-wide error views, `(request, error) => response`; core falls back to defaults. */
    HANDLER404: fn.optional(),
    HANDLER500: fn.optional(),
    /** Auth (framework/contrib/auth): the user model's label, e.g. `'accounts.Customer'`. */
    AUTH_USER_MODEL: z.string().regex(/^[a-z_][a-z0-9_]*\.[A-Z][A-Za-z0-9]*$/).default('auth.User'),
    /** Password hashers, preferred first: algorithm names or hasher objects (auth's docs). */
    PASSWORD_HASHERS: z
      .array(z.union([z.string(), z.custom<object>((v) => typeof v === 'object' && v !== null)]))
      .default(['pbkdf2_sha256', 'pbkdf2_sha1', 'scrypt']),
    /** Password validators: `{ NAME, OPTIONS? }`, NAME a built-in validator's name. */
    AUTH_PASSWORD_VALIDATORS: z
      .array(z.object({ NAME: z.string(), OPTIONS: z.record(z.string(), z.unknown()).optional() }))
      .default([]),
    LOGIN_URL: z.string().default('/accounts/login/'),
    LOGIN_REDIRECT_URL: z.string().default('/accounts/profile/'),
    LOGOUT_REDIRECT_URL: z.string().nullable().default(null),
    /** Seconds a password reset link stays valid (three days). */
    PASSWORD_RESET_TIMEOUT: z.number().int().positive().default(259_200),
    /** Email: `smtp`, `console`, `file` or `locmem` (Django's backends, by their short name). */
    EMAIL_BACKEND: z.enum(['smtp', 'console', 'file', 'locmem']).default('smtp'),
    EMAIL_HOST: z.string().default('localhost'),
    EMAIL_PORT: z.number().int().min(1).max(65_535).default(25),
    EMAIL_HOST_USER: z.string().default(''),
    EMAIL_HOST_PASSWORD: z.string().default(''),
    EMAIL_USE_TLS: z.boolean().default(false),
    EMAIL_USE_SSL: z.boolean().default(false),
    /** Seconds before an SMTP connection attempt or reply times out; `null`: no limit. */
    EMAIL_TIMEOUT: z.number().positive().nullable().default(null),
    /** The folder the `file` backend writes messages to. */
    EMAIL_FILE_PATH: z.string().optional(),
    EMAIL_SUBJECT_PREFIX: z.string().default('[Django] '),
    DEFAULT_FROM_EMAIL: z.string().default('webmaster@localhost'),
    SERVER_EMAIL: z.string().default('root@localhost'),
  })
  .strict()

/** What `defineSettings()` accepts: every key optional. */
export type SettingsInput = z.input<typeof settingsSchema>

/** The validated, frozen settings object every layer reads. */
export type Settings = Readonly<z.output<typeof settingsSchema>>
