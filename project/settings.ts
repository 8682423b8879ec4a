/**
 * @module The example project's settings, validated at start by defineSettings().
 *
 * Deployment overrides come from the environment: DATABASE_URL, SECRET_KEY, DEBUG and
 * ALLOWED_HOSTS (docs/settings.md).
 */
import { defineSettings } from '../framework/index.ts'

export const settings = defineSettings({
  // Development defaults; production sets DEBUG=0 and a real SECRET_KEY in the environment.
  DEBUG: true,
  SECRET_KEY: 'dev-insecure-key-change-me-in-production-0123456789abcdef',
  ALLOWED_HOSTS: ['localhost', '127.0.0.1', '[::1]', 'testserver'],
  INSTALLED_APPS: ['project/polls', 'project/blog'],
  MIDDLEWARE: [
    'SecurityMiddleware',
    'GZipMiddleware',
    'ConditionalGetMiddleware',
    'CommonMiddleware',
    'XFrameOptionsMiddleware',
  ],
  ROOT_URLCONF: 'project/urls.ts',
  TEMPLATES: {
    DIRS: ['templates'],
    APP_DIRS: true,
    CONTEXT_PROCESSORS: ['request', 'debug', 'static'],
  },
  STATIC_URL: '/static/',
  STATIC_ROOT: 'staticfiles',
  STATICFILES_DIRS: ['static'],
  DATABASES: { default: { URL: 'sqlite:db.sqlite3' } },
})
