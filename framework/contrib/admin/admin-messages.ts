/**
 * @module The admin's success and error notices ("The question was added successfully."):
 * queued on the request until the page that shows them renders.
 */
import type { HttpRequest } from '../../http/index.ts'

/** The levels the admin uses. */
export type AdminMessageLevel = 'success' | 'warning' | 'error' | 'info'

/** One notice. */
export interface AdminMessage {
  readonly level: AdminMessageLevel
  readonly text: string
}

const KEY = 'adminMessages'

/** Queues a notice for the page rendered next. */
export function addMessage(request: HttpRequest, text: string, level: AdminMessageLevel): void {
  const list = (request.state[KEY] as AdminMessage[] | undefined) ?? []
  list.push({ level, text })
  request.state[KEY] = list
}

/** The notices to show now (consumed). */
export function pendingMessages(request: HttpRequest): AdminMessage[] {
  const list = (request.state[KEY] as AdminMessage[] | undefined) ?? []
  request.state[KEY] = []
  return list
}
