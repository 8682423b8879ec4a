/**
 * LoginView, LogoutView, AuthenticationMiddleware and the session: through the test client, on a
 * SQLite file, with the real session middleware. Attacks have their own tests: session fixation,
 * off-site `next`, GET logout.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  AuthenticationMiddleware,
  User,
  createUser,
  makePassword,
  Pbkdf2Sha256Hasher,
} from '../../../framework/contrib/auth/index.ts'
import { Session, SessionMiddleware } from '../../../framework/contrib/sessions/index.ts'
import { captureQueries } from '../../../framework/db/index.ts'
import { authClient, authDatabase, authSettings, logIn } from './support.ts'

const settings = authSettings()
let db: Awaited<ReturnType<typeof authDatabase>>

beforeAll(async () => {
  db = await authDatabase()
})
afterAll(async () => {
  await db.dispose()
})
beforeEach(async () => {
  await Session.objects.all().delete()
  await User.objects.all().delete()
  await createUser(
    { username: 'ada', email: 'ada@example.com', password: 'analytical engine' },
    settings,
  )
})

describe('LoginView', () => {
  it('shows the login form with the default template', async () => {
    const response = await authClient(settings).get('/accounts/login/')
    expect(response.status).toBe(200)
    expect(response.templateName).toBe('registration/login.html')
    expect(response.text).toContain('name="username"')
    expect(response.text).toContain('type="password"')
  })

  it('logs in with the right password and redirects to LOGIN_REDIRECT_URL', async () => {
    const client = authClient(settings)
    const response = await logIn(client, 'ada', 'analytical engine')
    expect(response.status).toBe(302)
    expect(response.headers.get('Location')).toBe('/accounts/profile/')
    const who = await client.get('/whoami/')
    expect(who.text).toBe('hello ada')
    const ada = await User.objects.get({ username: 'ada' })
    expect(ada.lastLogin).toBeInstanceOf(Date)
  })

  it('re-renders the form with an error for a wrong password, and logs nobody in', async () => {
    const client = authClient(settings)
    const response = await logIn(client, 'ada', 'difference engine')
    expect(response.status).toBe(200)
    expect(response.text).toContain('Please enter a correct username and password')
    expect((await client.get('/whoami/')).status).toBe(302)
  })

  it('refuses an inactive user', async () => {
    await User.objects.filter({ username: 'ada' }).update({ isActive: false })
    const response = await logIn(authClient(settings), 'ada', 'analytical engine')
    expect(response.status).toBe(200)
    expect(response.text).toContain('Please enter a correct username and password')
  })

  it('goes to a same-site next after login', async () => {
    const response = await logIn(
      authClient(settings),
      'ada',
      'analytical engine',
      '/secret/?page=2',
    )
    expect(response.headers.get('Location')).toBe('/secret/?page=2')
  })

  it('upgrades a weaker stored hash at login', async () => {
    const weak = await makePassword('analytical engine', {
      PASSWORD_HASHERS: [new Pbkdf2Sha256Hasher({ iterations: 500 })],
    })
    await User.objects.filter({ username: 'ada' }).update({ password: weak })
    expect((await logIn(authClient(settings), 'ada', 'analytical engine')).status).toBe(302)
    const ada = await User.objects.get({ username: 'ada' })
    expect(ada.password).toMatch(/^pbkdf2_sha256\$1000\$/)
    expect(ada.password).not.toBe(weak)
  })
})

describe('attack: session fixation', () => {
  it('gives the session a new key at login, so a planted key is worthless', async () => {
    const attacker = authClient(settings)
    await attacker.get('/touch/')
    const planted = attacker.cookies.get('sessionid')
    expect(planted).toBeTruthy()
    const victim = authClient(settings)
    victim.cookies.set('sessionid', planted as string)
    await logIn(victim, 'ada', 'analytical engine')
    const after = victim.cookies.get('sessionid')
    expect(after).toBeTruthy()
    expect(after).not.toBe(planted)
    // The attacker, still holding the planted key, is not logged in.
    expect((await attacker.get('/whoami/')).status).toBe(302)
    expect((await victim.get('/whoami/')).text).toBe('hello ada')
  })
})

describe('attack: off-site next', () => {
  for (const next of [
    'https://evil.example/',
    '//evil.example/',
    '/\\evil.example/',
    '\\\\evil.example/',
    'javascript:alert(1)',
    'http://testserver@evil.example/',
    ' https://evil.example/',
  ]) {
    it(`ignores next=${JSON.stringify(next)} and goes to LOGIN_REDIRECT_URL`, async () => {
      const response = await logIn(authClient(settings), 'ada', 'analytical engine', next)
      expect(response.status).toBe(302)
      expect(response.headers.get('Location')).toBe('/accounts/profile/')
    })
  }

  it('accepts an absolute next on the same host', async () => {
    const response = await logIn(
      authClient(settings),
      'ada',
      'analytical engine',
      'http://testserver/secret/',
    )
    expect(response.headers.get('Location')).toBe('http://testserver/secret/')
  })
})

describe('LogoutView', () => {
  it('does not log out on GET (405): a link or an image cannot log anyone out', async () => {
    const client = authClient(settings)
    await logIn(client, 'ada', 'analytical engine')
    const response = await client.get('/accounts/logout/')
    expect(response.status).toBe(405)
    expect((await client.get('/whoami/')).text).toBe('hello ada')
  })

  it('logs out on POST: the session is flushed and the old key dies', async () => {
    const client = authClient(settings)
    await logIn(client, 'ada', 'analytical engine')
    const key = client.cookies.get('sessionid') as string
    const response = await client.post('/accounts/logout/', {})
    expect(response.status).toBe(200)
    expect(response.templateName).toBe('registration/logged_out.html')
    expect((await client.get('/whoami/')).status).toBe(302)
    const replay = authClient(settings)
    replay.cookies.set('sessionid', key)
    expect((await replay.get('/whoami/')).status).toBe(302)
  })

  it('redirects to LOGOUT_REDIRECT_URL when set', async () => {
    const custom = authSettings({ LOGOUT_REDIRECT_URL: '/bye/' })
    const client = authClient(custom)
    await logIn(client, 'ada', 'analytical engine')
    const response = await client.post('/accounts/logout/', {})
    expect(response.headers.get('Location')).toBe('/bye/')
  })
})

describe('AuthenticationMiddleware', () => {
  it('makes request.user AnonymousUser without a session, with no query for the user', async () => {
    const { result, queries } = await captureQueries(() => authClient(settings).get('/me/'))
    expect(result.text).toBe('AnonymousUser false')
    expect(queries).toEqual([])
  })

  it('logs out a session whose user was deleted', async () => {
    const client = authClient(settings)
    await logIn(client, 'ada', 'analytical engine')
    await User.objects.all().delete()
    expect((await client.get('/whoami/')).status).toBe(302)
  })

  it('makes request.user the logged-in user with one query for it', async () => {
    const client = authClient(settings)
    await logIn(client, 'ada', 'analytical engine')
    const { result, queries } = await captureQueries(() => client.get('/me/'))
    expect(result.text).toBe('User true')
    expect(queries.filter((q) => q.sql.includes('auth_user'))).toHaveLength(1)
  })
})

describe('bad input', () => {
  it('answers missing, oversized and odd fields with the form and its errors, never a crash', async () => {
    const client = authClient(settings)
    const empty = await client.post('/accounts/login/', {})
    expect(empty.status).toBe(200)
    expect(empty.text).toContain('required')
    const huge = await client.post('/accounts/login/', {
      username: 'a'.repeat(5000),
      password: 'x',
    })
    expect(huge.status).toBe(200)
    const odd = await client.post('/accounts/login/', {
      username: 'ada\u0000',
      password: '\u{1F600}',
    })
    expect(odd.status).toBe(200)
    const urlencoded = await client.post('/accounts/login/', 'username=ada&password=%ZZ', {
      contentType: 'application/x-www-form-urlencoded',
    })
    expect(urlencoded.status).toBeLessThan(500)
    const reset = await client.post('/accounts/password_reset/', { email: 'not an email' })
    expect(reset.status).toBe(200)
    expect(reset.text).toContain('email')
  })
})

describe('configuration errors at start-up', () => {
  it('refuses AuthenticationMiddleware without SessionMiddleware before it', () => {
    expect(() => authClient(authSettings({ MIDDLEWARE: [AuthenticationMiddleware] }))).toThrow(
      /list SessionMiddleware .* before it/,
    )
    expect(() =>
      authClient(authSettings({ MIDDLEWARE: [AuthenticationMiddleware, SessionMiddleware] })),
    ).toThrow(/auth|Session/)
  })

  it('names an unknown hasher or validator when the application is built', () => {
    expect(() => authClient(authSettings({ PASSWORD_HASHERS: ['md5'] }))).toThrow(
      /Unknown password hasher "md5"/,
    )
    expect(() =>
      authClient(authSettings({ AUTH_PASSWORD_VALIDATORS: [{ NAME: 'Nope' }] })),
    ).toThrow(/Unknown password validator "Nope"/)
  })
})
