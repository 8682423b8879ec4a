/**
 * Type-level tests of the URL layer: `tsc --noEmit -p .` fails if a `@ts-expect-error` line
 * compiles or a checked type is wrong; vitest runs the same file so each `it` also executes.
 */
import { describe, expectTypeOf, it, expect } from 'vitest'
import { HttpResponse, type HttpRequest } from '../../framework/http/index.ts'
import {
  include,
  path,
  reverse,
  URLResolver,
  type RouteParams,
  type UrlNamesOf,
} from '../../framework/urls/index.ts'
import type { urlpatterns as projectPatterns } from '../../project/urls.ts'
import { redirect } from '../../framework/views/index.ts'

declare module '../../framework/urls/converters.ts' {
  interface ConverterTypes {
    yearish: number
  }
}

const ok = () => new HttpResponse('ok')

describe('RouteParams', () => {
  it('types each converter: int → number, slug/str/uuid/path → string, no converter → string', () => {
    expectTypeOf<RouteParams<'q/<int:id>/<slug:s>/<uuid:u>/<path:p>/<name>/'>>().toEqualTypeOf<{
      id: number
      s: string
      u: string
      p: string
      name: string
    }>()
  })

  it('gives a route without parameters an empty object, and a custom converter its declared type', () => {
    expectTypeOf<RouteParams<'about/'>>().toEqualTypeOf<{}>()
    expectTypeOf<RouteParams<'a/<yearish:y>/'>>().toEqualTypeOf<{ y: number }>()
    expectTypeOf<RouteParams<'a/<unknownconv:y>/'>>().toEqualTypeOf<{ y: unknown }>()
  })
})

describe('path()', () => {
  it("types the view's params from the route string", () => {
    const entry = path('questions/<int:id>/', (_request, params) => {
      expectTypeOf(params).toEqualTypeOf<{ id: number }>()
      return new HttpResponse(String(params.id + 1))
    })
    expect(entry.pattern.route).toBe('questions/<int:id>/')
  })

  it('refuses a view whose params do not fit the route', () => {
    const wantsSlug = (_r: HttpRequest, p: { slug: string }) => new HttpResponse(p.slug)
    // @ts-expect-error the route gives { id: number }, the view needs { slug: string }
    const a = path('questions/<int:id>/', wantsSlug)
    const wantsString = (_r: HttpRequest, p: { id: string }) => new HttpResponse(p.id)
    // @ts-expect-error id is a number, not a string
    const b = path('questions/<int:id>/', wantsString)
    // At run time path() cannot see the mismatch: only the compiler catches it.
    expect([a.view, b.view]).toEqual([wantsSlug, wantsString])
  })
})

const inner = [path('', ok, { name: 'index' }), path('<int:id>/', ok, { name: 'detail' })] as const
const patterns = [
  path('', ok, { name: 'home' }),
  path('users/<slug:user>/', include(inner, { namespace: 'polls' })),
  path('plain/', include([path('x/', ok, { name: 'x' })])),
  path('anonymous/', ok),
]

describe('UrlNamesOf', () => {
  it('flattens namespaces and include prefixes into one map, keeping every entry of a non-const array', () => {
    expectTypeOf<UrlNamesOf<typeof patterns>>().toEqualTypeOf<{
      home: {}
      'polls:index': { user: string }
      'polls:detail': { user: string; id: number }
      x: {}
    }>()
  })
})

describe('URLResolver.reverse', () => {
  const resolver = URLResolver.from(patterns)

  it('accepts known names with the params their routes need', () => {
    expect(resolver.reverse('polls:detail', { user: 'ann', id: 2 })).toBe('/users/ann/2/')
    expect(resolver.reverse('home')).toBe('/')
  })

  it('rejects unknown names, missing, extra and wrongly typed params at compile time', () => {
    // @ts-expect-error not a name
    expect(() => resolver.reverse('polls:detial', { user: 'a', id: 1 })).toThrow()
    // @ts-expect-error the namespace is required
    expect(() => resolver.reverse('detail', { user: 'a', id: 1 })).toThrow()
    // @ts-expect-error params are required for this route
    expect(() => resolver.reverse('polls:detail')).toThrow()
    // @ts-expect-error id must be a number
    expect(() => resolver.reverse('polls:detail', { user: 'a', id: 'one' })).toThrow()
    // @ts-expect-error user is missing
    expect(() => resolver.reverse('polls:detail', { id: 1 })).toThrow()
  })
})

describe('reverse() over the project registry (project/url-names.ts)', () => {
  it("takes the project's names and params", () => {
    expectTypeOf<Parameters<typeof reverse<'blog:detail'>>>().toEqualTypeOf<
      [name: 'blog:detail', params: { slug: string }]
    >()
    expectTypeOf<Parameters<typeof reverse<'blog:archive'>>>().toEqualTypeOf<
      [name: 'blog:archive', params: { year: number }]
    >()
    expectTypeOf<UrlNamesOf<typeof projectPatterns>>().toHaveProperty('home')
  })

  it('rejects a name the project does not define', () => {
    // @ts-expect-error no such name in project/urls.ts
    expect(() => reverse('blog:nope')).toThrow()
    // @ts-expect-error year must be a number
    expect(() => reverse('blog:archive', { year: '2024' })).toThrow()
  })
})

describe('redirect() over the project registry', () => {
  it('takes route names with their params, URLs and objects with getAbsoluteUrl()', () => {
    expectTypeOf(redirect<'blog:detail'>)
      .parameter(1)
      .toEqualTypeOf<{ slug: string }>()
    expectTypeOf(redirect).toBeCallableWith('/thanks/')
    expectTypeOf(redirect).toBeCallableWith('https://example.com/')
    expectTypeOf(redirect).toBeCallableWith({ getAbsoluteUrl: () => '/x/' })
  })

  it('rejects unknown names and wrong params at compile time', () => {
    // @ts-expect-error not a name, not URL-like
    expect(() => redirect('blog:nope')).toThrow()
    // @ts-expect-error slug is required
    expect(() => redirect('blog:detail')).toThrow()
    // @ts-expect-error slug must be a string
    expect(() => redirect('blog:detail', { slug: 1 })).toThrow()
  })
})
