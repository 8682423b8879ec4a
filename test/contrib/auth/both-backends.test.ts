/**
 * The auth flow on both database backends (SQLite and PostgreSQL at 127.0.0.1:5432, its own
 * schema): users, default permissions, group permissions, login through the view, 403/redirect,
 * a reset token dying after use, the session dying after a password change.
 */
import { expect, it } from 'vitest'
import { Session } from '../../../framework/contrib/sessions/index.ts'
import {
  Group,
  Permission,
  PasswordResetTokenGenerator,
  User,
  createPermissions,
  createUser,
  hasPerm,
  setPassword,
} from '../../../framework/contrib/auth/index.ts'
import { describeEachBackend } from '../../db/backends.ts'
import { authClient, authSettings, logIn } from './support.ts'

const settings = authSettings()

describeEachBackend('auth', [Session, Permission, Group, User] as never, () => {
  it('runs the login, permission and password flows', async () => {
    expect(await createPermissions([Session, Permission, Group, User])).toBe(16)
    const ada = await createUser(
      { username: 'ada', email: 'ada@example.com', password: 'analytical engine' },
      settings,
    )
    const client = authClient(settings)
    expect((await client.get('/groups/')).status).toBe(302)
    expect((await logIn(client, 'ada', 'analytical engine')).status).toBe(302)
    expect((await client.get('/whoami/')).text).toBe('hello ada')
    expect((await client.get('/groups/')).status).toBe(403)

    const viewers = await Group.objects.create({ name: 'viewers' })
    await viewers.permissions.add(await Permission.objects.get({ codename: 'view_group' }))
    const row = await User.objects.get({ username: 'ada' })
    await row.groups.add(viewers)
    expect(await hasPerm(row as never, 'auth.view_group', settings)).toBe(true)
    expect((await client.get('/groups/')).text).toBe('groups list')

    const tokens = new PasswordResetTokenGenerator(settings)
    const token = tokens.makeToken(ada)
    expect(tokens.checkToken(ada, token)).toBe(true)
    await setPassword(ada, 'changed by admin', settings)
    await ada.save()
    expect(tokens.checkToken(ada, token)).toBe(false)
    expect((await client.get('/whoami/')).status).toBe(302)
  })
})
