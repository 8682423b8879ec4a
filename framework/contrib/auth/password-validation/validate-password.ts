/**
 * @module validatePassword(): runs AUTH_PASSWORD_VALIDATORS (Django's validate_password), and
 * the help texts forms show under a new-password field.
 */
import type { Settings } from '../../../conf/index.ts'
import {
  CommonPasswordValidator,
  MinimumLengthValidator,
  NumericPasswordValidator,
  UserAttributeSimilarityValidator,
} from './builtin-validators.ts'
import type { PasswordIssue, PasswordUser, PasswordValidator } from './password-validator.ts'

type Factory = (options: Record<string, unknown>) => PasswordValidator

/** The built-in validators by NAME (Django's dotted paths work too: the last part is used). */
const BUILTIN: Readonly<Record<string, Factory>> = {
  MinimumLengthValidator: (o) => new MinimumLengthValidator(o),
  UserAttributeSimilarityValidator: (o) => new UserAttributeSimilarityValidator(o),
  CommonPasswordValidator: (o) => new CommonPasswordValidator(o),
  NumericPasswordValidator: () => new NumericPasswordValidator(),
}

/** Django's snake_case option names, accepted for pasted settings. */
const OPTION_ALIASES: Readonly<Record<string, string>> = {
  min_length: 'minLength',
  user_attributes: 'userAttributes',
  max_similarity: 'maxSimilarity',
  password_list_path: 'passwordListPath',
}

const cache = new WeakMap<object, PasswordValidator[]>()

/**
 * The validators of AUTH_PASSWORD_VALIDATORS.
 *
 * @example
 * ```ts
 * getPasswordValidators(settings).map((v) => v.getHelpText())
 * ```
 */
export function getPasswordValidators(
  settings: Pick<Settings, 'AUTH_PASSWORD_VALIDATORS'>,
): PasswordValidator[] {
  let validators = cache.get(settings)
  if (validators) return validators
  validators = settings.AUTH_PASSWORD_VALIDATORS.map(({ NAME, OPTIONS }) => {
    const make = BUILTIN[NAME.split('.').pop() ?? '']
    if (!make) {
      throw Object.assign(
        new Error(
          `Unknown password validator ${JSON.stringify(NAME)} in AUTH_PASSWORD_VALIDATORS: use one of ${Object.keys(BUILTIN).join(', ')}.`,
        ),
        { code: 'auth.E007' },
      )
    }
    const options = Object.fromEntries(
      Object.entries(OPTIONS ?? {}).map(([key, value]) => [OPTION_ALIASES[key] ?? key, value]),
    )
    return make(options)
  })
  cache.set(settings, validators)
  return validators
}

/**
 * Every issue the configured validators find with `password` (empty: acceptable).
 *
 * @example
 * ```ts
 * const issues = await validatePassword('password', settings, { username: 'ada' })
 * // [{ code: 'password_too_common', message: 'This password is too common.' }]
 * ```
 */
export async function validatePassword(
  password: string,
  settings: Pick<Settings, 'AUTH_PASSWORD_VALIDATORS'>,
  user?: PasswordUser,
  validators: readonly PasswordValidator[] = getPasswordValidators(settings),
): Promise<PasswordIssue[]> {
  const issues: PasswordIssue[] = []
  for (const validator of validators) issues.push(...(await validator.validate(password, user)))
  return issues
}

/** The help texts of the configured validators, for a new-password field. */
export function passwordValidatorsHelpTexts(
  settings: Pick<Settings, 'AUTH_PASSWORD_VALIDATORS'>,
): string[] {
  return getPasswordValidators(settings).map((validator) => validator.getHelpText())
}
