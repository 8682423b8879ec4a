/**
 * @module The admin's notices ("The question was added successfully."): through the messages
 * framework when MessageMiddleware is installed, so they survive the redirect after a save;
 * without it, kept on the request and shown only by a page rendered in the same request.
 */
import type { HttpRequest } from '../../http/index.ts'
import {
  ERROR,
  INFO,
  SUCCESS,
  WARNING,
  addMessage as queueMessage,
  getMessages,
} from '../messages/index.ts'

/** The levels the admin uses. */
export type AdminMessageLevel = 'success' | 'warning' | 'error' | 'info'

/** One notice as the admin templates draw it. */
export interface AdminMessage {
  readonly level: string
  readonly text: string
}

const LEVELS: Record<AdminMessageLevel, number> = {
  success: SUCCESS,
  warning: WARNING,
  error: ERROR,
  info: INFO,
}
const KEY = 'adminMessages'

function installed(request: HttpRequest): boolean {
  return (request as { messages?: unknown }).messages !== undefined
}

/** Queues a notice for the next page the user sees. */
export function addMessage(request: HttpRequest, text: string, level: AdminMessageLevel): void {
  if (installed(request)) {
    queueMessage(request, LEVELS[level], text)
    return
  }
  const list = (request.state[KEY] as AdminMessage[] | undefined) ?? []
  list.push({ level, text })
  request.state[KEY] = list
}

/** The notices to show now (reading them marks them shown). */
export function pendingMessages(request: HttpRequest): AdminMessage[] {
  const local = (request.state[KEY] as AdminMessage[] | undefined) ?? []
  request.state[KEY] = []
  const stored = [...(getMessages(request) as Iterable<{ levelTag: string; message: string }>)].map(
    (message) => ({ level: message.levelTag || 'info', text: message.message }),
  )
  return [...stored, ...local]
}
