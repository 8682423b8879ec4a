/**
 * The security defaults of issue 7 part 6, end to end through the recommended MIDDLEWARE: one
 * response carries the session and CSRF cookies with their flags, the clickjacking header, and
 * (over HTTPS) HSTS when configured.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HttpResponse, type HttpRequest } from '../../../framework/http/index.ts'
import { SessionMiddleware } from '../../../framework/contrib/sessions/index.ts'
import { CsrfViewMiddleware } from '../../../framework/contrib/csrf/index.ts'
import { MessageMiddleware } from '../../../framework/contrib/messages/index.ts'
import { clientFor, sessionDatabase, setCookie } from './support.ts'

let db: Awaited<ReturnType<typeof sessionDatabase>>
beforeAll(async () => {
  db = await sessionDatabase()
})
afterAll(() => db.dispose())

const MIDDLEWARE = [
  'SecurityMiddleware',
  SessionMiddleware,
  'CommonMiddleware',
  CsrfViewMiddleware,
  MessageMiddleware,
  'XFrameOptionsMiddleware',
]
const views = {
  '/': (request: HttpRequest) => {
    request.session.set('visited', true)
    return new HttpResponse(
      `<form method="post"><input name="csrfmiddlewaretoken" value="${request.csrfToken()}"></form>`,
    )
  },
}

describe('security defaults with the recommended MIDDLEWARE', () => {
  it('over plain HTTP in development: SameSite=Lax cookies, session HttpOnly, no Secure; DENY framing', async () => {
    const response = await clientFor(views, { MIDDLEWARE }).get('/')
    const session = setCookie(response.headers, 'sessionid') ?? ''
    const csrf = setCookie(response.headers, 'csrftoken') ?? ''
    expect(session).toMatch(/; HttpOnly; SameSite=Lax$/)
    expect(csrf).toMatch(/; SameSite=Lax$/)
    expect(csrf).not.toMatch(/HttpOnly/)
    expect(`${session}${csrf}`).not.toMatch(/Secure/)
    expect(response.headers.get('X-Frame-Options')).toBe('DENY')
    expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff')
    expect(response.headers.get('Vary')).toBe('Cookie')
  })

  it('in production settings: Secure on both cookies, HSTS over HTTPS, HTTP redirected', async () => {
    const client = clientFor(views, {
      MIDDLEWARE,
      SESSION_COOKIE_SECURE: true,
      CSRF_COOKIE_SECURE: true,
      SECURE_HSTS_SECONDS: 31_536_000,
      SECURE_HSTS_INCLUDE_SUBDOMAINS: true,
      SECURE_SSL_REDIRECT: true,
    })
    const plain = await client.get('/')
    expect([plain.status, plain.headers.get('Location')]).toEqual([301, 'https://testserver/'])
    const response = await client.get('/', undefined, { secure: true })
    expect(setCookie(response.headers, 'sessionid')).toMatch(/; Secure; HttpOnly; SameSite=Lax$/)
    expect(setCookie(response.headers, 'csrftoken')).toMatch(/; Secure; SameSite=Lax$/)
    expect(response.headers.get('Strict-Transport-Security')).toBe(
      'max-age=31536000; includeSubDomains',
    )
  })
})
