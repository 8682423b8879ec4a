/**
 * Sessions, CSRF and messages over a real socket (node:http host on 127.0.0.1:0, fetch as the
 * browser): a form round trip with a flash message across the redirect, and the forged posts
 * that must fail.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  attachNodeListener,
  ErrorsStream,
  toNodeListener,
} from '../../../framework/gateway/index.ts'
import { getGatewayApplication } from '../../../framework/core/index.ts'
import {
  HttpResponse,
  HttpResponseRedirect,
  type HttpRequest,
} from '../../../framework/http/index.ts'
import { SessionMiddleware } from '../../../framework/contrib/sessions/index.ts'
import { CsrfViewMiddleware, csrfInput } from '../../../framework/contrib/csrf/index.ts'
import { MessageMiddleware, messages } from '../../../framework/contrib/messages/index.ts'
import { sessionDatabase, testSettings } from '../sessions/support.ts'

let server: Server
let base: string
let db: Awaited<ReturnType<typeof sessionDatabase>>

const views = {
  '/': (request: HttpRequest) => {
    const shown = [...request.messages].map((m) => `<p class="${m.tags}">${m.message}</p>`)
    return new HttpResponse(
      `${shown.join('')}<form method="post" action="/note/">${csrfInput(request)}<input name="text"></form>`,
    )
  },
  '/note/': (request: HttpRequest) => {
    const notes = request.session.get<string[]>('notes') ?? []
    request.session.set('notes', [...notes, request.POST.get('text') ?? ''])
    messages.success(request, `Saved note ${notes.length + 1}.`)
    return new HttpResponseRedirect('/')
  },
}

beforeAll(async () => {
  db = await sessionDatabase()
  const settings = testSettings(views, {
    ALLOWED_HOSTS: ['127.0.0.1'],
    MIDDLEWARE: [SessionMiddleware, CsrfViewMiddleware, MessageMiddleware],
  })
  const listener = toNodeListener(getGatewayApplication(settings), { errors: new ErrorsStream() })
  server = attachNodeListener(createServer(), listener)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
  await db.dispose()
})

/** A cookie jar as a browser keeps one (name → value), fed by Set-Cookie. */
class Browser {
  readonly jar = new Map<string, string>()
  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers)
    if (this.jar.size) headers.set('Cookie', [...this.jar].map(([k, v]) => `${k}=${v}`).join('; '))
    const response = await fetch(`${base}${path}`, {
      ...init,
      headers,
      redirect: 'manual',
      signal: AbortSignal.timeout(5000),
    })
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';')
      const at = pair.indexOf('=')
      if (/Max-Age=0/.test(cookie)) this.jar.delete(pair.slice(0, at))
      else this.jar.set(pair.slice(0, at), pair.slice(at + 1))
    }
    return response
  }
  async token(): Promise<string> {
    const html = await (await this.fetch('/')).text()
    return /name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"/.exec(html)?.[1] ?? ''
  }
}

describe('sessions, CSRF and messages over a real socket', () => {
  it('posts a form, follows the redirect and shows the flash message once', async () => {
    const browser = new Browser()
    const token = await browser.token()
    const posted = await browser.fetch('/note/', {
      method: 'POST',
      body: new URLSearchParams({ csrfmiddlewaretoken: token, text: 'milk' }),
    })
    expect([posted.status, posted.headers.get('location')]).toEqual([302, '/'])
    expect(browser.jar.has('sessionid')).toBe(true)
    const page = await (await browser.fetch('/')).text()
    expect(page).toContain('<p class="success">Saved note 1.</p>')
    expect(await (await browser.fetch('/')).text()).not.toContain('Saved note')
  })

  it('refuses a post without the token with 403 and stores nothing', async () => {
    const browser = new Browser()
    await browser.token()
    const response = await browser.fetch('/note/', {
      method: 'POST',
      body: new URLSearchParams({ text: 'forged' }),
    })
    expect(response.status).toBe(403)
    expect(browser.jar.has('sessionid')).toBe(false)
  })

  it("refuses the victim's cookies with the attacker's token", async () => {
    const victim = new Browser()
    const attacker = new Browser()
    await victim.token()
    const stolen = await attacker.token()
    const response = await victim.fetch('/note/', {
      method: 'POST',
      body: new URLSearchParams({ csrfmiddlewaretoken: stolen, text: 'forged' }),
    })
    expect(response.status).toBe(403)
  })

  it('refuses a post whose Origin is another site, token or not', async () => {
    const browser = new Browser()
    const token = await browser.token()
    const response = await browser.fetch('/note/', {
      method: 'POST',
      headers: { Origin: 'http://evil.example' },
      body: new URLSearchParams({ csrfmiddlewaretoken: token, text: 'forged' }),
    })
    expect(response.status).toBe(403)
  })
})
