import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HttpResponse, type HttpRequest } from '../../../framework/http/index.ts'
import { Session, SessionMiddleware } from '../../../framework/contrib/sessions/index.ts'
import { clientFor, sessionDatabase, setCookie } from './support.ts'

let db: Awaited<ReturnType<typeof sessionDatabase>>
beforeAll(async () => {
  db = await sessionDatabase()
})
afterAll(() => db.dispose())

const views = {
  '/set/': (request: HttpRequest) => {
    request.session.set('color', request.GET.get('color') ?? 'blue')
    return new HttpResponse('ok')
  },
  '/get/': (request: HttpRequest) => new HttpResponse(String(request.session.get('color', 'none'))),
  '/nothing/': () => new HttpResponse('no session touched'),
  '/login/': async (request: HttpRequest) => {
    await request.session.cycleKey()
    request.session.set('user', 'ada')
    return new HttpResponse(request.session.sessionKey ?? '')
  },
  '/logout/': async (request: HttpRequest) => {
    await request.session.flush()
    return new HttpResponse('bye')
  },
  '/short/': (request: HttpRequest) => {
    request.session.setExpiry(0)
    request.session.set('x', 1)
    return new HttpResponse('browser-close')
  },
  '/boom/': (request: HttpRequest) => {
    request.session.set('half', 'written')
    return new HttpResponse('fail', { status: 500 })
  },
}

const settings = { MIDDLEWARE: [SessionMiddleware] }

