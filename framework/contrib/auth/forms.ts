/**
 * @module The auth forms (Django's django.contrib.auth.forms): AuthenticationForm,
 * UserCreationForm, PasswordChangeForm, SetPasswordForm, PasswordResetForm. Each takes the
 * settings (and the user where it needs one) and does its checks in clean(), so a view only
 * binds, asks isValid(), and acts.
 */
import type { Settings } from '../../conf/index.ts'
import { Form, field, type CleanedData, type FormOptions } from '../../forms/index.ts'
import { authenticate } from './backend.ts'
import { isPasswordUsable } from './hashers/passwords.ts'
import {
  passwordValidatorsHelpTexts,
  validatePassword,
} from './password-validation/validate-password.ts'
import {
  checkUserPassword,
  createUser,
  getUserModel,
  setPassword,
  usernameField,
  type AuthSettings,
  type AuthUser,
} from './user-model.ts'

/** The settings the forms read. */
export type FormSettings = AuthSettings & Pick<Settings, 'AUTH_PASSWORD_VALIDATORS'>

const loginFields = {
  username: field.char({ maxLength: 254, attrs: { autofocus: true, autocomplete: 'username' } }),
  password: field.password({ attrs: { autocomplete: 'current-password' } }),
}

/**
 * The login form: username and password, checked with authenticate(). After isValid(),
 * `getUser()` is the user to log in.
 *
 * @example
 * ```ts
 * const form = new AuthenticationForm(settings).bind(request.POST)
 * if (await form.isValid()) await login(request, form.getUser())
 * ```
 */
export class AuthenticationForm extends Form<typeof loginFields> {
  readonly #settings: FormSettings
  #user: AuthUser | undefined

  constructor(settings: FormSettings, options: FormOptions<typeof loginFields> = {}) {
    super({ fields: loginFields }, options)
    this.#settings = settings
  }

  override async clean(data: Partial<CleanedData<typeof loginFields>>): Promise<void> {
    await super.clean(data)
    if (data.username === undefined || data.password === undefined) return
    this.#user = await authenticate(
      { username: data.username, password: data.password },
      this.#settings,
    )
    if (!this.#user) {
      const model = getUserModel(this.#settings)
      this.addError(
        null,
        `Please enter a correct ${usernameField(model)} and password. Note that both fields may be case-sensitive.`,
      )
    }
  }

  /** The authenticated user (after a successful isValid()). */
  getUser(): AuthUser {
    if (!this.#user) throw new Error('getUser() before a successful isValid()')
    return this.#user
  }
}

function newPasswordFields(settings: FormSettings) {
  const help = passwordValidatorsHelpTexts(settings).join(' ')
  return {
    newPassword1: field.password({
      label: 'New password',
      attrs: { autocomplete: 'new-password' },
      ...(help ? { helpText: help } : {}),
    }),
    newPassword2: field.password({
      label: 'New password confirmation',
      attrs: { autocomplete: 'new-password' },
    }),
  }
}
type NewPasswordFields = ReturnType<typeof newPasswordFields>

/** Shared by the set and change forms: the two entries match and pass the validators. */
async function checkNewPassword(
  form: Form<NewPasswordFields>,
  data: Partial<CleanedData<NewPasswordFields>>,
  settings: FormSettings,
  user: Record<string, unknown> | undefined,
): Promise<void> {
  const { newPassword1: one, newPassword2: two } = data
  if (one === undefined || two === undefined) return
  if (one !== two) {
    form.addError('newPassword2', 'The two password fields didn’t match.')
    return
  }
  for (const issue of await validatePassword(one, settings, user))
    form.addError('newPassword2', issue.message)
}

/**
 * A new password entered twice, checked by AUTH_PASSWORD_VALIDATORS (password reset).
 *
 * @example
 * ```ts
 * const form = new SetPasswordForm(user, settings).bind(request.POST)
 * if (await form.isValid()) await form.save()
 * ```
 */
export class SetPasswordForm extends Form<NewPasswordFields> {
  readonly user: AuthUser
  protected readonly settings: FormSettings

  constructor(
    user: AuthUser,
    settings: FormSettings,
    options: FormOptions<NewPasswordFields> = {},
  ) {
    super({ fields: newPasswordFields(settings) }, options)
    this.user = user
    this.settings = settings
  }

  override async clean(data: Partial<CleanedData<NewPasswordFields>>): Promise<void> {
    await super.clean(data)
    await checkNewPassword(
      this,
      data,
      this.settings,
      this.user as unknown as Record<string, unknown>,
    )
  }

