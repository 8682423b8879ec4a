/**
 * @module ModelBackend (Django's): authenticates against the user model with the password
 * hashers, and answers permission questions from `userPermissions` and the groups' permissions.
 */
import type { Settings } from '../../conf/index.ts'
import type { AnyModelClass } from '../../db/index.ts'
import { checkPassword } from './hashers/passwords.ts'
import { Group, Permission } from './models.ts'
import {
  checkUserPassword,
  getUserModel,
  usernameField,
  type AuthSettings,
  type AuthUser,
} from './user-model.ts'

/** What authenticate() takes: the username (or the model's username field) and the password. */
export interface Credentials {
  username?: string
  password?: string
  [field: string]: unknown
}

/**
 * The user whose credentials these are, or undefined. An inactive user is refused (Django's
 * ModelBackend.user_can_authenticate). An unknown username still costs one hash, so timing
 * does not tell which usernames exist.
 *
 * @example
 * ```ts
 * const user = await authenticate({ username: 'ada', password: 'correct horse' }, settings)
 * if (user) await login(request, user)
 * ```
 */
export async function authenticate(
  credentials: Credentials,
  settings: AuthSettings,
): Promise<AuthUser | undefined> {
  const model = getUserModel(settings)
  const field = usernameField(model)
  const username = credentials[field] ?? credentials.username
  const password = credentials.password
  if (typeof username !== 'string' || typeof password !== 'string' || !username) return undefined
  const user = (await model.objects.filter({ [field]: username } as never).first()) as
    AuthUser | undefined
  if (!user) {
    await checkPassword(password, null, settings) // the same cost as a real check
    return undefined
  }
  if (!(await checkUserPassword(user, password, settings))) return undefined
  return user.isActive ? user : undefined
}

const permissionCache = new WeakMap<object, Promise<Set<string>>>()

function hasField(model: AnyModelClass, name: string): boolean {
  return model.meta.byName.has(name)
}

async function loadPermissions(user: AuthUser, settings: Pick<Settings, 'AUTH_USER_MODEL'>) {
  const model = getUserModel(settings)
  const perms = new Set<string>()
  const add = (rows: { contentType: string; codename: string }[]) => {
    for (const row of rows) perms.add(`${row.contentType.split('.')[0]}.${row.codename}`)
  }
  if (!user.isActive || user.pk === undefined) return perms
  if (user.isSuperuser) {
    add(await Permission.objects.values('contentType', 'codename').list())
    return perms
  }
  // The reverse query name of a many-to-many is the lower-cased model name (`user`, `customer`).
  const byUser = { [`${model.meta.modelName.toLowerCase()}__id`]: user.pk } as never
  if (hasField(model, 'userPermissions')) {
    add(await Permission.objects.filter(byUser).values('contentType', 'codename').list())
  }
  if (hasField(model, 'groups')) {
    const groupIds = await Group.objects.filter(byUser).valuesList(['id'], { flat: true }).list()
    if (groupIds.length) {
      add(
        await Permission.objects
          .filter({ group__id__in: groupIds } as never)
          .values('contentType', 'codename')
          .list(),
      )
    }
  }
  return perms
}

/**
 * Every permission of `user` as `'app.codename'` strings: its own, its groups', or all for an
 * active superuser. Cached on the user object (a fresh request loads a fresh user).
 *
 * @example
 * ```ts
 * await getAllPermissions(user, settings) // Set { 'polls.add_question', 'polls.view_question' }
 * ```
 */
export function getAllPermissions(
  user: AuthUser,
  settings: Pick<Settings, 'AUTH_USER_MODEL'>,
): Promise<Set<string>> {
  let cached = permissionCache.get(user)
  if (!cached) {
    cached = loadPermissions(user, settings)
    permissionCache.set(user, cached)
  }
  return cached
}

/** A user of any kind: a user row or AnonymousUser. */
export type MaybeUser = AuthUser | { readonly isAuthenticated: false }

/**
 * Whether `user` has every permission in `perms` (`'polls.add_question'`). Active superusers
 * have all; inactive users and AnonymousUser none.
 *
 * @example
 * ```ts
 * if (await hasPerms(request.user, ['polls.change_question'], settings)) ...
 * ```
 */
export async function hasPerms(
  user: MaybeUser,
  perms: readonly string[],
  settings: Pick<Settings, 'AUTH_USER_MODEL'>,
): Promise<boolean> {
  if (!user.isAuthenticated) return false
  const u = user as AuthUser
  if (!u.isActive) return false
  if (u.isSuperuser) return true
  const all = await getAllPermissions(u, settings)
  return perms.every((p) => all.has(p))
}

/** Whether `user` has one permission. @example `await hasPerm(user, 'polls.add_question', settings)` */
export function hasPerm(
  user: MaybeUser,
  perm: string,
  settings: Pick<Settings, 'AUTH_USER_MODEL'>,
): Promise<boolean> {
  return hasPerms(user, [perm], settings)
}

/** Forget cached permissions (after changing a user's groups or permissions in the same request). */
export function clearPermissionCache(user: object): void {
  permissionCache.delete(user)
}
