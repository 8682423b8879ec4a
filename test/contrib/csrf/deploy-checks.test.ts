/**
 * The deployment checks this issue adds (framework/conf/checks/deploy-checks.ts): each fires on
 * the setting it names and is silent on a hardened configuration.
 */
import { describe, expect, it } from 'vitest'
import { defineSettings, deployChecks, type SettingsInput } from '../../../framework/conf/index.ts'
import { CsrfViewMiddleware } from '../../../framework/contrib/csrf/index.ts'
import { SessionMiddleware } from '../../../framework/contrib/sessions/index.ts'

const hardened: SettingsInput = {
  DEBUG: false,
  SECRET_KEY: 'q8#v!t0z^m3w(k1x-y5r+b7n@c2p%d9f)g4h&j6s*l0a_e1u=o',
  ALLOWED_HOSTS: ['example.com'],
  INSTALLED_APPS: [],
  MIDDLEWARE: [
    'SecurityMiddleware',
    SessionMiddleware,
    CsrfViewMiddleware,
    'XFrameOptionsMiddleware',
  ],
  SECURE_HSTS_SECONDS: 31_536_000,
  SECURE_HSTS_INCLUDE_SUBDOMAINS: true,
  SECURE_SSL_REDIRECT: true,
  SESSION_COOKIE_SECURE: true,
  CSRF_COOKIE_SECURE: true,
}

function ids(input: SettingsInput): string[] {
  return deployChecks()
    .run(defineSettings({ ...hardened, ...input }, { env: {} }))
    .map((m) => m.id)
}

describe('deployment checks for sessions, CSRF and headers', () => {
  it('finds nothing in a hardened configuration with sessions and CSRF', () => {
    expect(ids({})).toEqual([])
  })

  it('flags sessions without CsrfViewMiddleware, by middleware or by installed app', () => {
    expect(ids({ MIDDLEWARE: ['SecurityMiddleware', SessionMiddleware] })).toEqual([
      'security.W030',
    ])
    expect(
      ids({ MIDDLEWARE: ['SecurityMiddleware'], INSTALLED_APPS: ['framework/contrib/sessions'] }),
    ).toEqual(['security.W030'])
    expect(ids({ MIDDLEWARE: ['SecurityMiddleware'] })).toEqual([])
  })

  it('flags SameSite None or absent on the session and CSRF cookies', () => {
    expect(ids({ SESSION_COOKIE_SAMESITE: 'None' })).toEqual(['security.W024'])
    expect(ids({ SESSION_COOKIE_SAMESITE: null })).toEqual(['security.W024'])
    expect(ids({ CSRF_COOKIE_SAMESITE: 'None' })).toEqual(['security.W025'])
    expect(ids({ SESSION_COOKIE_SAMESITE: 'Strict', CSRF_COOKIE_SAMESITE: 'Strict' })).toEqual([])
  })

  it('flags plain-http trusted origins and names them in the hint', () => {
    const findings = deployChecks().run(
      defineSettings(
        {
          ...hardened,
          CSRF_TRUSTED_ORIGINS: ['https://ok.example.com', 'http://shop.example.com'],
        },
        { env: {} },
      ),
    )
    expect(findings.map((m) => m.id)).toEqual(['security.W023'])
    expect(findings[0]?.hint).toContain('http://shop.example.com')
  })

  it('flags nosniff off, framing allowed and a missing Referrer-Policy', () => {
    expect(ids({ SECURE_CONTENT_TYPE_NOSNIFF: false })).toEqual(['security.W006'])
    expect(ids({ X_FRAME_OPTIONS: 'SAMEORIGIN' })).toEqual(['security.W019'])
    expect(ids({ SECURE_REFERRER_POLICY: null })).toEqual(['security.W022'])
  })
})
