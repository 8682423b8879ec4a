/**
 * @module The example project's settings, validated at start by defineSettings().
 *
 * Deployment overrides come from the environment: DATABASE_URL, SECRET_KEY, DEBUG and
 * ALLOWED_HOSTS (docs/settings.md).
 */
import { defineSettings } from '../framework/index.ts'
import { AuthenticationMiddleware } from '../framework/contrib/auth/index.ts'
import { csrf, CsrfViewMiddleware } from '../framework/contrib/csrf/index.ts'
import { MessageMiddleware } from '../framework/contrib/messages/index.ts'
import { SessionMiddleware } from '../framework/contrib/sessions/index.ts'

export const settings = defineSettings({
  // Development defaults; production sets DEBUG=0 and a real SECRET_KEY in the environment.
  DEBUG: true,
  SECRET_KEY: 'dev-insecure-key-change-me-in-production-0123456789abcdef',
  ALLOWED_HOSTS: ['localhost', '127.0.0.1', '[::1]', 'testserver'],
  INSTALLED_APPS: [
    'framework/contrib/sessions',
    'framework/contrib/auth',
    'framework/contrib/messages',
    'framework/contrib/admin',
    'project/accounts',
    'project/polls',
    'project/blog',
  ],
  // CsrfViewMiddleware checks every POST (the forms carry `it.csrfInput`); it comes after
  // SessionMiddleware, as CSRF_USE_SESSIONS would need, and before the views run.
  MIDDLEWARE: [
    'SecurityMiddleware',
    'GZipMiddleware',
    'ConditionalGetMiddleware',
    SessionMiddleware,
    'CommonMiddleware',
    CsrfViewMiddleware,
    AuthenticationMiddleware,
    MessageMiddleware,
    'XFrameOptionsMiddleware',
  ],
  LOGIN_REDIRECT_URL: '/accounts/profile/',
  ROOT_URLCONF: 'project/urls.ts',
  TEMPLATES: {
    DIRS: ['templates'],
    APP_DIRS: true,
    CONTEXT_PROCESSORS: ['request', 'debug', 'static', 'user', 'messages', csrf],
  },
  STATIC_URL: '/static/',
  STATIC_ROOT: 'staticfiles',
  STATICFILES_DIRS: ['static'],
  DATABASES: { default: { URL: 'sqlite:db.sqlite3' } },
})
