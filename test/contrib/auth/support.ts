/**
 * Test helpers for the auth tests: a fresh SQLite file with the sessions and auth tables, fast
 * test hashers (1,000 PBKDF2 iterations: the algorithm is the same, the cost is not what is
 * under test here), and an application with the auth URLs plus a few protected views, driven by
 * the real test Client.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { defineSettings, type Settings, type SettingsInput } from '../../../framework/conf/index.ts'
import { getGatewayApplication } from '../../../framework/core/index.ts'
import { closeConnections, configureDatabases, createTables } from '../../../framework/db/index.ts'
import { HttpResponse, type HttpRequest } from '../../../framework/http/index.ts'
import { include, path } from '../../../framework/urls/index.ts'
import { TemplateView } from '../../../framework/views/index.ts'
import { Session, SessionMiddleware } from '../../../framework/contrib/sessions/index.ts'
import {
  AuthenticationMiddleware,
  Group,
  LoginRequiredMixin,
  Pbkdf2Sha256Hasher,
  Permission,
  PermissionRequiredMixin,
  User,
  authUrlpatterns,
  loginRequired,
  permissionRequired,
  userPassesTest,
} from '../../../framework/contrib/auth/index.ts'
import { Client } from '../../../framework/testing/index.ts'

export const SECRET = 'auth-tests-secret-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFG'

/** A fast hasher for tests that are not about hashing cost. */
export const fastHasher = new Pbkdf2Sha256Hasher({ iterations: 1000 })

/** A SQLite file in a temp dir with the sessions and auth tables. */
export async function authDatabase(): Promise<{ dir: string; dispose(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'auth-test-'))
  await configureDatabases({ default: `sqlite:${join(dir, 'db.sqlite3')}` })
  await createTables([Session, Permission, Group, User])
  return {
    dir,
    dispose: async () => {
      await closeConnections()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

const whoami = loginRequired(
  (request: HttpRequest) => new HttpResponse(`hello ${request.user.getUsername()}`),
)

class SecretPage extends LoginRequiredMixin(TemplateView) {
  override async get(request: HttpRequest) {
    return new HttpResponse(`secret for ${request.user.getUsername()}`)
  }
}

class EditPage extends PermissionRequiredMixin(TemplateView) {
  override permissionRequired = ['auth.change_group']
  override async get() {
    return new HttpResponse('edit page')
  }
}

/** The URLconf: the auth URLs under accounts/ and protected views. */
export const urlpatterns = [
  path('accounts/', include(authUrlpatterns)),
  path('whoami/', whoami, { name: 'whoami' }),
  path(
    'me/',
    (request: HttpRequest) =>
      new HttpResponse(`${request.user.constructor.name} ${request.user.isAuthenticated}`),
    { name: 'me' },
  ),
  path(
    'touch/',
    (request: HttpRequest) => {
      request.session.set('visited', true)
      return new HttpResponse('touched')
    },
    { name: 'touch' },
  ),
  path('secret/', SecretPage.asView(), { name: 'secret' }),
  path('edit/', EditPage.asView(), { name: 'edit' }),
  path(
    'groups/',
    permissionRequired('auth.view_group')(() => new HttpResponse('groups list')),
    { name: 'groups' },
  ),
  path(
    'staff/',
    userPassesTest((user) => user.isAuthenticated && !!user.isStaff)(
      () => new HttpResponse('staff only'),
    ),
    { name: 'staff' },
  ),
]

/** Settings for the auth tests (real middleware, real templates, locmem email). */
export function authSettings(overrides: SettingsInput = {}): Settings {
  return defineSettings(
    {
      DEBUG: false,
      SECRET_KEY: SECRET,
      ALLOWED_HOSTS: ['testserver'],
      INSTALLED_APPS: ['framework/contrib/sessions', 'framework/contrib/auth'],
      MIDDLEWARE: [SessionMiddleware, AuthenticationMiddleware],
      ROOT_URLCONF: { urlpatterns },
      PASSWORD_HASHERS: [fastHasher],
      EMAIL_BACKEND: 'locmem',
      TEMPLATES: { DIRS: [], APP_DIRS: true, CONTEXT_PROCESSORS: ['request', 'user'] },
      ...overrides,
    },
    { env: {} },
  )
}

/** A Client over the test application. */
export function authClient(settings: Settings = authSettings()): Client {
  return new Client(getGatewayApplication(settings))
}

/** Logs `client` in through the real login view; returns the response. */
export function logIn(client: Client, username: string, password: string, next?: string) {
  return client.post(`/accounts/login/${next ? `?next=${encodeURIComponent(next)}` : ''}`, {
    username,
    password,
  })
}
