import { describe, expect, it } from 'vitest'
import { HttpResponse, sign, type HttpRequest } from '../../../framework/http/index.ts'
import {
  SessionMiddleware,
  SignedCookieSessionBackend,
} from '../../../framework/contrib/sessions/index.ts'
import { clientFor, SECRET, setCookie } from './support.ts'

const views = {
  '/set/': (request: HttpRequest) => {
    request.session.set('role', request.GET.get('role') ?? 'reader')
    return new HttpResponse('ok')
  },
  '/get/': (request: HttpRequest) => new HttpResponse(String(request.session.get('role', 'none'))),
}
const settings = { MIDDLEWARE: [SessionMiddleware], SESSION_ENGINE: 'signed_cookies' as const }

function payload(data: object): string {
  const stamp = Math.floor(Date.now() / 1000).toString(36)
  return `${Buffer.from(JSON.stringify(data)).toString('base64url')}.${stamp}`
}

describe('the signed-cookie session backend', () => {
  it('keeps the data in the cookie itself, with no database at all', async () => {
    const client = clientFor(views, settings)
    await client.get('/set/', { role: 'editor' })
    expect((await client.get('/get/')).text).toBe('editor')
    const value = decodeURIComponent(client.cookies.get('sessionid') ?? '')
    const [encoded = ''] = value.split('.')
    expect(JSON.parse(Buffer.from(encoded, 'base64url').toString())).toEqual({ role: 'editor' })
  })

  it('refuses a forged cookie (data changed, signature kept): a new empty session, no error', async () => {
    const client = clientFor(views, settings)
    await client.get('/set/', { role: 'reader' })
    const value = decodeURIComponent(client.cookies.get('sessionid') ?? '')
    const signature = value.slice(value.lastIndexOf(':'))
    client.cookies.set('sessionid', encodeURIComponent(payload({ role: 'admin' }) + signature))
    const response = await client.get('/get/')
    expect([response.status, response.text]).toEqual([200, 'none'])
    // The empty session's cookie is deleted rather than echoed back.
    expect(setCookie(response.headers, 'sessionid')).toMatch(/Max-Age=0/)
  })

  it('refuses a cookie signed with another key', async () => {
    const client = clientFor(views, settings)
    const forged = sign(
      payload({ role: 'admin' }),
      'not-the-secret',
      'framework.contrib.sessions.signed_cookies',
    )
    client.cookies.set('sessionid', encodeURIComponent(forged))
    expect((await client.get('/get/')).text).toBe('none')
  })

  it('accepts a cookie signed with the right key and salt (the check is the signature)', async () => {
    const client = clientFor(views, settings)
    const genuine = sign(
      payload({ role: 'admin' }),
      SECRET,
      'framework.contrib.sessions.signed_cookies',
    )
    client.cookies.set('sessionid', encodeURIComponent(genuine))
    expect((await client.get('/get/')).text).toBe('admin')
  })

  it('refuses a genuine cookie older than SESSION_COOKIE_AGE', async () => {
    const backend = new SignedCookieSessionBackend({ secretKey: SECRET, maxAge: 60 })
    const old = Math.floor(Date.now() / 1000 - 120).toString(36)
    const stale = sign(
      `${Buffer.from('{"role":"admin"}').toString('base64url')}.${old}`,
      SECRET,
      'framework.contrib.sessions.signed_cookies',
    )
    expect(await backend.load(stale)).toBeUndefined()
    expect(await backend.load(await backend.save(undefined, { a: 1 }))).toEqual({ a: 1 })
  })

  it('survives garbage cookies of every shape', async () => {
    const client = clientFor(views, settings)
    for (const junk of ['', ':', 'x:y', '%%%', 'a'.repeat(5000), '::::', 'e30.0:abc']) {
      client.cookies.set('sessionid', junk)
      const response = await client.get('/get/')
      expect([junk.slice(0, 10), response.status]).toEqual([junk.slice(0, 10), 200])
    }
  })
})
