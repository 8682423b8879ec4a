/**
 * @module Writing and reading LogEntry rows: one per add, change or delete done in the admin.
 */
import type { ModelAdmin } from './model-admin.ts'
import { ADDITION, CHANGE, DELETION, LogEntry } from './models.ts'
import type { AdminUser } from './permissions.ts'

/** The action flags by name. */
export const ACTION = { addition: ADDITION, change: CHANGE, deletion: DELETION } as const

/**
 * Records one admin action. `message` says what changed (`Changed question text.`).
 *
 * @example
 * ```ts
 * await logAction(user, questionAdmin, question, 'change', 'Changed question text.')
 * ```
 */
export async function logAction(
  user: AdminUser | undefined,
  admin: ModelAdmin,
  obj: object,
  action: keyof typeof ACTION,
  message = '',
): Promise<void> {
  const pk = user?.pk
  await LogEntry.objects.create({
    userId: typeof pk === 'number' ? pk : null,
    userRepr: (user?.username ?? '').slice(0, 150),
    contentType: admin.model.meta.label,
    objectId: String((obj as { pk: unknown }).pk).slice(0, 100),
    objectRepr: admin.repr(obj).slice(0, 200),
    actionFlag: ACTION[action],
    changeMessage: message,
  })
}

/** The history of one object, oldest first (as Django's history page). */
export function historyOf(admin: ModelAdmin, objectId: string) {
  return LogEntry.objects
    .filter({ contentType: admin.model.meta.label, objectId })
    .orderBy('actionTime', 'id')
    .list()
}

/** A LogEntry's action as a word. */
export function actionLabel(flag: number): string {
  return flag === ADDITION
    ? 'Added'
    : flag === CHANGE
      ? 'Changed'
      : flag === DELETION
        ? 'Deleted'
        : 'Unknown'
}
