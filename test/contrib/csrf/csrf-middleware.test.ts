import { describe, expect, it } from 'vitest'
import { HttpResponse, type HttpRequest } from '../../../framework/http/index.ts'
import {
  CsrfViewMiddleware,
  csrfExempt,
  CSRF_TOKEN_LENGTH,
} from '../../../framework/contrib/csrf/index.ts'
import { clientFor, setCookie } from '../sessions/support.ts'

/** Counts view runs, to prove a rejected request never reaches its view. */
let runs = 0
const views = {
  '/form/': (request: HttpRequest) => new HttpResponse(request.csrfToken()),
  '/plain/': () => new HttpResponse('no token used'),
  '/transfer/': () => {
    runs++
    return new HttpResponse('transferred')
  },
  '/hook/': csrfExempt(() => {
    runs++
    return new HttpResponse('hook ran')
  }),
}
const settings = { MIDDLEWARE: [CsrfViewMiddleware] }

async function withToken(extra = {}) {
  const client = clientFor(views, { ...settings, ...extra })
  const token = (await client.get('/form/')).text
  return { client, token }
}

describe('CsrfViewMiddleware: what passes', () => {
  it('accepts a POST whose form field matches the cookie, and runs the view', async () => {
    const { client, token } = await withToken()
    const response = await client.post('/transfer/', { csrfmiddlewaretoken: token, amount: '5' })
    expect([response.status, response.text]).toEqual([200, 'transferred'])
  })

  it('accepts a urlencoded form as a browser posts it', async () => {
    const { client, token } = await withToken()
    const response = await client.post('/transfer/', `amount=5&csrfmiddlewaretoken=${token}`, {
      contentType: 'application/x-www-form-urlencoded',
    })
    expect(response.status).toBe(200)
  })

  it('accepts PUT, PATCH and DELETE with the X-CSRFToken header', async () => {
    const { client, token } = await withToken()
    const headers = { 'X-CSRFToken': token }
    expect(
      (await client.put('/transfer/', '{}', { headers, contentType: 'application/json' })).status,
    ).toBe(200)
    expect(
      (await client.patch('/transfer/', '{}', { headers, contentType: 'application/json' })).status,
    ).toBe(200)
    expect((await client.delete('/transfer/', { headers })).status).toBe(200)
  })

  it('lets GET, HEAD and OPTIONS through without a token', async () => {
    const client = clientFor(views, settings)
    expect((await client.get('/transfer/')).status).toBe(200)
    expect((await client.head('/transfer/')).status).toBe(200)
    expect((await client.options('/transfer/')).status).toBe(200)
  })

  it('gives a different masked token on every call, each valid for the one secret', async () => {
    const { client, token } = await withToken()
    const second = (await client.get('/form/')).text
    expect(token).toHaveLength(CSRF_TOKEN_LENGTH)
    expect(second).not.toBe(token)
    expect((await client.post('/transfer/', { csrfmiddlewaretoken: token })).status).toBe(200)
    expect((await client.post('/transfer/', { csrfmiddlewaretoken: second })).status).toBe(200)
  })

  it('accepts the bare secret from the cookie in the header (JavaScript that reads the cookie)', async () => {
    const { client } = await withToken()
    const secret = client.cookies.get('csrftoken') ?? ''
    const response = await client.post('/transfer/', '{}', {
      headers: { 'X-CSRFToken': secret },
      contentType: 'application/json',
    })
    expect(response.status).toBe(200)
  })

  it('skips the check for a csrfExempt view', async () => {
    const response = await clientFor(views, settings).post('/hook/', { event: 'paid' })
    expect([response.status, response.text]).toEqual([200, 'hook ran'])
  })

  it('sets the cookie only when a token was used: SameSite=Lax, readable by scripts, a year', async () => {
    const client = clientFor(views, settings)
    expect(setCookie((await client.get('/plain/')).headers, 'csrftoken')).toBeUndefined()
    const response = await client.get('/form/')
    const cookie = setCookie(response.headers, 'csrftoken') ?? ''
    expect(cookie).toMatch(/^csrftoken=[A-Za-z0-9]{32};/)
    expect(cookie).toMatch(/SameSite=Lax/)
    expect(cookie).toMatch(/Max-Age=31449600/)
    expect(cookie).not.toMatch(/HttpOnly/)
    expect(cookie).not.toMatch(/Secure/)
    expect(response.headers.get('Vary')).toBe('Cookie')
  })

  it('marks the cookie Secure with CSRF_COOKIE_SECURE and HttpOnly with CSRF_COOKIE_HTTPONLY', async () => {
    const client = clientFor(views, {
      ...settings,
      CSRF_COOKIE_SECURE: true,
      CSRF_COOKIE_HTTPONLY: true,
    })
    const cookie = setCookie((await client.get('/form/')).headers, 'csrftoken') ?? ''
    expect(cookie).toMatch(/; Secure/)
    expect(cookie).toMatch(/; HttpOnly/)
  })

  it('over HTTPS accepts the site itself as Origin, and as Referer when Origin is absent', async () => {
    const { client, token } = await withToken()
    const data = { csrfmiddlewaretoken: token }
    const byOrigin = await client.post('/transfer/', data, {
      secure: true,
      headers: { Origin: 'https://testserver' },
    })
    const byReferer = await client.post('/transfer/', data, {
      secure: true,
      headers: { Referer: 'https://testserver/form/' },
    })
    expect([byOrigin.status, byReferer.status]).toEqual([200, 200])
  })

  it('accepts CSRF_TRUSTED_ORIGINS, exact and with a subdomain wildcard', async () => {
    const { client, token } = await withToken({
      CSRF_TRUSTED_ORIGINS: ['https://app.example.com', 'https://*.example.org'],
    })
    const data = { csrfmiddlewaretoken: token }
    const post = (origin: string) =>
      client.post('/transfer/', data, { secure: true, headers: { Origin: origin } })
    expect((await post('https://app.example.com')).status).toBe(200)
    expect((await post('https://shop.example.org')).status).toBe(200)
    expect((await post('https://example.org.evil.com')).status).toBe(403)
    expect((await post('http://shop.example.org')).status).toBe(403)
  })
})

