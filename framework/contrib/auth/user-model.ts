/**
 * @module The user model protocol: which model AUTH_USER_MODEL names, the fields auth relies on,
 * and the helpers that need the settings (hashing lives in PASSWORD_HASHERS): createUser(),
 * createSuperuser(), setPassword(), checkUserPassword().
 *
 * A swapped-in model (`AUTH_USER_MODEL: 'accounts.Customer'`) needs `password`
 * (char, 128), `lastLogin` (dateTime, null) and `isActive` (boolean), plus a unique `username`
 * field, or a unique `email` field used as the username. `isSuperuser`, `isStaff`, `groups` and
 * `userPermissions` are optional: without them the user simply has no such rights.
 */
import type { Settings } from '../../conf/index.ts'
import { getModel, type AnyModelClass } from '../../db/index.ts'
import { checkPassword, makePassword } from './hashers/passwords.ts'
import { User } from './models.ts'

/** What auth reads and writes on any user model's instances. */
export interface AuthUser {
  readonly pk: number | string | undefined
  id?: number
  password: string
  lastLogin: Date | null
  isActive: boolean
  isSuperuser?: boolean
  isStaff?: boolean
  email?: string
  username?: string
  /** Always true for a user row (AnonymousUser says false). */
  readonly isAuthenticated: true
  readonly isAnonymous: false
  /** The value of the username field (Django's get_username()). */
  getUsername(): string
  save(options?: { updateFields?: readonly string[] }): Promise<void>
}

/** The settings the auth helpers read. */
export type AuthSettings = Pick<Settings, 'AUTH_USER_MODEL' | 'PASSWORD_HASHERS'>

const prepared = new WeakSet<object>()

/** Adds Django's `isAuthenticated`/`isAnonymous`/`getUsername()` to a user model's instances. */
function prepare(model: AnyModelClass): AnyModelClass {
  if (prepared.has(model)) return model
  const field = usernameField(model)
  Object.defineProperties((model as unknown as { prototype: object }).prototype, {
    isAuthenticated: { get: () => true, configurable: true },
    isAnonymous: { get: () => false, configurable: true },
    getUsername: {
      value(this: Record<string, unknown>) {
        return String(this[field] ?? '')
      },
      configurable: true,
    },
  })
  prepared.add(model)
  return model
}

/**
 * The user model AUTH_USER_MODEL names (Django's get_user_model()).
 *
 * @example
 * ```ts
 * const UserModel = getUserModel(settings)
 * const ada = await UserModel.objects.get({ username: 'ada' })
 * ```
 */
export function getUserModel(settings: Pick<Settings, 'AUTH_USER_MODEL'>): AnyModelClass {
  if (settings.AUTH_USER_MODEL === 'auth.User') return prepare(User as unknown as AnyModelClass)
  let model: AnyModelClass
  try {
    model = getModel(settings.AUTH_USER_MODEL) as unknown as AnyModelClass
  } catch (cause) {
    throw Object.assign(
      new Error(
        `AUTH_USER_MODEL refers to ${JSON.stringify(settings.AUTH_USER_MODEL)}, which is not a defined model: add its app to INSTALLED_APPS (and call setup()), or fix the label.`,
        { cause },
      ),
      { code: 'auth.E002' },
    )
  }
  for (const name of ['password', 'lastLogin', 'isActive']) {
    if (!model.meta.byName.has(name)) {
      throw Object.assign(
        new Error(
          `AUTH_USER_MODEL ${settings.AUTH_USER_MODEL} has no field ${JSON.stringify(name)}: a user model needs password, lastLogin and isActive (see docs/auth.md).`,
        ),
        { code: 'auth.E003' },
      )
    }
  }
  return prepare(model)
}

/**
 * The field that identifies a user at login: `username` when the model has one, else `email`
 * (Django's USERNAME_FIELD).
 */
export function usernameField(model: AnyModelClass): string {
  if (model.meta.byName.has('username')) return 'username'
  if (model.meta.byName.has('email')) return 'email'
  throw Object.assign(
    new Error(`${model.meta.label} has neither a username nor an email field to log in with.`),
    { code: 'auth.E003' },
  )
}

/** Django's normalize_email: the domain part lower-cased. */
export function normalizeEmail(email: string): string {
  const at = email.lastIndexOf('@')
  return at < 0
    ? email.trim()
    : `${email.slice(0, at).trim()}@${email
        .slice(at + 1)
        .trim()
        .toLowerCase()}`
}

/**
 * Hashes `password` into `user.password` (not saved); `null` makes it unusable.
 *
 * @example
 * ```ts
 * await setPassword(user, 'new secret', settings)
 * await user.save({ updateFields: ['password'] })
 * ```
 */
export async function setPassword(
  user: { password: string },
  password: string | null,
  settings: Pick<Settings, 'PASSWORD_HASHERS'>,
): Promise<void> {
  user.password = await makePassword(password, settings)
}

/**
 * Whether `password` is the user's; a match against an outdated hash re-hashes and saves it
 * with the preferred hasher (the upgrade at login).
 *
 * @example
 * ```ts
 * if (await checkUserPassword(user, form.password, settings)) ...
 * ```
 */
export async function checkUserPassword(
  user: Pick<AuthUser, 'password' | 'save'>,
  password: string,
  settings: Pick<Settings, 'PASSWORD_HASHERS'>,
): Promise<boolean> {
  const { valid, mustUpdate } = await checkPassword(password, user.password, settings)
  if (valid && mustUpdate) {
    user.password = await makePassword(password, settings)
    await user.save({ updateFields: ['password'] })
  }
  return valid
}

/** The fields createUser() takes: the username field, password, and any other field. */
export type NewUser = Record<string, unknown> & { password?: string | null }

/**
 * Creates a user with a hashed password (Django's create_user); no password gives an unusable one.
 *
 * @example
 * ```ts
 * const ada = await createUser({ username: 'ada', email: 'ada@example.com', password: 'correct horse' }, settings)
 * ```
 */
export async function createUser(values: NewUser, settings: AuthSettings): Promise<AuthUser> {
  const model = getUserModel(settings)
  const field = usernameField(model)
  const { password = null, ...rest } = values
  if (!rest[field]) {
    throw Object.assign(new Error(`createUser() needs the ${field} field.`), { code: 'auth.E004' })
  }
  if (typeof rest['email'] === 'string') rest['email'] = normalizeEmail(rest['email'])
  const user = new model(rest as never) as unknown as AuthUser
  await setPassword(user, password, settings)
  await user.save()
  return user
}

/**
 * Creates a superuser (isStaff and isSuperuser set; Django's create_superuser).
 *
 * @example
 * ```ts
 * await createSuperuser({ username: 'admin', email: 'admin@example.com', password: 's3cret!pass' }, settings)
 * ```
 */
export async function createSuperuser(values: NewUser, settings: AuthSettings): Promise<AuthUser> {
  const model = getUserModel(settings)
  const extra: Record<string, unknown> = {}
  if (model.meta.byName.has('isStaff')) extra['isStaff'] = true
  if (model.meta.byName.has('isSuperuser')) extra['isSuperuser'] = true
  return createUser({ ...values, ...extra }, settings)
}

/**
 * A primary key read back from text (a session, a reset link) in the model's type: a number
 * for integer keys (undefined when it is not a safe integer), else the text.
 */
export function pkFromText(model: AnyModelClass, text: string): number | string | undefined {
  const kind = model.meta.pk.kind
  if (!/Auto|Integer/.test(kind)) return text
  const value = Number(text)
  return /^\d+$/.test(text) && Number.isSafeInteger(value) ? value : undefined
}
