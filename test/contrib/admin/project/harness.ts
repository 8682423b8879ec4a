/**
 * The admin test project: a SQLite file in a temp dir (or a PostgreSQL schema) with the auth, sessions, admin and
 * adminpolls tables, default permissions, three users (a superuser, a view-only staff user and
 * a non-staff user), and the gateway application with sessions and auth middleware. CSRF
 * middleware is left out on purpose: the admin must protect its own POSTs.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defineSettings, type Settings } from '../../../../framework/conf/index.ts'
import { getGatewayApplication } from '../../../../framework/core/index.ts'
import {
  closeConnections,
  configureDatabases,
  createTables,
  type AnyModelClass,
} from '../../../../framework/db/index.ts'
import type { Application } from '../../../../framework/gateway/index.ts'
import { path } from '../../../../framework/urls/index.ts'
import { staticfilesUrlpatterns } from '../../../../framework/contrib/staticfiles/index.ts'
import { SessionMiddleware, Session } from '../../../../framework/contrib/sessions/index.ts'
import {
  AuthenticationMiddleware,
  Group,
  Permission,
  Pbkdf2Sha256Hasher,
  User,
  createPermissions,
  createSuperuser,
  createUser,
} from '../../../../framework/contrib/auth/index.ts'
import { MessageMiddleware } from '../../../../framework/contrib/messages/index.ts'
import { LogEntry } from '../../../../framework/contrib/admin/index.ts'
import { openTestDatabase, type BackendCase } from '../../../db/backends.ts'
import { site } from './admin.ts'
import { pollModels } from './models.ts'

export const ADMIN_APP = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../../framework/contrib/admin',
)
export const PASSWORD = 'correct horse battery staple'

/** The test project, running. */
export interface AdminProject {
  readonly settings: Settings
  readonly application: Application
  readonly dbPath: string
  dispose(): Promise<void>
}

/** Builds the project on a fresh SQLite file. */
export async function startAdminProject(
  options: { templateDirs?: string[]; backend?: BackendCase['name'] } = {},
): Promise<AdminProject> {
  const dir = mkdtempSync(join(tmpdir(), 'admin-test-'))
  const dbPath = join(dir, 'db.sqlite3')
  // PostgreSQL: a schema of its own (test/db/backends.ts); SQLite: a file in the temp dir.
  const pgDatabase =
    options.backend === 'postgresql' ? await openTestDatabase('postgresql') : undefined
  if (!pgDatabase) await configureDatabases({ default: `sqlite:${dbPath}` })
  const models = [
    Permission,
    Group,
    User,
    Session,
    LogEntry,
    ...pollModels,
  ] as unknown as AnyModelClass[]
  await createTables(models)
  await createPermissions(models)
  const common = {
    DEBUG: true,
    SECRET_KEY: 'admin-tests-secret-key-that-is-long-enough-0123456789',
    ALLOWED_HOSTS: ['*'],
    INSTALLED_APPS: [ADMIN_APP],
    MIDDLEWARE: [SessionMiddleware, AuthenticationMiddleware, MessageMiddleware],
    PASSWORD_HASHERS: [new Pbkdf2Sha256Hasher({ iterations: 1000 })],
    TEMPLATES: {
      DIRS: options.templateDirs ?? [],
      APP_DIRS: true,
      CONTEXT_PROCESSORS: ['request', 'debug', 'static'],
    },
  }
  // Why two steps: the static files patterns are built from the settings.
  const urlpatterns = [path('admin/', site.urls), ...staticfilesUrlpatterns(defineSettings(common))]
  const project = defineSettings({ ...common, ROOT_URLCONF: { urlpatterns } })
  await createSuperuser(
    { username: 'root', email: 'root@example.com', password: PASSWORD },
    project,
  )
  const viewer = await createUser(
    { username: 'viewer', password: PASSWORD, isStaff: true },
    project,
  )
  const viewPerms = await Permission.objects
    .filter({ codename__in: ['view_question', 'view_choice', 'view_category'] })
    .list()
  await (
    viewer as unknown as { userPermissions: { add(...p: unknown[]): Promise<void> } }
  ).userPermissions.add(...viewPerms)
  await createUser({ username: 'plain', password: PASSWORD }, project)
  return {
    settings: project,
    application: getGatewayApplication(project),
    dbPath,
    async dispose() {
      await closeConnections()
      await pgDatabase?.dispose()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
