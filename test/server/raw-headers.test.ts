/** rawHeaderValue reads a header from rawHeaders the way req.headers would report it; isHeaderName compares a name case-insensitively. */
import { describe, expect, it } from 'vitest'
import { isHeaderName, rawHeaderValue } from '../../framework/server/raw-headers.ts'

describe('rawHeaderValue', () => {
  const raw = ['Host', 'a', 'EXPECT', '100-continue', 'X-Request-Id', 'one', 'x-request-id', 'two', 'X-Request', 'no']
  it('finds a header whatever its case, and says undefined when it is absent', () => {
    expect(rawHeaderValue(raw, 'expect')).toBe('100-continue')
    expect(rawHeaderValue(raw, 'host')).toBe('a')
    expect(rawHeaderValue(raw, 'content-length')).toBeUndefined()
  })
  it('joins repeats with ", " as req.headers does', () => {
    expect(rawHeaderValue(raw, 'x-request-id')).toBe('one, two')
  })
})

describe('isHeaderName', () => {
  it('matches a name in any case, and only that name', () => {
    for (const name of ['X-Request-Id', 'x-request-id', 'X-REQUEST-ID', 'x-Request-iD']) {
      expect(isHeaderName(name, 'x-request-id'), name).toBe(true)
    }
    // Same length and first letter, or same length only: not the name.
    for (const name of ['X-Request-Ix', 'Content-Type', 'x-request-i', 'x-request-idd', 'Y-Request-Id']) {
      expect(isHeaderName(name, 'x-request-id'), name).toBe(false)
    }
  })
})
