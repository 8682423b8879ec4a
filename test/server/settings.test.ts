import { describe, expect, it } from 'vitest'
import {
  SETTINGS,
  SettingError,
  findSetting,
  resolveSettings,
} from '../../framework/server/settings.ts'

describe('SETTINGS', () => {
  it('declares each name and each flag once', () => {
    const names = SETTINGS.map((s) => s.name)
    const flags = SETTINGS.flatMap((s) => ('short' in s && s.short ? [s.flag, s.short] : [s.flag]))
    expect(new Set(names).size).toBe(names.length)
    expect(new Set(flags).size).toBe(flags.length)
  })

  it('keeps each default valid for its own validator', () => {
    for (const spec of SETTINGS) {
      if (spec.default === undefined) continue
      expect(spec.parse(spec.default as never), spec.name).toEqual(spec.default)
    }
  })

  it('uses Gunicorn names for the options Gunicorn has', () => {
    for (const flag of [
      '--workers',
      '--bind',
      '--timeout',
      '--graceful-timeout',
      '--keep-alive',
      '--max-requests',
      '--max-requests-jitter',
      '--preload',
      '--reload',
      '--chdir',
      '--pid',
      '--name',
      '--user',
      '--group',
      '--forwarded-allow-ips',
      '--limit-request-line',
      '--limit-request-fields',
      '--limit-request-field_size',
      '--access-logfile',
      '--access-logformat',
      '--error-logfile',
      '--log-level',
      '--certfile',
      '--keyfile',
      '--check-config',
      '--print-config',
    ]) {
      expect(findSetting(flag), flag).toBeDefined()
    }
  })
})

describe('resolveSettings', () => {
  it('starts from the defaults', () => {
    const s = resolveSettings()
    expect(s.workers).toBe(1)
    expect(s.bind).toEqual(['127.0.0.1:8000'])
    expect(s.keepalive).toBeGreaterThan(60)
  })

  it('lets later layers win and converts strings', () => {
    const s = resolveSettings(
      { workers: 2, timeout: 10 },
      { workers: '4' },
      { preloadApp: 'yes', bindMode: '0o600' },
    )
    expect(s.workers).toBe(4)
    expect(s.timeout).toBe(10)
    expect(s.preloadApp).toBe(true)
    expect(s.bindMode).toBe(0o600)
  })

  it('refuses a bad value with a coded error naming the flag and the expectation', () => {
    const attempt = () => resolveSettings({ workers: 'many' })
    expect(attempt).toThrow(SettingError)
    expect(attempt).toThrow(/--workers got "many": expected an integer >= 1/)
    try {
      attempt()
    } catch (error) {
      expect((error as SettingError).code).toBe('serve.E_SETTING')
    }
  })

  it('refuses an unknown key, naming it', () => {
    expect(() => resolveSettings({ wrokers: 2 })).toThrow(/Unknown serve setting "wrokers"/)
  })

  it('refuses a log level outside the list', () => {
    expect(() => resolveSettings({ loglevel: 'loud' })).toThrow(
      /one of debug, info, warning, error, critical/,
    )
  })
})
