/**
 * @module The admin's one model: LogEntry, a row per add, change or delete made through the
 * admin, which the history page of each object lists (Django's django_admin_log).
 */
import { defineModel, fields } from '../../db/index.ts'

/** The action a LogEntry records (Django's ADDITION, CHANGE, DELETION). */
export const ADDITION = 1
export const CHANGE = 2
export const DELETION = 3

/**
 * One admin action on one object. Why the user is an id plus a copy of the username rather
 * than a foreign key: AUTH_USER_MODEL is swappable, and the history must survive the user's
 * deletion (Django keeps it with a CASCADE, which loses the history instead).
 *
 * @example
 * ```ts
 * const history = await LogEntry.objects
 *   .filter({ contentType: 'polls.Question', objectId: '7' })
 *   .orderBy('actionTime')
 *   .list()
 * ```
 */
export const LogEntry = defineModel(
  'LogEntry',
  {
    actionTime: fields.dateTime({ autoNowAdd: true, verboseName: 'action time' }),
    userId: fields.integer({ null: true, verboseName: 'user id' }),
    userRepr: fields.char({ maxLength: 150, blank: true, verboseName: 'user' }),
    /** The model's label, `polls.Question`. */
    contentType: fields.char({ maxLength: 100, verboseName: 'content type' }),
    objectId: fields.char({ maxLength: 100, verboseName: 'object id' }),
    objectRepr: fields.char({ maxLength: 200, verboseName: 'object repr' }),
    actionFlag: fields.smallInteger({
      choices: [
        [ADDITION, 'Addition'],
        [CHANGE, 'Change'],
        [DELETION, 'Deletion'],
      ],
      verboseName: 'action flag',
    }),
    changeMessage: fields.text({ blank: true, verboseName: 'change message' }),
  },
  {
    appLabel: 'admin',
    ordering: ['-actionTime'],
    indexes: [{ fields: ['contentType', 'objectId'] }],
    verboseName: 'log entry',
    verboseNamePlural: 'log entries',
  },
)
