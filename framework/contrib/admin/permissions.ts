/**
 * @module Who may use the admin and what they may do: an active staff user gets in; each model
 * page and action then needs the model's view, add, change or delete permission
 * (`polls.change_question`), which auth's hasPerm answers (superusers have all).
 */
import type { Settings } from '../../conf/index.ts'
import type { HttpRequest } from '../../http/index.ts'
import { hasPerm } from '../auth/index.ts'
import type { AnyModelClass } from '../../db/index.ts'
import type { Permission } from './options.ts'

/** The user fields the admin reads (auth's User, or a custom AUTH_USER_MODEL with the same). */
export interface AdminUser {
  readonly pk: unknown
  readonly isAuthenticated: boolean
  readonly isActive: boolean
  readonly isStaff: boolean
  readonly isSuperuser: boolean
  readonly username?: string
}

/** `request.user`, as auth's middleware sets it (AnonymousUser when nobody is logged in). */
export function requestUser(request: HttpRequest): AdminUser | undefined {
  const user = (request as unknown as { user?: unknown }).user ?? (request.state['user'] as unknown)
  return typeof user === 'object' && user !== null ? (user as AdminUser) : undefined
}

/** Whether the user may enter the admin at all (Django's has_permission: active staff). */
export function isAdminUser(user: AdminUser | undefined): user is AdminUser {
  return Boolean(user && user.isAuthenticated && user.isActive && user.isStaff)
}

/** The model an admin permission is about: its app label and lower-case model name. */
export interface PermissionTarget {
  readonly appLabel: string
  readonly modelName: string
}

/** The permission name of an action on a model: `polls.view_question`. */
export function permissionName(target: PermissionTarget, permission: Permission): string {
  return `${target.appLabel}.${permission}_${target.modelName}`
}

/** The permission target of any model (an inline's model need not be registered). */
export function targetOf(model: AnyModelClass): PermissionTarget {
  return { appLabel: model.meta.appLabel, modelName: model.meta.modelName.toLowerCase() }
}

/** Whether `user` holds `permission` on the model of `admin`. */
export async function hasModelPermission(
  user: AdminUser,
  admin: PermissionTarget,
  permission: Permission,
  settings: Settings,
): Promise<boolean> {
  if (!isAdminUser(user)) return false
  if (user.isSuperuser) return true
  return hasPerm(user as never, permissionName(admin, permission), settings)
}

/** The four permissions of one model for one user (view is implied by change, as in Django). */
export interface ModelPermissions {
  readonly view: boolean
  readonly add: boolean
  readonly change: boolean
  readonly delete: boolean
}

/** Loads a user's permissions on a model (auth caches them per user object, one query). */
export async function modelPermissions(
  user: AdminUser,
  admin: PermissionTarget,
  settings: Settings,
): Promise<ModelPermissions> {
  const [view, add, change, remove] = await Promise.all(
    (['view', 'add', 'change', 'delete'] as const).map((p) =>
      hasModelPermission(user, admin, p, settings),
    ),
  )
  return { view: view! || change!, add: add!, change: change!, delete: remove! }
}