describe('CsrfViewMiddleware: attacks that fail with 403 and never run the view', () => {
  async function rejected(response: { status: number; errors: string }, code: string) {
    expect(response.status).toBe(403)
    expect(response.errors).toContain(`[${code}]`)
  }

  it('a POST without any token', async () => {
    const { client } = await withToken()
    runs = 0
    await rejected(await client.post('/transfer/', { amount: '5' }), 'csrf.token_missing')
    expect(runs).toBe(0)
  })

  it('a POST without the cookie (a cross-site form from a fresh browser)', async () => {
    const { token } = await withToken()
    runs = 0
    const stranger = clientFor(views, settings)
    await rejected(
      await stranger.post('/transfer/', { csrfmiddlewaretoken: token }),
      'csrf.no_cookie',
    )
    expect(runs).toBe(0)
  })

  it("a POST carrying another client's token (the attacker's own, valid for the attacker)", async () => {
    const victim = await withToken()
    const attacker = await withToken()
    runs = 0
    const response = await victim.client.post('/transfer/', { csrfmiddlewaretoken: attacker.token })
    await rejected(response, 'csrf.token_incorrect')
    expect(runs).toBe(0)
  })

  it('a token of the right length with one character changed (timing-safe path, no crash)', async () => {
    const { client, token } = await withToken()
    const last = token.at(-1) === 'a' ? 'b' : 'a'
    const wrong = token.slice(0, -1) + last
    runs = 0
    await rejected(
      await client.post('/transfer/', { csrfmiddlewaretoken: wrong }),
      'csrf.token_incorrect',
    )
    const secret = client.cookies.get('csrftoken') ?? ''
    const wrongSecret = (secret[0] === 'a' ? 'b' : 'a') + secret.slice(1)
    await rejected(
      await client.post('/transfer/', '{}', {
        headers: { 'X-CSRFToken': wrongSecret },
        contentType: 'application/json',
      }),
      'csrf.token_incorrect',
    )
    expect(runs).toBe(0)
  })

  it('tokens of the wrong length or alphabet (rejected before any comparison)', async () => {
    const { client, token } = await withToken()
    await rejected(
      await client.post('/transfer/', { csrfmiddlewaretoken: token.slice(1) }),
      'csrf.bad_token',
    )
    await rejected(
      await client.post('/transfer/', { csrfmiddlewaretoken: `${token.slice(0, -1)}!` }),
      'csrf.bad_token',
    )
  })

  it('over HTTPS, an Origin on plain http:// (a man in the middle injecting a form)', async () => {
    const { client, token } = await withToken()
    runs = 0
    const response = await client.post(
      '/transfer/',
      { csrfmiddlewaretoken: token },
      { secure: true, headers: { Origin: 'http://testserver' } },
    )
    await rejected(response, 'csrf.bad_origin')
    expect(runs).toBe(0)
  })

  it('over HTTPS without Origin, a Referer on plain http://', async () => {
    const { client, token } = await withToken()
    const response = await client.post(
      '/transfer/',
      { csrfmiddlewaretoken: token },
      { secure: true, headers: { Referer: 'http://testserver/form/' } },
    )
    await rejected(response, 'csrf.insecure_referer')
  })

  it('over HTTPS without Origin or Referer', async () => {
    const { client, token } = await withToken()
    await rejected(
      await client.post('/transfer/', { csrfmiddlewaretoken: token }, { secure: true }),
      'csrf.no_referer',
    )
  })

  it('over HTTPS, a Referer from another site, and a malformed one', async () => {
    const { client, token } = await withToken()
    const data = { csrfmiddlewaretoken: token }
    await rejected(
      await client.post('/transfer/', data, {
        secure: true,
        headers: { Referer: 'https://evil.example/x' },
      }),
      'csrf.bad_referer',
    )
    await rejected(
      await client.post('/transfer/', data, { secure: true, headers: { Referer: 'not a url' } }),
      'csrf.malformed_referer',
    )
  })

  it('an Origin of another site, even over plain HTTP', async () => {
    const { client, token } = await withToken()
    await rejected(
      await client.post(
        '/transfer/',
        { csrfmiddlewaretoken: token },
        { headers: { Origin: 'http://evil.example' } },
      ),
      'csrf.bad_origin',
    )
  })

  it('a malformed CSRF cookie is refused, and a fresh secret is sent back', async () => {
    const client = clientFor(views, settings)
    client.cookies.set('csrftoken', 'short')
    const response = await client.post('/transfer/', { csrfmiddlewaretoken: 'x'.repeat(64) })
    await rejected(response, 'csrf.bad_cookie')
  })
})

