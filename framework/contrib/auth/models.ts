/**
 * @module The auth app's models (app label `auth`): Permission, Group and User, with Django's
 * fields and tables (`auth_permission`, `auth_group`, `auth_user`, and the many-to-many tables
 * `auth_group_permissions`, `auth_user_groups`, `auth_user_user_permissions`).
 *
 * A permission names its model by label (`polls.question`) where Django points at a
 * ContentType row: the same information without a table.
 */
import { defineModel, fields, type InstanceOf } from '../../db/index.ts'

/**
 * A permission: `codename` within a model (`add_question` on `polls.question`); checked as
 * `'polls.add_question'`.
 *
 * @example
 * ```ts
 * await Permission.objects.create({ name: 'Can publish', contentType: 'polls.question', codename: 'publish_question' })
 * ```
 */
export const Permission = defineModel(
  'Permission',
  {
    name: fields.char({ maxLength: 255 }),
    /** The model's label in lower case, `<appLabel>.<modelname>`. */
    contentType: fields.char({ maxLength: 100 }),
    codename: fields.char({ maxLength: 100 }),
  },
  {
    appLabel: 'auth',
    ordering: ['contentType', 'codename'],
    uniqueTogether: [['contentType', 'codename']],
  },
)

/**
 * A group of users; a user has every permission of its groups.
 *
 * @example
 * ```ts
 * const editors = await Group.objects.create({ name: 'editors' })
 * await editors.permissions.add(changeArticle)
 * ```
 */
export const Group = defineModel(
  'Group',
  {
    name: fields.char({ maxLength: 150, unique: true }),
    permissions: fields.manyToMany(() => Permission, { blank: true }),
  },
  { appLabel: 'auth', ordering: ['name'] },
)

/**
 * The default user model (AUTH_USER_MODEL `'auth.User'`). Create users with `createUser()` so
 * the password is hashed.
 *
 * @example
 * ```ts
 * const ada = await createUser({ username: 'ada', email: 'ada@example.com', password: 'correct horse' }, settings)
 * ```
 */
export const User = defineModel(
  'User',
  {
    password: fields.char({ maxLength: 128 }),
    lastLogin: fields.dateTime({ null: true, blank: true }),
    isSuperuser: fields.boolean({ default: false }),
    username: fields.char({ maxLength: 150, unique: true }),
    firstName: fields.char({ maxLength: 150, blank: true }),
    lastName: fields.char({ maxLength: 150, blank: true }),
    email: fields.email({ blank: true }),
    isStaff: fields.boolean({ default: false }),
    isActive: fields.boolean({ default: true }),
    dateJoined: fields.dateTime({ default: () => new Date() }),
    groups: fields.manyToMany(() => Group, { blank: true }),
    userPermissions: fields.manyToMany(() => Permission, { blank: true }),
  },
  { appLabel: 'auth', verboseName: 'user' },
)

/** A row of the default user model. */
export type UserInstance = InstanceOf<typeof User>
/** A permission row. */
export type PermissionInstance = InstanceOf<typeof Permission>
/** A group row. */
export type GroupInstance = InstanceOf<typeof Group>
