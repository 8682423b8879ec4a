import { describe, expect, it } from 'vitest'
import { RoutePattern, registerConverter } from '../../framework/urls/index.ts'

describe('RoutePattern', () => {
  it('converts an int parameter to a number', () => {
    expect(new RoutePattern('questions/<int:id>/', true).match('questions/42/')).toEqual({
      params: { id: 42 },
      rest: '',
    })
  })

  it('does not match an int parameter that has letters', () => {
    expect(new RoutePattern('questions/<int:id>/', true).match('questions/4a/')).toBeNull()
  })

  it('matches slug, uuid and str (default) segments and refuses what they exclude', () => {
    const route = new RoutePattern('<slug:s>/<uuid:u>/<name>/', true)
    const uuid = '123e4567-e89b-12d3-a456-426614174000'
    expect(route.match(`a-b_1/${uuid}/x y/`)?.params).toEqual({ s: 'a-b_1', u: uuid, name: 'x y' })
    expect(route.match(`a.b/${uuid}/x/`)).toBeNull()
    expect(route.match('a/not-a-uuid/x/')).toBeNull()
  })

  it('lets a path parameter span slashes, while str stops at one', () => {
    expect(new RoutePattern('files/<path:rest>', true).match('files/a/b/c.txt')?.params).toEqual({
      rest: 'a/b/c.txt',
    })
    expect(new RoutePattern('files/<rest>', true).match('files/a/b')).toBeNull()
  })

  it('requires the whole path unless it is a prefix, and then returns the rest', () => {
    expect(new RoutePattern('blog/', true).match('blog/extra/')).toBeNull()
    expect(new RoutePattern('blog/', false).match('blog/extra/')).toEqual({
      params: {},
      rest: 'extra/',
    })
  })

  it('does not treat a trailing slash as optional', () => {
    expect(new RoutePattern('about/', true).match('about')).toBeNull()
    expect(new RoutePattern('about', true).match('about/')).toBeNull()
  })

  it("treats path-to-regexp's special characters in the text literally", () => {
    const route = new RoutePattern('a(b)/{c}/*d+:e?!/', true)
    expect(route.match('a(b)/{c}/*d+:e?!/')).toEqual({ params: {}, rest: '' })
    expect(route.match('ab/c/d/')).toBeNull()
  })

  it('reverses parameters into an encoded path', () => {
    const route = new RoutePattern('t/<str:tag>/<path:p>/<int:n>/', true)
    expect(route.reverse({ tag: 'a b?c#', p: 'x y/z', n: 3 })).toBe('t/a%20b%3Fc%23/x%20y/z/3/')
    expect(() => route.reverse({ tag: 'a/b', p: 'x', n: 3 })).toThrow(
      /does not match the str converter/,
    )
  })

  it('refuses to reverse a value its converter does not accept', () => {
    const route = new RoutePattern('q/<int:id>/', true)
    expect(() => route.reverse({ id: -1 })).toThrow(/non-negative integer/)
    expect(() => route.reverse({ id: 'abc' })).toThrow(/id/)
    expect(() => route.reverse({})).toThrow(/missing parameter "id"/)
  })

  it('uses a registered custom converter for matching, conversion and reversing', () => {
    registerConverter('year4', {
      regex: '[0-9]{4}',
      toValue: (t: string) => Number(t),
      toUrl: (v: number) => String(v),
    })
    const route = new RoutePattern('archive/<year4:y>/', true)
    expect(route.match('archive/2024/')?.params).toEqual({ y: 2024 })
    expect(route.match('archive/24/')).toBeNull()
    expect(route.reverse({ y: 1999 })).toBe('archive/1999/')
  })

  it('treats a converter that throws in toValue as "no match"', () => {
    registerConverter('even', {
      regex: '[0-9]+',
      toValue: (t: string) => {
        if (Number(t) % 2) throw new Error('odd')
        return Number(t)
      },
      toUrl: String,
    })
    const route = new RoutePattern('n/<even:n>/', true)
    expect(route.match('n/4/')?.params).toEqual({ n: 4 })
    expect(route.match('n/3/')).toBeNull()
  })

  it('rejects an unknown converter with a coded error naming it and the known ones', () => {
    expect(() => new RoutePattern('x/<intt:id>/', true)).toThrow(
      expect.objectContaining({
        code: 'urls.unknown_converter',
        message: expect.stringMatching(/"intt".*int, str, slug, uuid, path/),
      }),
    )
  })

  it('rejects a leading slash, a bad name, a duplicate and an unbalanced bracket', () => {
    expect(() => new RoutePattern('/x/', true)).toThrow(
      expect.objectContaining({ code: 'urls.leading_slash' }),
    )
    expect(() => new RoutePattern('<int:1x>/', true)).toThrow(
      expect.objectContaining({ code: 'urls.bad_route' }),
    )
    expect(() => new RoutePattern('<a>/<a>/', true)).toThrow(/appears twice/)
    expect(() => new RoutePattern('<int:id/', true)).toThrow(/unbalanced/)
  })

  it('refuses to register a converter over a built-in or with a broken regex', () => {
    expect(() => registerConverter('int', { regex: '.', toValue: String, toUrl: String })).toThrow(
      expect.objectContaining({ code: 'urls.converter_exists' }),
    )
    expect(() =>
      registerConverter('broken', { regex: '(', toValue: String, toUrl: String }),
    ).toThrow(expect.objectContaining({ code: 'urls.bad_converter_regex' }))
  })
})
