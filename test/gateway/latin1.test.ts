import { describe, expect, it } from 'vitest'
import {
  Latin1Error,
  bytesToLatin1,
  isLatin1,
  latin1ToBytes,
  percentDecodeLatin1,
  toLatin1,
} from '../../framework/gateway/index.ts'

describe('latin1ToBytes', () => {
  it('maps each code unit to one byte', () => {
    expect([...latin1ToBytes('caf\u00c3\u00a9')]).toEqual([0x63, 0x61, 0x66, 0xc3, 0xa9])
  })

  it('keeps every byte value 0..255', () => {
    const all = String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i))
    expect([...latin1ToBytes(all)]).toEqual(Array.from({ length: 256 }, (_, i) => i))
  })

  it('throws a coded Latin1Error naming the culprit for a code unit above 0xFF', () => {
    const attempt = () => latin1ToBytes('price: €5')
    expect(attempt).toThrow(Latin1Error)
    expect(attempt).toThrow(/"€" at index 7/)
    try {
      attempt()
    } catch (error) {
      expect((error as Latin1Error).code).toBe('GW-H12')
    }
  })
})

describe('bytesToLatin1', () => {
  it('turns UTF-8 bytes into their latin-1 code units', () => {
    expect(bytesToLatin1(new TextEncoder().encode('café'))).toBe('caf\u00c3\u00a9')
  })

  it('respects a subarray view offset', () => {
    const bytes = new Uint8Array([0x41, 0x42, 0x43, 0x44]).subarray(1, 3)
    expect(bytesToLatin1(bytes)).toBe('BC')
  })

  it('round-trips with latin1ToBytes', () => {
    const bytes = new Uint8Array([0, 10, 127, 128, 200, 255])
    expect([...latin1ToBytes(bytesToLatin1(bytes))]).toEqual([...bytes])
  })
})

describe('isLatin1', () => {
  it('accepts code units up to 0xFF', () => {
    expect(isLatin1('\u0000abc\u00ff')).toBe(true)
  })

  it('refuses a code unit above 0xFF', () => {
    expect(isLatin1('a\u0100')).toBe(false)
  })
})

describe('toLatin1', () => {
  it('returns a latin-1 string unchanged', () => {
    expect(toLatin1('caf\u00e9')).toBe('caf\u00e9')
  })

  it('encodes other text as its UTF-8 bytes', () => {
    expect(toLatin1('€')).toBe('\u00e2\u0082\u00ac')
  })
})

describe('percentDecodeLatin1', () => {
  it('decodes each %XX to one code unit, without UTF-8 decoding', () => {
    expect(percentDecodeLatin1('/caf%C3%A9')).toBe('/caf\u00c3\u00a9')
  })

  it('leaves a % without two hex digits alone', () => {
    expect(percentDecodeLatin1('/100%/a%2')).toBe('/100%/a%2')
  })
})