  /** Hashes and saves the new password. */
  async save(): Promise<AuthUser> {
    await setPassword(this.user, this.cleanedData.newPassword1, this.settings)
    await this.user.save({ updateFields: ['password'] })
    return this.user
  }
}

/**
 * The old password, then a new one twice (password change).
 *
 * @example
 * ```ts
 * const form = new PasswordChangeForm(request.user, settings).bind(request.POST)
 * ```
 */
export class PasswordChangeForm extends SetPasswordForm {
  readonly #oldPassword = field.password({
    label: 'Old password',
    attrs: { autocomplete: 'current-password', autofocus: true },
  })

  constructor(
    user: AuthUser,
    settings: FormSettings,
    options: FormOptions<NewPasswordFields> = {},
  ) {
    super(user, settings, options)
    // The old password first, as Django orders it.
    const fields = this.fields as Record<string, unknown>
    const rest = { ...fields }
    for (const key of Object.keys(fields)) delete fields[key]
    Object.assign(fields, { oldPassword: this.#oldPassword }, rest)
  }

  override async clean(data: Partial<CleanedData<NewPasswordFields>>): Promise<void> {
    const old = (data as Record<string, unknown>)['oldPassword']
    if (typeof old === 'string' && !(await checkUserPassword(this.user, old, this.settings))) {
      this.addError(
        'oldPassword' as never,
        'Your old password was entered incorrectly. Please enter it again.',
      )
    }
    await super.clean(data)
  }
}

const signUpFields = {
  username: field.char({
    maxLength: 150,
    helpText: 'Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only.',
    attrs: { autocomplete: 'username', autofocus: true },
  }),
  password1: field.password({ label: 'Password', attrs: { autocomplete: 'new-password' } }),
  password2: field.password({
    label: 'Password confirmation',
    helpText: 'Enter the same password as before, for verification.',
    attrs: { autocomplete: 'new-password' },
  }),
}

/**
 * Sign-up: a unique username and a password entered twice, checked by the validators.
 *
 * @example
 * ```ts
 * const form = new UserCreationForm(settings).bind(request.POST)
 * if (await form.isValid()) await login(request, await form.save())
 * ```
 */
export class UserCreationForm extends Form<typeof signUpFields> {
  readonly #settings: FormSettings

  constructor(settings: FormSettings, options: FormOptions<typeof signUpFields> = {}) {
    super({ fields: signUpFields }, options)
    this.#settings = settings
  }

  override async clean(data: Partial<CleanedData<typeof signUpFields>>): Promise<void> {
    await super.clean(data)
    const { username, password1, password2 } = data
    if (username !== undefined) {
      if (!/^[\w.@+-]+$/u.test(username)) {
        this.addError(
          'username',
          'Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.',
        )
      } else {
        const model = getUserModel(this.#settings)
        const field = usernameField(model)
        if (await model.objects.filter({ [`${field}__iexact`]: username } as never).exists()) {
          this.addError('username', 'A user with that username already exists.')
        }
      }
    }
    if (password1 !== undefined && password2 !== undefined) {
      if (password1 !== password2)
        this.addError('password2', 'The two password fields didn’t match.')
      else {
        for (const issue of await validatePassword(password1, this.#settings, {
          username: username ?? '',
        })) {
          this.addError('password2', issue.message)
        }
      }
    }
  }

  /** Creates the user (hashed password). */
  async save(extra: Record<string, unknown> = {}): Promise<AuthUser> {
    const model = getUserModel(this.#settings)
    const { username, password1 } = this.cleanedData
    return createUser(
      { ...extra, [usernameField(model)]: username, password: password1 },
      this.#settings,
    )
  }
}

const resetFields = {
  email: field.email({ maxLength: 254, attrs: { autocomplete: 'email' } }),
}

/**
 * The email address to send a reset link to.
 *
 * @example
 * ```ts
 * const form = new PasswordResetForm().bind(request.POST)
 * ```
 */
export class PasswordResetForm extends Form<typeof resetFields> {
  constructor(options: FormOptions<typeof resetFields> = {}) {
    super({ fields: resetFields }, options)
  }

  /**
   * The active users with this email and a usable password (Django's get_users): the ones a
   * link may go to.
   */
  async getUsers(settings: AuthSettings): Promise<AuthUser[]> {
    const model = getUserModel(settings)
    if (!model.meta.byName.has('email')) return []
    const users = (await model.objects
      .filter({ email__iexact: this.cleanedData.email, isActive: true } as never)
      .list()) as unknown as AuthUser[]
    return users.filter((user) => isPasswordUsable(user.password))
  }
}
