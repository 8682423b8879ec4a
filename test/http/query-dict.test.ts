import { describe, expect, it } from 'vitest'
import { BadRequest, QueryDict, TooManyFieldsSent } from '../../framework/http/index.ts'

describe('QueryDict', () => {
  it('keeps every value of a repeated key, get() returning the last', () => {
    const q = QueryDict.parse('a=1&a=2&b=x')
    expect(q.get('a')).toBe('2')
    expect(q.getAll('a')).toEqual(['1', '2'])
    expect([...q]).toEqual([
      ['a', '1'],
      ['a', '2'],
      ['b', 'x'],
    ])
  })

  it('decodes + as space and percent-escapes as UTF-8', () => {
    expect(QueryDict.parse('q=caf%C3%A9+au+lait').get('q')).toBe('café au lait')
  })

  it('keeps a malformed percent-escape literally', () => {
    expect(QueryDict.parse('q=100%zz').get('q')).toBe('100%zz')
  })

  it('rejects invalid UTF-8 with a BadRequest naming it', () => {
    expect(() => QueryDict.parse('q=%FF%FE')).toThrow(BadRequest)
    expect(() => QueryDict.parse('q=%FF%FE')).toThrow(/Invalid UTF-8/)
  })

  it('splits on & only, keeping ; inside values', () => {
    expect(QueryDict.parse('a=1;b=2&c=3').toObject()).toEqual({ a: '1;b=2', c: '3' })
  })

  it('enforces the field limit', () => {
    expect(() => QueryDict.parse('a=1&b=2&c=3', { maxFields: 2 })).toThrow(TooManyFieldsSent)
    expect(QueryDict.parse('a=1&b=2', { maxFields: 2 }).size).toBe(2)
  })

  it('returns the fallback for a missing key and round-trips with urlencode()', () => {
    const q = QueryDict.parse('x=a%26b')
    expect(q.get('missing', 'd')).toBe('d')
    expect(q.urlencode()).toBe('x=a%26b')
  })
})
