import { describe, expect, it } from 'vitest'
import { getGatewayApplication } from '../../framework/core/index.ts'
import { defineSettings } from '../../framework/conf/index.ts'
import {
  HttpResponse,
  HttpResponseRedirect,
  JsonResponse,
  type HttpRequest,
} from '../../framework/http/index.ts'
import { Client } from '../../framework/testing/index.ts'
import { urlconf } from '../core/fake-urlconf.ts'

const views = {
  '/login/': (r: HttpRequest) => {
    if (r.method !== 'POST') return new HttpResponse('form')
    const response = new HttpResponseRedirect('/me/')
    response.setCookie('user', r.POST.get('name', ''))
    response.setSignedCookie('uid', '7')
    return response
  },
  '/me/': (r: HttpRequest) =>
    new HttpResponse(`me=${r.COOKIES.user ?? 'anonymous'} uid=${r.getSignedCookie('uid') ?? '-'}`),
  '/logout/': () => new HttpResponseRedirect('/me/').deleteCookie('user'),
  '/page/': () => {
    const r = new HttpResponse('<p>page</p>')
    r.templateName = 'page.html'
    r.context = { title: 'Page' }
    return r
  },
  '/upload/': async (r: HttpRequest) =>
    new JsonResponse({
      a: r.POST.getAll('a'),
      file: r.FILES.get('f')?.filename,
      text: await r.FILES.get('f')?.text(),
    }),
  '/keep/': (r: HttpRequest) =>
    r.method === 'PUT'
      ? new HttpResponse(`kept ${r.method}`)
      : new HttpResponseRedirect('/keep/', { status: 307 }),
  '/café/': (r: HttpRequest) => new HttpResponse(`path=${r.path} q=${r.GET.get('q')}`),
}

const app = getGatewayApplication(
  defineSettings(
    {
      DEBUG: false,
      SECRET_KEY: 'k',
      ALLOWED_HOSTS: ['testserver'],
      ROOT_URLCONF: urlconf(views),
      MIDDLEWARE: ['CommonMiddleware'],
    },
    { env: {} },
  ),
)

describe('Client', () => {
  it('keeps cookies between requests and follows redirects, recording the chain', async () => {
    const client = new Client(app)
    const res = await client.post('/login/', { name: 'ada' }, { follow: true })
    expect(res.redirectChain).toEqual([['/me/', 302]])
    expect(res.text).toBe('me=ada uid=7')
    expect((await client.get('/me/')).text).toBe('me=ada uid=7')
  })

  it('forgets a cookie the server deletes', async () => {
    const client = new Client(app)
    await client.post('/login/', { name: 'ada' })
    await client.get('/logout/')
    expect(client.cookies.has('user')).toBe(false)
  })

  it('forgets a cookie whose Expires is in the past, and keeps one with a future Max-Age', async () => {
    const jar = getGatewayApplication(
      defineSettings(
        {
          DEBUG: true,
          ROOT_URLCONF: urlconf({
            '/set/': () =>
              new HttpResponse('')
                .setCookie('keep', '1', { maxAge: 60 })
                .setCookie('old', '1', { expires: new Date(0) }),
          }),
        },
        { env: {} },
      ),
    )
    const client = new Client(jar, { host: 'localhost' })
    client.cookies.set('old', 'x')
    await client.get('/set/')
    expect([...client.cookies.keys()]).toEqual(['keep'])
  })

  it('does not follow redirects unless asked', async () => {
    const res = await new Client(app).post('/login/', { name: 'x' })
    expect([res.status, res.headers.get('Location')]).toEqual([302, '/me/'])
  })

  it('repeats the method on 307', async () => {
    const res = await new Client(app).put('/keep/', 'body', { follow: true })
    expect(res.text).toBe('kept PUT')
  })

  it('exposes the template name and context of the response', async () => {
    const res = await new Client(app).get('/page/')
    expect(res.templateName).toBe('page.html')
    expect(res.context).toEqual({ title: 'Page' })
  })

  it('uploads fields and files as multipart', async () => {
    const res = await new Client(app).post('/upload/', {
      a: ['1', '2'],
      f: { filename: 'n.txt', content: 'hello' },
    })
    expect(res.json()).toEqual({ a: ['1', '2'], file: 'n.txt', text: 'hello' })
  })

  it('percent-encodes non-ASCII paths and queries like a browser', async () => {
    const res = await new Client(app).get('/caf%C3%A9/', { q: 'thé' })
    expect(res.text).toBe('path=/café/ q=thé')
  })

  it('runs the application under the gateway validator', async () => {
    const broken = new Client(((_e: unknown, start: (s: string, h: [string, string][]) => void) => {
      start('200 OK', [['Connection', 'close']])
      return []
    }) as never)
    const res = await broken.get('/')
    expect(res.status).toBe(500)
    expect(res.errors).toMatch(/GW-A10/)
  })
})