describe('SessionMiddleware with the database backend', () => {
  it('keeps a value across requests and stores one row with the expiry two weeks out', async () => {
    const client = clientFor(views, settings)
    await client.get('/set/', { color: 'green' })
    expect((await client.get('/get/')).text).toBe('green')
    const key = client.cookies.get('sessionid') ?? ''
    const row = await Session.objects.get({ sessionKey: key })
    expect(JSON.parse(row.sessionData)).toEqual({ color: 'green' })
    const days = (row.expireDate.getTime() - Date.now()) / 86_400_000
    expect(days).toBeGreaterThan(13.9)
  })

  it('sets the cookie HttpOnly, SameSite=Lax, Path=/ with Max-Age, and Secure when configured', async () => {
    const plain = await clientFor(views, settings).get('/set/')
    const cookie = setCookie(plain.headers, 'sessionid') ?? ''
    expect(cookie).toMatch(/; HttpOnly/)
    expect(cookie).toMatch(/; SameSite=Lax/)
    expect(cookie).toMatch(/Max-Age=1209600/)
    expect(cookie).not.toMatch(/Secure/)
    const secure = await clientFor(views, { ...settings, SESSION_COOKIE_SECURE: true }).get('/set/')
    expect(setCookie(secure.headers, 'sessionid')).toMatch(/; Secure/)
  })

  it('sends no cookie and runs no query when the view never touches the session', async () => {
    const response = await clientFor(views, settings).get('/nothing/')
    expect(response.headers.getAll('Set-Cookie')).toEqual([])
    expect(response.headers.get('Vary')).toBeUndefined()
  })

  it('adds Vary: Cookie when the session was read', async () => {
    const response = await clientFor(views, settings).get('/get/')
    expect(response.headers.get('Vary')).toBe('Cookie')
  })

  it('ignores a session key the client made up and issues a fresh one (fixation)', async () => {
    const client = clientFor(views, settings)
    const planted = 'a'.repeat(32)
    client.cookies.set('sessionid', planted)
    await client.get('/set/')
    const issued = client.cookies.get('sessionid')
    expect(issued).not.toBe(planted)
    expect(issued).toMatch(/^[a-z0-9]{32}$/)
    expect(await Session.objects.filter({ sessionKey: planted }).count()).toBe(0)
  })

  it('cycleKey at login changes the key, keeps the data and deletes the old row', async () => {
    const client = clientFor(views, settings)
    await client.get('/set/', { color: 'red' })
    const before = client.cookies.get('sessionid') ?? ''
    const response = await client.get('/login/')
    const after = client.cookies.get('sessionid') ?? ''
    expect(after).not.toBe(before)
    expect(response.text).toBe(after)
    expect((await client.get('/get/')).text).toBe('red')
    expect(await Session.objects.filter({ sessionKey: before }).count()).toBe(0)
  })

  it('flush at logout deletes the row and the cookie; the old key then loads nothing', async () => {
    const client = clientFor(views, settings)
    await client.get('/set/', { color: 'red' })
    const key = client.cookies.get('sessionid') ?? ''
    const response = await client.get('/logout/')
    expect(setCookie(response.headers, 'sessionid')).toMatch(/Max-Age=0/)
    expect(client.cookies.has('sessionid')).toBe(false)
    expect(await Session.objects.filter({ sessionKey: key }).count()).toBe(0)
    client.cookies.set('sessionid', key)
    expect((await client.get('/get/')).text).toBe('none')
  })

  it('treats an expired row as no session', async () => {
    const client = clientFor(views, settings)
    await client.get('/set/', { color: 'red' })
    const key = client.cookies.get('sessionid') ?? ''
    await Session.objects
      .filter({ sessionKey: key })
      .update({ expireDate: new Date(Date.now() - 1000) })
    expect((await client.get('/get/')).text).toBe('none')
  })

  it('gives a browser-session cookie (no Max-Age) after setExpiry(0)', async () => {
    const response = await clientFor(views, settings).get('/short/')
    const cookie = setCookie(response.headers, 'sessionid') ?? ''
    expect(cookie).not.toMatch(/Max-Age/)
    expect(cookie).not.toMatch(/Expires/)
  })

  it('SESSION_EXPIRE_AT_BROWSER_CLOSE drops Max-Age from every session cookie', async () => {
    const response = await clientFor(views, {
      ...settings,
      SESSION_EXPIRE_AT_BROWSER_CLOSE: true,
    }).get('/set/')
    expect(setCookie(response.headers, 'sessionid')).not.toMatch(/Max-Age/)
  })

  it('does not save a session modified by a view that answered 500', async () => {
    const client = clientFor(views, settings)
    const response = await client.get('/boom/')
    expect(response.status).toBe(500)
    expect(setCookie(response.headers, 'sessionid')).toBeUndefined()
  })

  it('SESSION_SAVE_EVERY_REQUEST refreshes the cookie on a read-only request', async () => {
    const client = clientFor(views, { ...settings, SESSION_SAVE_EVERY_REQUEST: true })
    await client.get('/set/')
    const response = await client.get('/get/')
    expect(setCookie(response.headers, 'sessionid')).toMatch(/Max-Age=1209600/)
  })

  it('uses SESSION_COOKIE_NAME, _PATH and _DOMAIN', async () => {
    const response = await clientFor(views, {
      ...settings,
      SESSION_COOKIE_NAME: 'sid',
      SESSION_COOKIE_PATH: '/app/',
      SESSION_COOKIE_DOMAIN: '.example.com',
    }).get('/set/')
    const cookie = setCookie(response.headers, 'sid') ?? ''
    expect(cookie).toMatch(/; Domain=\.example\.com/)
    expect(cookie).toMatch(/; Path=\/app\//)
  })

  it('answers 400 when the session row was deleted while the request ran', async () => {
    const client = clientFor(
      {
        ...views,
        '/race/': async (request: HttpRequest) => {
          await Session.objects.filter({ sessionKey: request.session.sessionKey ?? '' }).delete()
          request.session.set('late', true)
          return new HttpResponse('saved?')
        },
      },
      settings,
    )
    await client.get('/set/')
    const response = await client.get('/race/')
    expect(response.status).toBe(400)
  })

  it('rejects a value that is not JSON when it is set', async () => {
    const client = clientFor(
      {
        '/bad/': (request: HttpRequest) => {
          request.session.set('when', new Date() as unknown as string)
          return new HttpResponse('unreachable')
        },
      },
      settings,
    )
    const response = await client.get('/bad/')
    expect(response.status).toBe(500)
    expect(response.errors).toMatch(/not JSON/)
  })
})
