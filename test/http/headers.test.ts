import { describe, expect, it } from 'vitest'
import { ResponseHeaderMap } from '../../framework/http/index.ts'

describe('ResponseHeaderMap', () => {
  it('looks names up case-insensitively and keeps the order and spelling of each set', () => {
    const headers = new ResponseHeaderMap([['Content-Type', 'text/plain']])
    headers.set('x-one', '1').append('Vary', 'Cookie').set('X-ONE', 'one')
    expect(headers.get('content-type')).toBe('text/plain')
    expect(headers.has('VARY')).toBe(true)
    expect(headers.has('Missing')).toBe(false)
    expect(headers.get('Missing')).toBeUndefined()
    expect(headers.toList()).toEqual([
      ['Content-Type', 'text/plain'],
      ['X-ONE', 'one'],
      ['Vary', 'Cookie'],
    ])
  })

  it('set() replaces every repeat in place of the first; append() adds one', () => {
    const headers = new ResponseHeaderMap()
    headers.append('Link', 'a').append('Vary', 'Cookie').append('link', 'b').append('LINK', 'c')
    expect(headers.getAll('Link')).toEqual(['a', 'b', 'c'])
    headers.set('Link', 'z')
    expect(headers.toList()).toEqual([
      ['Link', 'z'],
      ['Vary', 'Cookie'],
    ])
    headers.append('Link', 'y')
    expect(headers.get('link')).toBe('z')
    expect(headers.getAll('link')).toEqual(['z', 'y'])
  })

  it('delete() removes every repeat and leaves the rest in order', () => {
    const headers = new ResponseHeaderMap([
      ['A', '1'],
      ['B', '2'],
      ['a', '3'],
      ['C', '4'],
    ])
    headers.delete('A').delete('nothing')
    expect([...headers]).toEqual([
      ['B', '2'],
      ['C', '4'],
    ])
    headers.set('a', '5')
    expect(headers.toList()).toEqual([
      ['B', '2'],
      ['C', '4'],
      ['a', '5'],
    ])
  })

  it('setDefault() sets a missing header, and leaves one set under any spelling alone', () => {
    const headers = new ResponseHeaderMap([['x-frame-options', 'SAMEORIGIN']])
    expect(headers.setDefault('X-Frame-Options', 'DENY')).toBe('SAMEORIGIN')
    expect(headers.setDefault('Referrer-Policy', 'same-origin')).toBe('same-origin')
    expect(headers.setDefault('referrer-policy', 'no-referrer')).toBe('same-origin')
    expect(headers.toList()).toEqual([
      ['x-frame-options', 'SAMEORIGIN'],
      ['Referrer-Policy', 'same-origin'],
    ])
    expect(() => headers.setDefault('X-Bad', 'a\r\nb')).toThrow(/Invalid value/)
  })

  it('toList() is a copy: changing it leaves the map alone', () => {
    const headers = new ResponseHeaderMap([['A', '1']])
    const list = headers.toList()
    list.push(['B', '2'])
    ;(list[0] as [string, string])[1] = 'changed'
    expect(headers.toList()).toEqual([['A', '1']])
  })

  it('rejects names that are not tokens, however often they are tried', () => {
    const headers = new ResponseHeaderMap()
    for (let i = 0; i < 3; i++) {
      expect(() => headers.set('Bad Name', 'x')).toThrow(/Invalid header name/)
      expect(() => headers.append('Bad:Name', 'x')).toThrow(/Invalid header name/)
    }
    // More distinct valid names than any cache would keep: each is still accepted.
    for (let i = 0; i < 2000; i++) headers.set(`X-Name-${i}`, String(i))
    expect(headers.get('x-name-1999')).toBe('1999')
    expect(() => headers.set('', 'x')).toThrow(/Invalid header name/)
  })

  it.each([
    ['NUL', 'a\0b'],
    ['a line feed', 'a\nb'],
    ['a carriage return', 'a\rb'],
    ['a control character', 'a\x1fb'],
    ['DEL', 'a\x7fb'],
    ['a character outside latin-1', 'caf\u0100'],
    ['an emoji', 'smile \u{1f600}'],
  ])('rejects a value holding %s', (_label, value) => {
    const headers = new ResponseHeaderMap()
    expect(() => headers.set('X-Value', value)).toThrow(/control or non-latin-1/)
    expect(() => headers.append('X-Value', value)).toThrow(/control or non-latin-1/)
    expect(headers.has('X-Value')).toBe(false)
  })

  it('checks a value again when it differs from the last good one set under that name', () => {
    const map = new ResponseHeaderMap()
    map.set('X-Remembered', 'fine')
    map.set('X-Remembered', 'fine')
    expect(() => map.set('X-Remembered', 'fine\r\nX-Evil: 1')).toThrow(/control or non-latin-1/)
    expect(() => map.append('X-Remembered', 'caf\u20ac')).toThrow(/control or non-latin-1/)
    expect(map.getAll('X-Remembered')).toEqual(['fine'])
  })

  it('accepts tabs, visible ASCII and latin-1 letters in values', () => {
    const headers = new ResponseHeaderMap()
    headers.set('X-Value', 'a\tb ~!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}')
    headers.set('X-Latin', 'caf\u00e9 \u00ff\u0080')
    expect(headers.get('x-latin')).toBe('caf\u00e9 \u00ff\u0080')
  })
})
