import { describe, expect, it } from 'vitest'
import { HttpResponse, type HttpRequest } from '../../framework/http/index.ts'
import {
  include,
  NoReverseMatch,
  path,
  Resolver404,
  URLResolver,
  reverse,
  setRootResolver,
} from '../../framework/urls/index.ts'

const index = () => new HttpResponse('index')
const detail = (_r: HttpRequest, p: { id: number }) => new HttpResponse(`detail ${p.id}`)
const results = (_r: HttpRequest, p: { id: number }) => new HttpResponse(`results ${p.id}`)
const page = () => new HttpResponse('page')

const polls = [
  path('', index, { name: 'index' }),
  path('<int:id>/', detail, { name: 'detail' }),
  path('<int:id>/results/', results, { name: 'results' }),
] as const

const urlpatterns = [
  path('', page, { name: 'home' }),
  path('about/', page, { name: 'about' }),
  path('polls/', include(polls, { namespace: 'polls' })),
  path(
    'u/<slug:user>/',
    include([path('polls/', include(polls, { namespace: 'inner' }))], { namespace: 'users' }),
  ),
  path('files/<path:rest>', page, { name: 'files' }),
] as const

describe('URLResolver', () => {
  const resolver = URLResolver.from(urlpatterns)

  it('resolves a path to its view with converted params, route and names', () => {
    const match = resolver.resolve('/polls/7/results/')
    expect(match.view).toBe(results)
    expect(match).toMatchObject({
      params: { id: 7 },
      route: 'polls/<int:id>/results/',
      urlName: 'results',
      namespaces: ['polls'],
      namespace: 'polls',
      appName: 'polls',
      viewName: 'polls:results',
    })
  })

  it('merges the params of nested include prefixes and namespaces', () => {
    const match = resolver.resolve('/u/ann/polls/3/')
    expect(match.params).toEqual({ user: 'ann', id: 3 })
    expect(match.viewName).toBe('users:inner:detail')
  })

  it('tries the patterns in order and returns the first match', () => {
    const first = () => new HttpResponse('1')
    const second = () => new HttpResponse('2')
    const r = new URLResolver([path('<slug:s>/', first), path('fixed/', second)])
    expect(r.resolve('/fixed/').view).toBe(first)
  })

  it('throws Resolver404 (a 404) listing every pattern tried with its full route', () => {
    let error: unknown
    try {
      resolver.resolve('/nope/')
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(Resolver404)
    const r404 = error as Resolver404
    expect(r404.status).toBe(404)
    expect(r404.code).toBe('urls.resolver404')
    expect(r404.tried).toContainEqual({ route: 'polls/<int:id>/results/', name: 'polls:results' })
    expect(r404.tried).toContainEqual({
      route: 'u/<slug:user>/polls/<int:id>/',
      name: 'users:inner:detail',
    })
    expect(r404.tried).toHaveLength(9)
  })

  it('reverses namespaced names with params, encoding values', () => {
    expect(resolver.reverse('polls:detail', { id: 5 })).toBe('/polls/5/')
    expect(resolver.reverse('users:inner:results', { user: 'bob', id: 1 })).toBe(
      '/u/bob/polls/1/results/',
    )
    expect(resolver.reverse('files', { rest: 'a b/c.txt' })).toBe('/files/a%20b/c.txt')
    expect(resolver.reverse('home')).toBe('/')
  })

  it('round-trips: resolving a reversed path gives the same name and params', () => {
    const url = resolver.reverse('users:inner:detail', { user: 'x-y', id: 12 })
    const match = resolver.resolve(url)
    expect([match.viewName, match.params]).toEqual(['users:inner:detail', { user: 'x-y', id: 12 }])
  })

  it('explains an unknown name with the namespaced candidates', () => {
    const wrong = resolver.reverse.bind(resolver) as (name: string, params?: object) => string
    expect(() => wrong('detail', { id: 1 })).toThrow(NoReverseMatch)
    expect(() => wrong('detail', { id: 1 })).toThrow(/"polls:detail" or "users:inner:detail"/)
  })

  it('refuses params that are missing, extra or of the wrong kind', () => {
    const loose = resolver.reverse.bind(resolver) as (name: string, params?: object) => string
    expect(() => loose('polls:detail', {})).toThrow(/missing parameter "id"/)
    expect(() => loose('polls:detail', { id: 1, page: 2 })).toThrow(/no parameter "page"/)
    expect(() => loose('polls:detail', { id: 'x' })).toThrow(
      expect.objectContaining({ code: 'urls.no_reverse_match' }),
    )
  })

  it('answers the APPEND_SLASH question', () => {
    expect(resolver.shouldAppendSlash('/about')).toBe(true)
    expect(resolver.shouldAppendSlash('/about/')).toBe(false)
    expect(resolver.shouldAppendSlash('/nothing')).toBe(false)
    expect(resolver.shouldAppendSlash('/files/x')).toBe(false)
  })

  it('lists every route flattened, in resolution order, for showurls', () => {
    expect(resolver.routes().map((r) => `${r.route} ${r.name ?? ''}`)).toEqual([
      ' home',
      'about/ about',
      'polls/ polls:index',
      'polls/<int:id>/ polls:detail',
      'polls/<int:id>/results/ polls:results',
      'u/<slug:user>/polls/ users:inner:index',
      'u/<slug:user>/polls/<int:id>/ users:inner:detail',
      'u/<slug:user>/polls/<int:id>/results/ users:inner:results',
      'files/<path:rest> files',
    ])
  })

  it('rejects an entry that is not a path() with a coded error naming its position', () => {
    expect(() => new URLResolver([path('', page), 'oops'])).toThrow(
      expect.objectContaining({
        code: 'urls.bad_pattern',
        message: expect.stringContaining('urlpatterns[1]'),
      }),
    )
    expect(() => new URLResolver({})).toThrow(
      expect.objectContaining({ code: 'urls.bad_urlpatterns' }),
    )
  })

  it('rejects a path() target that is not a view or include()', () => {
    expect(() => path('x/', 'views.index' as never)).toThrow(
      expect.objectContaining({ code: 'urls.bad_view' }),
    )
  })

  it('gives the module-level reverse() the root resolver once set, and a clear error before', () => {
    setRootResolver(undefined)
    expect(() => (reverse as (n: string) => string)('home')).toThrow(
      /before the URLconf was loaded/,
    )
    setRootResolver(resolver as unknown as URLResolver)
    expect((reverse as (n: string, p?: object) => string)('polls:detail', { id: 9 })).toBe(
      '/polls/9/',
    )
    setRootResolver(undefined)
  })
})
