/**
 * getGatewayApplication with the real URL layer (path, include, URLResolver, Resolver404),
 * through the test Client (so under the gateway validator).
 */
import { describe, expect, it } from 'vitest'
import { getGatewayApplication } from '../../framework/core/index.ts'
import { defineSettings } from '../../framework/conf/index.ts'
import { HttpResponse, type HttpRequest } from '../../framework/http/index.ts'
import { include, path, reverse } from '../../framework/urls/index.ts'
import { Client } from '../../framework/testing/index.ts'

const article = (_r: HttpRequest, p: Record<string, unknown>) =>
  new HttpResponse(`article ${String(p.year)}/${String(p.slug)}`)
const urlpatterns = [
  path('', () => new HttpResponse('home'), { name: 'home' }),
  path(
    'blog/',
    include([path('<int:year>/<slug:slug>/', article, { name: 'article' })], { namespace: 'blog' }),
  ),
  path(
    'where/',
    () =>
      new HttpResponse(
        (reverse as (name: string, params: object) => string)('blog:article', {
          year: 2024,
          slug: 'x',
        }),
      ),
  ),
]

function client(debug: boolean) {
  const settings = defineSettings(
    {
      DEBUG: debug,
      SECRET_KEY: 'k',
      ALLOWED_HOSTS: ['testserver'],
      ROOT_URLCONF: { urlpatterns },
      MIDDLEWARE: ['CommonMiddleware'],
    },
    { env: {} },
  )
  return new Client(getGatewayApplication(settings))
}

describe('getGatewayApplication with urls/', () => {
  it('resolves included, namespaced routes with converters', async () => {
    expect((await client(false).get('/blog/2024/hello-world/')).text).toBe(
      'article 2024/hello-world',
    )
  })

  it('makes reverse() work inside views once the URLconf is loaded', async () => {
    expect((await client(false).get('/where/')).text).toBe('/blog/2024/x/')
  })

  it('answers a converter mismatch with 404, and the DEBUG page lists the patterns tried', async () => {
    expect((await client(false).get('/blog/x/y/')).status).toBe(404)
    const res = await client(true).get('/blog/x/y/')
    expect(res.status).toBe(404)
    expect(res.text).toContain('blog/&#60;int:year&#62;/&#60;slug:slug&#62;/')
    expect(res.text).toContain('[name=&#39;blog:article&#39;]')
  })

  it('redirects to the slashed URL with APPEND_SLASH', async () => {
    const res = await client(false).get('/blog/2024/hello', undefined, { follow: true })
    expect(res.redirectChain).toEqual([['/blog/2024/hello/', 301]])
    expect(res.text).toBe('article 2024/hello')
  })
})
