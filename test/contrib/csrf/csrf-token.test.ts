import { describe, expect, it } from 'vitest'
import {
  maskSecret,
  newCsrfSecret,
  tokenMatches,
  unmaskToken,
} from '../../../framework/contrib/csrf/csrf-token.ts'

describe('CSRF tokens', () => {
  it('masks a secret into 64 characters that unmask to it, differently each time', () => {
    const secret = newCsrfSecret()
    const a = maskSecret(secret)
    const b = maskSecret(secret)
    expect(a).not.toBe(b)
    expect([unmaskToken(a), unmaskToken(b)]).toEqual([secret, secret])
    expect(tokenMatches(a, secret)).toBe(true)
  })

  it('never throws on lengths timingSafeEqual would refuse, and rejects them', () => {
    const secret = newCsrfSecret()
    for (const token of [
      '',
      'a',
      secret.slice(1),
      `${secret}x`,
      maskSecret(secret).slice(1),
      `${maskSecret(secret)}a`,
    ]) {
      expect(tokenMatches(token, secret)).toBe(false)
    }
  })

  it('rejects an equal-length token differing in any single position', () => {
    const secret = newCsrfSecret()
    for (let i = 0; i < secret.length; i++) {
      const other = secret[i] === 'Z' ? 'Y' : 'Z'
      expect(tokenMatches(secret.slice(0, i) + other + secret.slice(i + 1), secret)).toBe(false)
    }
  })

  it('rejects non-ASCII look-alikes of the same length', () => {
    const secret = newCsrfSecret()
    expect(tokenMatches(`${secret.slice(0, -1)}é`, secret)).toBe(false)
  })
})
