/**
 * parseIsoDateTime, the SQLite backend's reader of stored datetimes: the same Date as
 * `new Date(text)` for every text, the stored form and everything else alike.
 */
import { describe, expect, it } from 'vitest'
import { parseIsoDateTime } from '../../framework/db/backends/iso-datetime.ts'

const same = (text: string) => {
  const expected = new Date(text).getTime()
  const actual = parseIsoDateTime(text).getTime()
  return Number.isNaN(expected) ? Number.isNaN(actual) : actual === expected
}

describe('parseIsoDateTime', () => {
  it('reads what toISOString() writes, over four millennia', () => {
    // A fixed pseudo-random walk (no Math.random: a failure must reproduce).
    let seed = 12345
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    const start = Date.UTC(1000, 0, 1)
    const span = Date.UTC(9999, 11, 31) - start
    const texts = Array.from({ length: 20_000 }, () =>
      new Date(start + Math.floor(next() * span)).toISOString(),
    )
    texts.push('2024-02-29T23:59:59.999Z', '2000-02-29T00:00:00.000Z', '1970-01-01T00:00:00.000Z')
    expect(texts.filter((text) => !same(text))).toEqual([])
    expect(parseIsoDateTime('2025-01-31T12:34:56.789Z').getTime()).toBe(
      Date.UTC(2025, 0, 31, 12, 34, 56, 789),
    )
  })

  it('gives what new Date() gives for texts outside the plain form', () => {
    const texts = [
      '2025-02-29T00:00:00.000Z', // not a leap year: V8 rolls over to March 1
      '2025-02-30T00:00:00.000Z',
      '2025-04-31T00:00:00.000Z',
      '1900-02-29T00:00:00.000Z',
      '2025-01-01T24:00:00.000Z',
      '2025-13-01T00:00:00.000Z',
      '2025-00-10T00:00:00.000Z',
      '2025-01-00T00:00:00.000Z',
      '2025-01-01T00:60:00.000Z',
      '2025-01-01T00:00:60.000Z',
      '0099-01-01T00:00:00.000Z', // Date.UTC would say 1999
      '0999-12-31T23:59:59.999Z',
      '2025-01-01T00:00:00.000+01:00',
      '2025-01-01 00:00:00',
      '2025-01-01',
      '2025-1a-01T00:00:00.000Z',
      'x025-01-01T00:00:00.000Z',
      '2025-01-01T00:00:00.00xZ',
      '+002025-01-01T00:00:00.000Z',
      '',
      'not a date at all, 24 ch',
    ]
    expect(texts.filter((text) => !same(text))).toEqual([])
  })
})
