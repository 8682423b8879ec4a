/**
 * @module Settings of the benchmark's full-framework application: production mode (DEBUG off),
 * the middleware of a new project (security, sessions in the database, CSRF, clickjacking),
 * compiled templates cached, and the SQLite file the bench seeded (BENCH_DB).
 */
import { resolve } from 'node:path'
import { CsrfViewMiddleware } from '../../../framework/contrib/csrf/index.ts'
import { SessionMiddleware } from '../../../framework/contrib/sessions/index.ts'
import { defineSettings } from '../../../framework/index.ts'

const here = import.meta.dirname

export const settings = defineSettings({
  DEBUG: false,
  SECRET_KEY: 'bench-only-secret-key-0123456789abcdef-0123456789abcdef',
  ALLOWED_HOSTS: ['127.0.0.1', 'localhost'],
  MIDDLEWARE: [
    'SecurityMiddleware',
    SessionMiddleware,
    'CommonMiddleware',
    CsrfViewMiddleware,
    'XFrameOptionsMiddleware',
  ],
  ROOT_URLCONF: resolve(here, 'urls.ts'),
  TEMPLATES: { DIRS: [resolve(here, 'templates')], APP_DIRS: false, CONTEXT_PROCESSORS: [] },
  DATABASES: {
    default: { URL: `sqlite:${process.env.BENCH_DB ?? resolve(here, 'bench.sqlite3')}` },
  },
})
