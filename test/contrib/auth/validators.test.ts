/**
 * Password validators (Django's four) and validatePassword() over AUTH_PASSWORD_VALIDATORS.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  CommonPasswordValidator,
  MinimumLengthValidator,
  NumericPasswordValidator,
  UserAttributeSimilarityValidator,
  getPasswordValidators,
  passwordValidatorsHelpTexts,
  similarityRatio,
  validatePassword,
} from '../../../framework/contrib/auth/index.ts'
import { defineSettings } from '../../../framework/conf/index.ts'

describe('MinimumLengthValidator', () => {
  it('refuses shorter passwords and counts characters, not UTF-16 units', () => {
    const v = new MinimumLengthValidator({ minLength: 4 })
    expect(v.validate('abc').map((i) => i.code)).toEqual(['password_too_short'])
    expect(v.validate('abcd')).toEqual([])
    expect(new MinimumLengthValidator({ minLength: 3 }).validate('😀😀')).toHaveLength(1)
  })
})

describe('CommonPasswordValidator', () => {
  it('bundles a list of 20,000 common passwords and refuses them, whatever the case', async () => {
    const v = new CommonPasswordValidator()
    expect((await v.validate('password')).map((i) => i.code)).toEqual(['password_too_common'])
    expect(await v.validate('PassWord')).toHaveLength(1)
    expect(await v.validate('qwerty123')).toHaveLength(1)
    expect(await v.validate('a rather unusual passphrase 93')).toEqual([])
  })

  it('reads a custom list, plain text', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pwlist-'))
    try {
      writeFileSync(join(dir, 'banned.txt'), 'acme2024\nhunter2\n')
      const v = new CommonPasswordValidator({ passwordListPath: join(dir, 'banned.txt') })
      expect(await v.validate('Hunter2')).toHaveLength(1)
      expect(await v.validate('password')).toEqual([])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('NumericPasswordValidator', () => {
  it('refuses all-digit passwords only', () => {
    const v = new NumericPasswordValidator()
    expect(v.validate('12345678901').map((i) => i.code)).toEqual(['password_entirely_numeric'])
    expect(v.validate('١٢٣٤٥٦')).toHaveLength(1) // Arabic-Indic digits are digits too
    expect(v.validate('1234567a')).toEqual([])
  })
})

describe('UserAttributeSimilarityValidator', () => {
  it('computes Python difflib’s ratio', () => {
    expect(similarityRatio('abcd', 'bcde')).toBeCloseTo(0.75)
    expect(similarityRatio('', '')).toBe(1)
    expect(similarityRatio('abc', 'xyz')).toBe(0)
  })

  it('refuses a password too close to the username, a name or a part of the email', () => {
    const v = new UserAttributeSimilarityValidator()
    const user = {
      username: 'adalovelace',
      firstName: 'Ada',
      email: 'countess.lovelace@example.com',
    }
    expect(v.validate('adalovelace1', user).map((i) => i.code)).toEqual(['password_too_similar'])
    expect(
      v.validate('lovelace!', { username: 'ada', email: 'countess.lovelace@example.com' })[0]
        ?.message,
    ).toBe('The password is too similar to the email.')
    expect(v.validate('correct horse battery', user)).toEqual([])
    expect(v.validate('adalovelace')).toEqual([]) // no user, nothing to compare
  })
})

describe('validatePassword', () => {
  const settings = defineSettings(
    {
      DEBUG: true,
      AUTH_PASSWORD_VALIDATORS: [
        {
          NAME: 'django.contrib.auth.password_validation.MinimumLengthValidator',
          OPTIONS: { min_length: 12 },
        },
        { NAME: 'CommonPasswordValidator' },
        { NAME: 'NumericPasswordValidator' },
        { NAME: 'UserAttributeSimilarityValidator' },
      ],
    },
    { env: {} },
  )

  it('runs every validator and returns every issue (accepts Django’s names and option names)', async () => {
    const issues = await validatePassword('123456', settings)
    expect(issues.map((i) => i.code)).toEqual([
      'password_too_short',
      'password_too_common',
      'password_entirely_numeric',
    ])
    expect(await validatePassword('a long and unusual passphrase', settings)).toEqual([])
  })

  it('gives the help texts for the form', () => {
    expect(passwordValidatorsHelpTexts(settings)[0]).toBe(
      'Your password must contain at least 12 characters.',
    )
  })

  it('names an unknown validator', () => {
    const bad = defineSettings(
      { DEBUG: true, AUTH_PASSWORD_VALIDATORS: [{ NAME: 'Argon2Validator' }] },
      { env: {} },
    )
    expect(() => getPasswordValidators(bad)).toThrow(/Unknown password validator "Argon2Validator"/)
  })
})
