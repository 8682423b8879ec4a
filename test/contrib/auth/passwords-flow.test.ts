/**
 * Password change and reset through the views, with the attacks that must fail: a session kept
 * alive after a password change elsewhere, a reset token used twice, after a password change,
 * after expiry, or tampered with; and no account enumeration by the reset form.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { outbox } from '../../../framework/core/index.ts'
import {
  PasswordResetTokenGenerator,
  User,
  createUser,
  encodeUid,
  setPassword,
  type AuthUser,
} from '../../../framework/contrib/auth/index.ts'
import { Session } from '../../../framework/contrib/sessions/index.ts'
import type { Client } from '../../../framework/testing/index.ts'
import { authClient, authDatabase, authSettings, logIn } from './support.ts'

const settings = authSettings({
  AUTH_PASSWORD_VALIDATORS: [
    { NAME: 'MinimumLengthValidator', OPTIONS: { minLength: 10 } },
    { NAME: 'CommonPasswordValidator' },
    { NAME: 'NumericPasswordValidator' },
    { NAME: 'UserAttributeSimilarityValidator' },
  ],
})
let db: Awaited<ReturnType<typeof authDatabase>>

beforeAll(async () => {
  db = await authDatabase()
})
afterAll(async () => {
  await db.dispose()
})
beforeEach(async () => {
  outbox.length = 0
  await Session.objects.all().delete()
  await User.objects.all().delete()
  await createUser(
    { username: 'ada', email: 'ada@example.com', password: 'analytical engine' },
    settings,
  )
})

async function ada(): Promise<AuthUser> {
  return (await User.objects.get({ username: 'ada' })) as unknown as AuthUser
}

function changePassword(client: Client, old: string, next: string, again = next) {
  return client.post('/accounts/password_change/', {
    oldPassword: old,
    newPassword1: next,
    newPassword2: again,
  })
}

describe('PasswordChangeView', () => {
  it('is for logged-in users only', async () => {
    const response = await authClient(settings).get('/accounts/password_change/')
    expect(response.headers.get('Location')).toBe(
      '/accounts/login/?next=%2Faccounts%2Fpassword_change%2F',
    )
  })

  it('changes the password and keeps this session logged in', async () => {
    const client = authClient(settings)
    await logIn(client, 'ada', 'analytical engine')
    const response = await changePassword(client, 'analytical engine', 'poetical science 1843')
    expect(response.status).toBe(302)
    expect(response.headers.get('Location')).toBe('/accounts/password_change/done/')
    expect((await client.get('/whoami/')).text).toBe('hello ada')
    expect((await logIn(authClient(settings), 'ada', 'poetical science 1843')).status).toBe(302)
  })

  it('refuses a wrong old password, a mismatch, and passwords the validators reject', async () => {
    const client = authClient(settings)
    await logIn(client, 'ada', 'analytical engine')
    const wrongOld = await changePassword(client, 'nope', 'poetical science 1843')
    expect(wrongOld.status).toBe(200)
    expect(wrongOld.text).toContain('Your old password was entered incorrectly')
    const mismatch = await changePassword(
      client,
      'analytical engine',
      'poetical science 1843',
      'other thing 1843',
    )
    expect(mismatch.text).toContain('didn’t match')
    const weak = await changePassword(client, 'analytical engine', '12345678')
    expect(weak.text).toContain('too short')
    expect(weak.text).toContain('too common')
    expect(weak.text).toContain('entirely numeric')
    const similar = await changePassword(client, 'analytical engine', 'ada@example.com')
    expect(similar.text).toContain('too similar to the')
    // Still the old password.
    expect((await logIn(authClient(settings), 'ada', 'analytical engine')).status).toBe(302)
  })
})

describe('attack: a session kept after a password change', () => {
  it('logs out every other session of the user when they change their password', async () => {
    const laptop = authClient(settings)
    const stolenPhone = authClient(settings)
    await logIn(laptop, 'ada', 'analytical engine')
    await logIn(stolenPhone, 'ada', 'analytical engine')
    expect((await stolenPhone.get('/whoami/')).text).toBe('hello ada')
    await changePassword(laptop, 'analytical engine', 'poetical science 1843')
    expect((await laptop.get('/whoami/')).text).toBe('hello ada')
    expect((await stolenPhone.get('/whoami/')).status).toBe(302)
  })

  it('logs out sessions when the password is changed outside a request (admin, changepassword)', async () => {
    const client = authClient(settings)
    await logIn(client, 'ada', 'analytical engine')
    const user = await ada()
    await setPassword(user, 'set by an administrator', settings)
    await user.save()
    expect((await client.get('/whoami/')).status).toBe(302)
  })
})

/** Requests a reset for `email` and returns the link's path from the sent email. */
async function requestReset(email = 'ada@example.com'): Promise<string> {
  const response = await authClient(settings).post('/accounts/password_reset/', { email })
  expect(response.headers.get('Location')).toBe('/accounts/password_reset/done/')
  const message = outbox.at(-1)
  if (!message) throw new Error('no email was sent')
  const link = /http:\/\/testserver(\/accounts\/reset\/[^\s]+\/)/.exec(message.body)
  if (!link) throw new Error(`no reset link in:\n${message.body}`)
  return link[1] as string
}

