import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  HttpResponse,
  HttpResponseRedirect,
  type HttpRequest,
} from '../../../framework/http/index.ts'
import {
  DEBUG,
  MessageMiddleware,
  messages,
  setLevel,
} from '../../../framework/contrib/messages/index.ts'
import { SessionMiddleware } from '../../../framework/contrib/sessions/index.ts'
import { render } from '../../../framework/views/index.ts'
import { clientFor, sessionDatabase, setCookie } from '../sessions/support.ts'

let db: Awaited<ReturnType<typeof sessionDatabase>>
beforeAll(async () => {
  db = await sessionDatabase()
})
afterAll(() => db.dispose())

function show(request: HttpRequest): HttpResponse {
  return new HttpResponse(JSON.stringify([...request.messages].map((m) => [m.tags, m.message])), {
    contentType: 'application/json',
  })
}

const views = {
  '/save/': (request: HttpRequest) => {
    messages.success(request, 'Saved.')
    messages.warning(request, 'Check your email.', { extraTags: 'banner' })
    messages.debug(request, 'hidden below MESSAGE_LEVEL')
    return new HttpResponseRedirect('/show/')
  },
  '/many/': (request: HttpRequest) => {
    for (let i = 0; i < 60; i++)
      messages.info(request, `message number ${i} with some padding text`)
    return new HttpResponseRedirect('/show/')
  },
  '/debug/': (request: HttpRequest) => {
    setLevel(request, DEBUG)
    messages.debug(request, 'now shown')
    return new HttpResponseRedirect('/show/')
  },
  '/show/': show,
  '/peek/': (request: HttpRequest) => new HttpResponse(String(request.messages.length)),
  '/nothing/': () => new HttpResponse('no messages read'),
}

for (const storage of ['cookie', 'session', 'fallback'] as const) {
  describe(`messages with MESSAGE_STORAGE '${storage}'`, () => {
    const settings = {
      MIDDLEWARE: [SessionMiddleware, MessageMiddleware],
      MESSAGE_STORAGE: storage,
    }

    it('shows messages on the page after a redirect, with their tags, then never again', async () => {
      const client = clientFor(views, settings)
      const shown = await client.get('/save/', undefined, { follow: true })
      expect(shown.json()).toEqual([
        ['success', 'Saved.'],
        ['banner warning', 'Check your email.'],
      ])
      expect((await client.get('/show/')).json()).toEqual([])
    })

    it('keeps messages that were not read for a later page', async () => {
      const client = clientFor(views, settings)
      await client.get('/save/')
      expect((await client.get('/peek/')).text).toBe('2')
      await client.get('/nothing/')
      expect(((await client.get('/show/')).json() as unknown[]).length).toBe(2)
    })

    it('records DEBUG messages once setLevel lowers the minimum', async () => {
      const client = clientFor(views, settings)
      expect((await client.get('/debug/', undefined, { follow: true })).json()).toEqual([
        ['debug', 'now shown'],
      ])
    })
  })
}

