/**
 * @module The `sessions` app's model: one row per database-backed session (Django's
 * django_session table). Install the app with `'framework/contrib/sessions'` in INSTALLED_APPS.
 */
import { defineModel, fields } from '../../db/index.ts'

/**
 * A stored session: its key (the cookie's value), its JSON data and when it expires.
 * `framework clearsessions` deletes the rows whose `expireDate` has passed (hence the index).
 *
 * @example
 * ```ts
 * import { Session } from 'framework/contrib/sessions'
 *
 * const live = await Session.objects.filter({ expireDate__gt: new Date() }).count()
 * ```
 */
export const Session = defineModel(
  'Session',
  {
    sessionKey: fields.char({ maxLength: 40, primaryKey: true }),
    sessionData: fields.text(),
    expireDate: fields.dateTime({ dbIndex: true }),
  },
  { appLabel: 'sessions' },
)