/** Follows a reset link and submits a new password; returns the final response. */
async function useLink(link: string, password = 'a brand new secret') {
  const client = authClient(settings)
  const opened = await client.get(link)
  if (opened.status !== 302) return opened
  const form = opened.headers.get('Location') as string
  expect(form).toMatch(/\/set-password\/$/)
  const shown = await client.get(form)
  if (!shown.context?.['validlink']) return shown
  return client.post(form, { newPassword1: password, newPassword2: password })
}

describe('password reset', () => {
  it('emails a link; the link sets a new password that logs in', async () => {
    const link = await requestReset()
    const message = outbox[0]
    expect(message?.to).toEqual(['ada@example.com'])
    expect(message?.subject).toBe('Password reset on testserver')
    expect(message?.body).toContain('Your username, in case you’ve forgotten: ada')
    const done = await useLink(link)
    expect(done.status).toBe(302)
    expect(done.headers.get('Location')).toBe('/accounts/reset/done/')
    expect((await logIn(authClient(settings), 'ada', 'a brand new secret')).status).toBe(302)
  })

  it('moves the token out of the URL before showing the form (no Referer leak)', async () => {
    const link = await requestReset()
    const client = authClient(settings)
    const opened = await client.get(link)
    expect(opened.status).toBe(302)
    const token = link.split('/').at(-2) as string
    expect(opened.headers.get('Location')).not.toContain(token)
  })

  it('answers an unknown address exactly like a known one, and sends nothing', async () => {
    const response = await authClient(settings).post('/accounts/password_reset/', {
      email: 'nobody@example.com',
    })
    expect(response.status).toBe(302)
    expect(response.headers.get('Location')).toBe('/accounts/password_reset/done/')
    expect(outbox).toHaveLength(0)
  })
})

describe('attack: password reset token reuse and forgery', () => {
  it('refuses a token used twice', async () => {
    const link = await requestReset()
    expect((await useLink(link)).status).toBe(302)
    const again = await useLink(link, 'attacker chosen pass')
    expect(again.status).toBe(200)
    expect(again.context?.['validlink']).toBe(false)
    expect(again.text).toContain('Password reset unsuccessful')
    expect((await logIn(authClient(settings), 'ada', 'attacker chosen pass')).status).toBe(200)
  })

  it('refuses a token after the password changed another way', async () => {
    const link = await requestReset()
    const user = await ada()
    await setPassword(user, 'changed meanwhile 42', settings)
    await user.save()
    const response = await useLink(link)
    expect(response.context?.['validlink']).toBe(false)
  })

  it('refuses a token after the user logged in again (lastLogin is in the HMAC)', async () => {
    const link = await requestReset()
    await new Promise((resolve) => setTimeout(resolve, 1100)) // lastLogin has second precision in the token
    await logIn(authClient(settings), 'ada', 'analytical engine')
    expect((await useLink(link)).context?.['validlink']).toBe(false)
  })

  it('refuses an expired token and accepts it just before expiry', async () => {
    const user = await ada()
    const made = Date.now()
    const token = new PasswordResetTokenGenerator(settings, { now: () => made }).makeToken(user)
    const at = (ms: number) => new PasswordResetTokenGenerator(settings, { now: () => ms })
    expect(at(made + (settings.PASSWORD_RESET_TIMEOUT - 1) * 1000).checkToken(user, token)).toBe(
      true,
    )
    expect(at(made + (settings.PASSWORD_RESET_TIMEOUT + 2) * 1000).checkToken(user, token)).toBe(
      false,
    )
  })

  it('refuses tampered tokens, another user’s token and garbage', async () => {
    const user = await ada()
    const other = await createUser(
      { username: 'eve', email: 'eve@example.com', password: 'eve password 1' },
      settings,
    )
    const tokens = new PasswordResetTokenGenerator(settings)
    const token = tokens.makeToken(user)
    const [ts, mac] = token.split('-') as [string, string]
    expect(tokens.checkToken(other, token)).toBe(false)
    expect(
      tokens.checkToken(user, `${ts}-${mac.slice(0, -1)}${mac.endsWith('0') ? '1' : '0'}`),
    ).toBe(false)
    expect(tokens.checkToken(user, `${(Number.parseInt(ts, 36) + 1).toString(36)}-${mac}`)).toBe(
      false,
    )
    for (const bad of ['', 'x', '-', `${ts}-`, 'zzzzzzzzzzzzzzzzzz-abc', null, 42]) {
      expect(tokens.checkToken(user, bad)).toBe(false)
    }
    // A link for eve with ada's token shows the invalid page.
    const response = await useLink(`/accounts/reset/${encodeUid(other.pk as number)}/${token}/`)
    expect(response.context?.['validlink']).toBe(false)
  })

  it('answers malformed uids with the invalid-link page, never a crash', async () => {
    for (const uid of ['!!!', 'AAAA', encodeUid('99999999999999999999'), encodeUid(424242)]) {
      const response = await authClient(settings).get(
        `/accounts/reset/${encodeURIComponent(uid)}/1-abc/`,
      )
      expect([uid, response.status]).toEqual([uid, 200])
      expect(response.context?.['validlink']).toBe(false)
    }
  })
})