describe('message storages under pressure and attack', () => {
  it('the cookie storage signs its cookie: a forged one is ignored', async () => {
    const client = clientFor(views, { MIDDLEWARE: [MessageMiddleware], MESSAGE_STORAGE: 'cookie' })
    await client.get('/save/')
    const value = decodeURIComponent(client.cookies.get('messages') ?? '')
    const signature = value.slice(value.lastIndexOf(':'))
    const forged = Buffer.from(JSON.stringify([[40, '<script>alert(1)</script>']])).toString(
      'base64url',
    )
    client.cookies.set('messages', encodeURIComponent(forged + signature))
    expect((await client.get('/show/')).json()).toEqual([])
  })

  it('the messages cookie is HttpOnly and SameSite=Lax', async () => {
    const client = clientFor(views, { MIDDLEWARE: [MessageMiddleware], MESSAGE_STORAGE: 'cookie' })
    const cookie = setCookie((await client.get('/save/')).headers, 'messages') ?? ''
    expect(cookie).toMatch(/HttpOnly/)
    expect(cookie).toMatch(/SameSite=Lax/)
  })

  it('the fallback storage puts what does not fit in the cookie into the session, in order', async () => {
    const client = clientFor(views, { MIDDLEWARE: [SessionMiddleware, MessageMiddleware] })
    const redirect = await client.get('/many/')
    const cookie = setCookie(redirect.headers, 'messages') ?? ''
    expect(cookie.length).toBeLessThan(2300)
    expect(client.cookies.has('sessionid')).toBe(true)
    const shown = (await client.get('/show/')).json() as [string, string][]
    expect(shown.map(([, text]) => text)).toEqual(
      Array.from({ length: 60 }, (_, i) => `message number ${i} with some padding text`),
    )
    expect((await client.get('/show/')).json()).toEqual([])
  })

  it('MESSAGE_TAGS renames a level tag; messages.add takes a custom level', async () => {
    const client = clientFor(
      {
        '/custom/': (request: HttpRequest) => {
          messages.error(request, 'Broken.')
          messages.add(request, 35, 'Custom level.', { extraTags: 'x' })
          return new HttpResponseRedirect('/show/')
        },
        '/show/': show,
      },
      {
        MIDDLEWARE: [MessageMiddleware],
        MESSAGE_STORAGE: 'cookie',
        MESSAGE_TAGS: { 40: 'danger', 35: 'notice' },
      },
    )
    expect((await client.get('/custom/', undefined, { follow: true })).json()).toEqual([
      ['danger', 'Broken.'],
      ['x notice', 'Custom level.'],
    ])
  })

  it('messages.success without the middleware says what to add', async () => {
    const response = await clientFor({
      '/x/': (r: HttpRequest) => (messages.success(r, 'hi'), new HttpResponse('x')),
    }).get('/x/')
    expect(response.status).toBe(500)
    expect(response.errors).toContain('add MessageMiddleware')
  })
})

describe('the messages.html partial', () => {
  const dir = mkdtempSync(join(tmpdir(), 'messages-templates-'))
  writeFileSync(join(dir, 'page.html'), "<main><%~ include('messages/messages.html') %></main>")
  writeFileSync(join(dir, 'quiet.html'), '<main>no partial</main>')
  const appDir = resolve(import.meta.dirname, '../../../framework/contrib/messages')
  const settings = {
    INSTALLED_APPS: [appDir],
    MIDDLEWARE: [SessionMiddleware, MessageMiddleware],
    TEMPLATES: { DIRS: [dir], APP_DIRS: true, CONTEXT_PROCESSORS: ['request', 'messages'] },
  }
  const pages = {
    ...views,
    '/page/': (request: HttpRequest) => render(request, 'page.html'),
    '/quiet/': (request: HttpRequest) => render(request, 'quiet.html'),
    '/xss/': (request: HttpRequest) => {
      messages.error(request, '<b>bold</b>')
      return new HttpResponseRedirect('/page/')
    },
  }

  it('lists the messages with their tags as classes, escaped', async () => {
    const client = clientFor(pages, settings)
    await client.get('/save/')
    const html = (await client.get('/page/')).text
    expect(html).toContain('<ul class="messages" role="status">')
    expect(html).toContain('<li class="success">Saved.</li>')
    expect(html).toContain('<li class="banner warning">Check your email.</li>')
    await client.get('/xss/')
    expect((await client.get('/page/')).text).toContain('&lt;b&gt;bold&lt;/b&gt;')
  })

  it('renders nothing when there are no messages, and a page without it leaves them stored', async () => {
    const client = clientFor(pages, settings)
    expect((await client.get('/page/')).text).toBe('<main></main>')
    await client.get('/save/')
    await client.get('/quiet/')
    expect((await client.get('/page/')).text).toContain('Saved.')
  })
})
