import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HttpResponse, type HttpRequest } from '../../../framework/http/index.ts'
import {
  csrf,
  csrfInput,
  csrfProtect,
  CsrfViewMiddleware,
  ensureCsrfCookie,
  getToken,
  rotateToken,
} from '../../../framework/contrib/csrf/index.ts'
import { SessionMiddleware } from '../../../framework/contrib/sessions/index.ts'
import { render } from '../../../framework/views/index.ts'
import { clientFor, sessionDatabase, setCookie } from '../sessions/support.ts'

describe('csrfProtect and ensureCsrfCookie (no middleware)', () => {
  const views = {
    '/page/': ensureCsrfCookie(() => new HttpResponse('a page whose JavaScript reads the cookie')),
    '/pay/': csrfProtect(() => new HttpResponse('paid')),
    '/open/': () => new HttpResponse('not protected'),
  }

  it('ensureCsrfCookie sends the cookie though the page printed no token', async () => {
    const response = await clientFor(views).get('/page/')
    expect(setCookie(response.headers, 'csrftoken')).toMatch(/^csrftoken=[A-Za-z0-9]{32};/)
  })

  it('csrfProtect checks its view: 403 without the token, 200 with the cookie as header', async () => {
    const client = clientFor(views)
    expect((await client.post('/pay/', {})).status).toBe(403)
    await client.get('/page/')
    const secret = client.cookies.get('csrftoken') ?? ''
    const ok = await client.post('/pay/', '{}', {
      headers: { 'X-CSRFToken': secret },
      contentType: 'application/json',
    })
    expect(ok.status).toBe(200)
  })

  it('leaves unwrapped views alone when the middleware is not installed', async () => {
    expect((await clientFor(views).post('/open/', {})).status).toBe(200)
  })
})

describe('rotateToken (called at login)', () => {
  it('makes tokens issued before it useless', async () => {
    const views = {
      '/form/': (request: HttpRequest) => new HttpResponse(getToken(request)),
      '/login/': (request: HttpRequest) => {
        rotateToken(request)
        return new HttpResponse('logged in')
      },
      '/post/': () => new HttpResponse('posted'),
    }
    const client = clientFor(views, { MIDDLEWARE: [CsrfViewMiddleware] })
    const before = (await client.get('/form/')).text
    await client.post('/login/', { csrfmiddlewaretoken: before })
    expect((await client.post('/post/', { csrfmiddlewaretoken: before })).status).toBe(403)
    const after = (await client.get('/form/')).text
    expect((await client.post('/post/', { csrfmiddlewaretoken: after })).status).toBe(200)
  })
})

describe('CSRF_USE_SESSIONS', () => {
  let db: Awaited<ReturnType<typeof sessionDatabase>>
  beforeAll(async () => {
    db = await sessionDatabase()
  })
  afterAll(() => db.dispose())

  const views = {
    '/form/': (request: HttpRequest) => new HttpResponse(request.csrfToken()),
    '/post/': () => new HttpResponse('posted'),
  }
  const settings = {
    MIDDLEWARE: [SessionMiddleware, CsrfViewMiddleware],
    CSRF_USE_SESSIONS: true,
  }

  it('keeps the secret in the session: no csrftoken cookie, tokens still check', async () => {
    const client = clientFor(views, settings)
    const response = await client.get('/form/')
    expect(setCookie(response.headers, 'csrftoken')).toBeUndefined()
    expect(client.cookies.has('sessionid')).toBe(true)
    expect((await client.post('/post/', { csrfmiddlewaretoken: response.text })).status).toBe(200)
  })

  it('rejects a token from another session', async () => {
    const victim = clientFor(views, settings)
    const attacker = clientFor(views, settings)
    await victim.get('/form/')
    const token = (await attacker.get('/form/')).text
    const response = await victim.post('/post/', { csrfmiddlewaretoken: token })
    expect(response.status).toBe(403)
    expect(response.errors).toContain('[csrf.token_incorrect]')
  })
})

describe('templates', () => {
  const dir = mkdtempSync(join(tmpdir(), 'csrf-templates-'))
  mkdirSync(join(dir, 'shop'))
  writeFileSync(
    join(dir, 'shop', 'form.html'),
    '<form method="post"><%~ it.csrfInput %><button>Buy</button></form><meta name="t" content="<%= it.csrfToken %>">',
  )
  writeFileSync(join(dir, 'shop', 'plain.html'), '<p>no form here</p>')
  const views = {
    '/form/': (request: HttpRequest) => render(request, 'shop/form.html'),
    '/plain/': (request: HttpRequest) => render(request, 'shop/plain.html'),
    '/built/': (request: HttpRequest) => new HttpResponse(`<form>${csrfInput(request)}</form>`),
    '/buy/': () => new HttpResponse('bought'),
  }
  const settings = {
    MIDDLEWARE: [CsrfViewMiddleware],
    TEMPLATES: { DIRS: [dir], APP_DIRS: false, CONTEXT_PROCESSORS: ['request', csrf] },
  }

  it('csrfInput renders the hidden field whose token the next POST passes with', async () => {
    const client = clientFor(views, settings)
    const page = await client.get('/form/')
    const field = /<input type="hidden" name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})">/.exec(
      page.text,
    )
    expect(field).not.toBeNull()
    const meta = /content="([A-Za-z0-9]{64})"/.exec(page.text)
    expect(meta?.[1]).toMatch(/^[A-Za-z0-9]{64}$/)
    expect((await client.post('/buy/', { csrfmiddlewaretoken: field?.[1] ?? '' })).status).toBe(200)
  })

  it('a template that prints no token sets no cookie (the processor is lazy)', async () => {
    const response = await clientFor(views, settings).get('/plain/')
    expect(setCookie(response.headers, 'csrftoken')).toBeUndefined()
  })

  it('csrfInput(request) works in HTML a view builds itself', async () => {
    const client = clientFor(views, settings)
    const text = (await client.get('/built/')).text
    expect(text).toMatch(
      /^<form><input type="hidden" name="csrfmiddlewaretoken" value="[A-Za-z0-9]{64}"><\/form>$/,
    )
  })

  it("the built-in 'csrf' context processor name gives it.csrfToken through request.csrfToken", async () => {
    writeFileSync(join(dir, 'shop', 'builtin.html'), '<%= it.csrfToken %>')
    const client = clientFor(
      { '/b/': (request: HttpRequest) => render(request, 'shop/builtin.html') },
      { ...settings, TEMPLATES: { DIRS: [dir], APP_DIRS: false, CONTEXT_PROCESSORS: ['csrf'] } },
    )
    expect((await client.get('/b/')).text).toMatch(/^[A-Za-z0-9]{64}$/)
  })
})
