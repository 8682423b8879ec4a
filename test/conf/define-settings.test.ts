import { describe, expect, it } from 'vitest'
import { builtinChecks, defineSettings, ImproperlyConfigured } from '../../framework/conf/index.ts'

function thrown(f: () => unknown): ImproperlyConfigured {
  try {
    f()
  } catch (error) {
    if (error instanceof ImproperlyConfigured) return error
    throw error
  }
  throw new Error('expected ImproperlyConfigured')
}

describe('defineSettings', () => {
  it('fills every default, SQLite database included', () => {
    const s = defineSettings({ DEBUG: true }, { env: {} })
    expect(s.DATABASES.default?.URL).toBe('sqlite:db.sqlite3')
    expect(s.APPEND_SLASH).toBe(true)
    expect(s.DATA_UPLOAD_MAX_MEMORY_SIZE).toBe(2_621_440)
    expect(s.X_FRAME_OPTIONS).toBe('DENY')
  })

  it('rejects an unknown key with conf.E001 naming it', () => {
    const error = thrown(() =>
      defineSettings({ DEBUG: true, ALLOWED_HOST: ['x'] } as never, { env: {} }),
    )
    expect(error.code).toBe('conf.E001')
    expect(error.message).toContain('"ALLOWED_HOST"')
    expect(error.issues[0]?.path).toBe('ALLOWED_HOST')
  })

  it('rejects a wrong type with conf.E002 naming the key, the expectation and the value', () => {
    const error = thrown(() => defineSettings({ DEBUG: 'yes' } as never, { env: {} }))
    expect(error.code).toBe('conf.E002')
    expect(error.message).toMatch(/DEBUG expected boolean, received string, got "yes"/)
  })

  it('reports every problem at once', () => {
    const error = thrown(() =>
      defineSettings({ DEBUG: 1, APPEND_SLASH: 'no', TYPO: 1 } as never, { env: {} }),
    )
    expect(error.issues.map((i) => i.path).sort()).toEqual(['APPEND_SLASH', 'DEBUG', 'TYPO'])
  })

  it('requires SECRET_KEY when DEBUG is off (conf.E003)', () => {
    const error = thrown(() => defineSettings({ DEBUG: false }, { env: {} }))
    expect(error.code).toBe('conf.E003')
    expect(error.message).toContain('SECRET_KEY')
    expect(() => defineSettings({ DEBUG: false, SECRET_KEY: 'k' }, { env: {} })).not.toThrow()
  })

  it('applies DATABASE_URL, SECRET_KEY, DEBUG and ALLOWED_HOSTS from the environment', () => {
    const s = defineSettings(
      { DEBUG: true },
      {
        env: {
          DATABASE_URL: 'postgres://u@h/db',
          SECRET_KEY: 's3',
          DEBUG: 'off',
          ALLOWED_HOSTS: 'a.com, .b.com',
        },
      },
    )
    expect(s.DATABASES.default?.URL).toBe('postgres://u@h/db')
    expect(s.SECRET_KEY).toBe('s3')
    expect(s.DEBUG).toBe(false)
    expect(s.ALLOWED_HOSTS).toEqual(['a.com', '.b.com'])
  })

  it('rejects a DEBUG environment value that is not a boolean word (conf.E004)', () => {
    expect(
      thrown(() => defineSettings({}, { env: { DEBUG: 'maybe', SECRET_KEY: 'x' } })).code,
    ).toBe('conf.E004')
  })

  it('freezes the result', () => {
    const s = defineSettings({ DEBUG: true, ALLOWED_HOSTS: ['a'] }, { env: {} })
    expect(Object.isFrozen(s)).toBe(true)
    expect(Object.isFrozen(s.ALLOWED_HOSTS)).toBe(true)
  })

  it('accepts middleware as names or factories and rejects other values', () => {
    expect(() =>
      defineSettings(
        { DEBUG: true, MIDDLEWARE: ['CommonMiddleware', () => () => null] },
        { env: {} },
      ),
    ).not.toThrow()
    expect(
      thrown(() => defineSettings({ DEBUG: true, MIDDLEWARE: [42] } as never, { env: {} }))
        .issues[0]?.path,
    ).toBe('MIDDLEWARE.0')
  })
})

describe('builtinChecks', () => {
  it('returns findings with stable ids instead of throwing', () => {
    const findings = builtinChecks().run(
      defineSettings({ DEBUG: false, SECRET_KEY: 'short' }, { env: {} }),
    )
    expect(findings.map((f) => f.id)).toEqual([
      'security.W001',
      'security.W003',
      'security.W004',
      'urls.E001',
    ])
  })

  it('reports an installed app that is not a folder (apps.E001), naming it', () => {
    const findings = builtinChecks().run(
      defineSettings({ DEBUG: true, INSTALLED_APPS: ['framework', 'no/such/app'] }, { env: {} }),
      ['apps'],
    )
    expect(findings).toHaveLength(1)
    expect(findings[0]?.id).toBe('apps.E001')
    expect(findings[0]?.message).toContain('"no/such/app"')
  })
})