describe('the CSRF failure page', () => {
  it('names the reason and its code in DEBUG', async () => {
    const client = clientFor(views, { ...settings, DEBUG: true })
    const response = await client.post('/transfer/', { amount: '1' })
    expect(response.status).toBe(403)
    expect(response.text).toContain('CSRF verification failed. Request aborted.')
    expect(response.text).toContain('CSRF cookie not set.')
    expect(response.text).toContain('csrf.no_cookie')
  })

  it('says only that verification failed when DEBUG is off', async () => {
    const response = await clientFor(views, settings).post('/transfer/', { amount: '1' })
    expect(response.text).toContain('CSRF verification failed. Request aborted.')
    expect(response.text).not.toContain('csrf.no_cookie')
  })

  it('is replaced by CSRF_FAILURE_VIEW, which receives the reason and code', async () => {
    const response = await clientFor(views, {
      ...settings,
      CSRF_FAILURE_VIEW: (_request: HttpRequest, reason: string, code: string) =>
        new HttpResponse(`custom: ${reason} ${code}`, { status: 403 }),
    }).post('/transfer/', {})
    expect([response.status, response.text]).toEqual([
      403,
      'custom: CSRF cookie not set. csrf.no_cookie',
    ])
  })
})

describe('CsrfViewMiddleware and bad input', () => {
  it('answers 400 (not 500) to a multipart POST without a boundary, before any view runs', async () => {
    const { client } = await withToken()
    runs = 0
    const response = await client.post('/transfer/', 'x', { contentType: 'multipart/form-data' })
    expect(response.status).toBe(400)
    expect(runs).toBe(0)
  })

  it('answers 413 to a form body past DATA_UPLOAD_MAX_MEMORY_SIZE while reading the token', async () => {
    const { client, token } = await withToken({ DATA_UPLOAD_MAX_MEMORY_SIZE: 100 })
    const response = await client.post(
      '/transfer/',
      `csrfmiddlewaretoken=${token}&big=${'x'.repeat(500)}`,
      {
        contentType: 'application/x-www-form-urlencoded',
      },
    )
    expect(response.status).toBe(413)
  })

  it('refuses a 10 kB token header quickly as malformed', async () => {
    const { client } = await withToken()
    const response = await client.post('/transfer/', '{}', {
      headers: { 'X-CSRFToken': 'a'.repeat(10_000) },
      contentType: 'application/json',
    })
    expect(response.status).toBe(403)
    expect(response.errors).toContain('[csrf.bad_token]')
  })
})
