import { describe, expect, it } from 'vitest'
import { BadSignature, parseCookies, sign, unsign } from '../../framework/http/index.ts'

describe('signing', () => {
  it('round-trips a value signed with the same key and salt', () => {
    expect(unsign(sign('hello:world', 'key', 's'), 'key', 's')).toBe('hello:world')
  })

  it('rejects a different key, a different salt, a changed value and a missing signature', () => {
    const signed = sign('v', 'key', 's')
    expect(() => unsign(signed, 'other', 's')).toThrow(BadSignature)
    expect(() => unsign(signed, 'key', 'other')).toThrow(BadSignature)
    expect(() => unsign(`w${signed.slice(1)}`, 'key', 's')).toThrow(BadSignature)
    expect(() => unsign('v', 'key', 's')).toThrow(/No ":" separator/)
  })
})

describe('parseCookies', () => {
  it('keeps the first of duplicate names and survives malformed escapes', () => {
    expect(parseCookies('a=1; a=2; b=%zz; c=%41; novalue; =x')).toEqual({
      a: '1',
      b: '%zz',
      c: 'A',
    })
  })
})
