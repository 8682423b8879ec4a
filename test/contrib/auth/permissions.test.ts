/**
 * Permissions and access control: default permissions per model, user and group permissions,
 * superusers, and the decorators and mixins (anonymous → login with next; logged in without
 * permission → 403).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { HttpResponse } from '../../../framework/http/index.ts'
import { path } from '../../../framework/urls/index.ts'
import {
  AnonymousUser,
  Group,
  Permission,
  User,
  createPermissions,
  createSuperuser,
  createUser,
  getAllPermissions,
  hasPerm,
  permissionRequired,
  urlHasAllowedHostAndScheme,
} from '../../../framework/contrib/auth/index.ts'
import { Session } from '../../../framework/contrib/sessions/index.ts'
import { authClient, authDatabase, authSettings, logIn, urlpatterns } from './support.ts'

const settings = authSettings()
let db: Awaited<ReturnType<typeof authDatabase>>

beforeAll(async () => {
  db = await authDatabase()
  await createPermissions([Session, Permission, Group, User])
})
afterAll(async () => {
  await db.dispose()
})
beforeEach(async () => {
  await Session.objects.all().delete()
  await User.objects.all().delete()
  await Group.objects.all().delete()
  await createUser({ username: 'bob', password: 'plain user pass' }, settings)
})

async function perm(codename: string) {
  return Permission.objects.get({ codename })
}

describe('createPermissions', () => {
  it('creates add, change, delete and view for every model, named like Django', async () => {
    const rows = await Permission.objects
      .filter({ contentType: 'auth.group' })
      .valuesList(['codename'], { flat: true })
      .list()
    expect(rows.sort()).toEqual(['add_group', 'change_group', 'delete_group', 'view_group'])
    expect((await perm('add_user')).name).toBe('Can add user')
    expect((await perm('view_session')).contentType).toBe('sessions.session')
  })

  it('is idempotent: running it again creates nothing', async () => {
    const before = await Permission.objects.count()
    expect(await createPermissions([Session, Permission, Group, User])).toBe(0)
    expect(await Permission.objects.count()).toBe(before)
  })
})

describe('hasPerm', () => {
  it('answers from the user’s own permissions and from its groups', async () => {
    const bob = await User.objects.get({ username: 'bob' })
    expect(await hasPerm(bob as never, 'auth.view_group', settings)).toBe(false)
    await bob.userPermissions.add(await perm('view_group'))
    const editors = await Group.objects.create({ name: 'editors' })
    await editors.permissions.add(await perm('change_group'))
    await bob.groups.add(editors)
    const fresh = await User.objects.get({ username: 'bob' })
    expect([...(await getAllPermissions(fresh as never, settings))].sort()).toEqual([
      'auth.change_group',
      'auth.view_group',
    ])
    expect(await hasPerm(fresh as never, 'auth.change_group', settings)).toBe(true)
    expect(await hasPerm(fresh as never, 'auth.delete_group', settings)).toBe(false)
  })

  it('gives an active superuser every permission, an inactive one none', async () => {
    const root = await createSuperuser({ username: 'root', password: 'x' }, settings)
    expect(await hasPerm(root, 'anything.at_all', settings)).toBe(true)
    root.isActive = false
    expect(await hasPerm(root, 'auth.view_group', settings)).toBe(false)
  })
})

describe('attack: anonymous user on a protected view', () => {
  for (const [path, label] of [
    ['/whoami/', 'loginRequired'],
    ['/secret/', 'LoginRequiredMixin'],
    ['/groups/', 'permissionRequired'],
    ['/edit/', 'PermissionRequiredMixin'],
    ['/staff/', 'userPassesTest'],
  ] as const) {
    it(`${label}: redirects to LOGIN_URL with next=${path}`, async () => {
      const response = await authClient(settings).get(`${path}?q=1`)
      expect(response.status).toBe(302)
      expect(response.headers.get('Location')).toBe(
        `/accounts/login/?next=${encodeURIComponent(`${path}?q=1`)}`,
      )
    })
  }

  it('uses a custom LOGIN_URL', async () => {
    const response = await authClient(authSettings({ LOGIN_URL: '/signin/' })).get('/whoami/')
    expect(response.headers.get('Location')).toBe('/signin/?next=%2Fwhoami%2F')
  })

  it('the redirect round trip lands back on the page after login', async () => {
    const client = authClient(settings)
    const first = await client.get('/secret/')
    const loginPage = first.headers.get('Location') as string
    const done = await client.post(
      loginPage,
      { username: 'bob', password: 'plain user pass' },
      { follow: true },
    )
    expect(done.status).toBe(200)
    expect(done.text).toBe('secret for bob')
  })
})

describe('attack: logged-in user without permission', () => {
  it('permissionRequired answers 403 and never runs the view', async () => {
    const client = authClient(settings)
    await logIn(client, 'bob', 'plain user pass')
    const response = await client.get('/groups/')
    expect(response.status).toBe(403)
    expect(response.text).not.toContain('groups list')
  })

  it('PermissionRequiredMixin answers 403', async () => {
    const client = authClient(settings)
    await logIn(client, 'bob', 'plain user pass')
    expect((await client.get('/edit/')).status).toBe(403)
  })

  it('lets the user in once a group grants the permission', async () => {
    const client = authClient(settings)
    await logIn(client, 'bob', 'plain user pass')
    const viewers = await Group.objects.create({ name: 'viewers' })
    await viewers.permissions.add(await perm('view_group'))
    await (await User.objects.get({ username: 'bob' })).groups.add(viewers)
    const response = await client.get('/groups/')
    expect(response.status).toBe(200)
    expect(response.text).toBe('groups list')
  })

  it('userPassesTest sends a logged-in user who fails the test to login (Django’s default)', async () => {
    const client = authClient(settings)
    await logIn(client, 'bob', 'plain user pass')
    expect((await client.get('/staff/')).status).toBe(302)
    await User.objects.filter({ username: 'bob' }).update({ isStaff: true })
    expect((await client.get('/staff/')).text).toBe('staff only')
  })
})

describe('urlHasAllowedHostAndScheme', () => {
  const hosts = { allowedHosts: ['example.com'] }
  it('accepts paths and allowed hosts', () => {
    expect(urlHasAllowedHostAndScheme('/a/b?c=1', hosts)).toBe(true)
    expect(urlHasAllowedHostAndScheme('https://example.com/x', hosts)).toBe(true)
    expect(urlHasAllowedHostAndScheme('a/relative', hosts)).toBe(true)
  })
  it('refuses other hosts, schemes and browser-normalised tricks', () => {
    for (const bad of [
      '',
      'https://evil.com',
      '//evil.com',
      '///evil.com',
      '/\\evil.com',
      '\\/evil.com',
      'http:/\\/evil.com',
      'javascript:alert(1)',
      'data:text/html,x',
      'https://example.com@evil.com/',
      'https://user:pw@example.com/',
      '/\t/evil.com',
      'ftp://example.com/',
    ]) {
      expect([bad, urlHasAllowedHostAndScheme(bad, hosts)]).toEqual([bad, false])
    }
  })
  it('requires https when asked', () => {
    expect(
      urlHasAllowedHostAndScheme('http://example.com/', { ...hosts, requireHttps: true }),
    ).toBe(false)
    expect(
      urlHasAllowedHostAndScheme('https://example.com/', { ...hosts, requireHttps: true }),
    ).toBe(true)
  })
})

describe('options', () => {
  it('permissionRequired with raiseException: false sends a logged-in user to log in (Django’s default)', async () => {
    const view = permissionRequired('auth.delete_group', { raiseException: false })(
      () => new HttpResponse('x'),
    )
    const client = authClient(
      authSettings({ ROOT_URLCONF: { urlpatterns: [...urlpatterns, path('soft/', view)] } }),
    )
    await logIn(client, 'bob', 'plain user pass')
    const response = await client.get('/soft/')
    expect(response.status).toBe(302)
    expect(response.headers.get('Location')).toBe('/accounts/login/?next=%2Fsoft%2F')
  })

  it('AnonymousUser has no permissions', async () => {
    expect(await hasPerm(new AnonymousUser(), 'auth.view_group', settings)).toBe(false)
  })
})
