/** rawHeaderValue reads a header from rawHeaders the way req.headers would report it. */
import { describe, expect, it } from 'vitest'
import { rawHeaderValue } from '../../framework/server/raw-headers.ts'

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
