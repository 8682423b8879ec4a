/**
 * The example project's account pages through the test Client: sign-up re-renders with its
 * errors, then creates the user and logs them in (the welcome message shown once by the base
 * layout); the profile page is for logged-in users only; log-out and log-in; CSRF is required.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Client } from '../../framework/testing/index.ts'
import type { Application } from '../../framework/gateway/index.ts'
import { postForm, projectWithDatabase } from './project-database.ts'

let application: Application
let cleanup: () => Promise<void>
beforeAll(async () => {
  ;({ application, cleanup } = await projectWithDatabase())
})
afterAll(() => cleanup())

const password = 'correct-horse-battery-9'

describe('sign-up, log-in, log-out', () => {
  it('re-renders the sign-up form with its errors (400) and keeps the username typed', async () => {
    const client = new Client(application)
    const response = await postForm(client, '/accounts/signup/', {
      username: 'ada',
      password1: password,
      password2: 'something-else-1',
    })
    expect(response.status).toBe(400)
    expect(response.text).toContain('The two password fields didn’t match.')
    expect(response.text).toMatch(/name="username"[^>]*value="ada"|value="ada"[^>]*name="username"/)
  })

  it('signs up, logs the new user in and shows the welcome message once', async () => {
    const client = new Client(application)
    const response = await postForm(
      client,
      '/accounts/signup/',
      { username: 'grace', password1: password, password2: password },
      { follow: true },
    )
    expect(response.redirectChain).toEqual([['/polls/', 302]])
    expect(response.text).toContain('Welcome, grace! Your account was created.')
    expect(response.text).toContain('<a href="/accounts/profile/">grace</a>')
    expect(response.text, 'the admin link is for staff only').not.toContain('>Admin</a>')
    const again = await client.get('/polls/')
    expect(again.text).not.toContain('Welcome, grace!')
    const profile = await client.get('/accounts/profile/')
    expect([profile.status, profile.text.includes('<strong id="username">grace</strong>')]).toEqual([200, true])
  })

  it('sends an anonymous visitor of the profile page to the log-in page with next', async () => {
    const response = await new Client(application).get('/accounts/profile/')
    expect([response.status, response.headers.get('Location')]).toEqual([
      302,
      '/accounts/login/?next=%2Faccounts%2Fprofile%2F',
    ])
  })

  it('logs out (POST), then logs in again with the password and lands on next', async () => {
    const client = new Client(application)
    await postForm(client, '/accounts/signup/', { username: 'linus', password1: password, password2: password })
    const out = await postForm(client, '/accounts/logout/', {})
    expect([out.status, out.headers.get('Location')]).toEqual([302, '/polls/'])
    expect((await client.get('/accounts/profile/')).status).toBe(302)
    const wrong = await postForm(client, '/accounts/login/', { username: 'linus', password: 'nope' })
    expect(wrong.status).toBe(200)
    expect(wrong.text).toMatch(/Please enter a correct username and password/)
    const login = await postForm(client, '/accounts/login/?next=/accounts/profile/', {
      username: 'linus',
      password,
      next: '/accounts/profile/',
    })
    expect([login.status, login.headers.get('Location')]).toEqual([302, '/accounts/profile/'])
    expect((await client.get('/accounts/profile/')).status).toBe(200)
  })

  it('refuses a sign-up without the CSRF token (403) and creates nobody', async () => {
    const client = new Client(application)
    const response = await client.post('/accounts/signup/', { username: 'mallory', password1: password, password2: password })
    expect(response.status).toBe(403)
    const { User } = await import('../../framework/contrib/auth/index.ts')
    expect(await User.objects.filter({ username: 'mallory' }).exists()).toBe(false)
  })
})
