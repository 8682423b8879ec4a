/** @module Tests of request-id.ts. */
import { describe, expect, it } from 'vitest'
import { isSaneRequestId, requestIdFor } from '../../framework/server/request-id.ts'

describe('requestIdFor', () => {
  it('keeps a sane incoming id', () => {
    expect(requestIdFor('req-42.a:b', () => 'new')).toBe('req-42.a:b')
  })
  it('makes a new id when the incoming one is missing, too long or could inject', () => {
    for (const bad of [undefined, '', 'a b', 'x\r\nSet-Cookie: a', '"q"', 'a'.repeat(129)]) {
      expect(requestIdFor(bad, () => 'new'), String(bad)).toBe('new')
    }
  })
  it('makes a UUID by default', () => {
    expect(requestIdFor(undefined)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/)
  })
})

describe('isSaneRequestId', () => {
  it('accepts 128 characters and refuses 129', () => {
    expect(isSaneRequestId('a'.repeat(128))).toBe(true)
    expect(isSaneRequestId('a'.repeat(129))).toBe(false)
  })
})
