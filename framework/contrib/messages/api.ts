/**
 * @module The messages API views call: `messages.success(request, 'Saved.')` and friends
 * (Django's django.contrib.messages.api).
 */
import type { HttpRequest } from '../../http/index.ts'
import { DEBUG, ERROR, INFO, SUCCESS, WARNING } from './message.ts'
import type { BaseStorage } from './storage/base-storage.ts'

/** Options of addMessage(). */
export interface AddMessageOptions {
  /** Extra CSS classes, space-separated. */
  extraTags?: string
  /** Do nothing (instead of throwing) when MessageMiddleware is not installed: for reusable apps. */
  failSilently?: boolean
}

function storageOf(request: HttpRequest, failSilently = false): BaseStorage | undefined {
  const storage = (request as { messages?: BaseStorage }).messages
  if (storage || failSilently) return storage
  throw Object.assign(
    new Error(
      'request.messages is missing: add MessageMiddleware to MIDDLEWARE (after SessionMiddleware), or pass { failSilently: true }.',
    ),
    { code: 'messages.not_installed' },
  )
}

/**
 * Queues a message for the next page the user sees (this one, or the one after a redirect).
 *
 * @example
 * ```ts
 * addMessage(request, SUCCESS, 'Profile saved.')
 * return redirect('/profile/')
 * ```
 */
export function addMessage(
  request: HttpRequest,
  level: number,
  message: string,
  options: AddMessageOptions = {},
): void {
  storageOf(request, options.failSilently)?.add(level, message, options.extraTags)
}

/** The request's messages, to iterate (which marks them shown). */
export function getMessages(request: HttpRequest): Iterable<never> | BaseStorage {
  return storageOf(request, true) ?? []
}

/** The minimum level recorded for this request. */
export function getLevel(request: HttpRequest): number | undefined {
  return storageOf(request, true)?.level
}

/** Changes the minimum level for this request (e.g. DEBUG to show debug messages). */
export function setLevel(request: HttpRequest, level: number): void {
  const storage = storageOf(request)
  if (storage) storage.level = level
}

type Shortcut = (request: HttpRequest, message: string, options?: AddMessageOptions) => void

const at =
  (level: number): Shortcut =>
  (request, message, options) =>
    addMessage(request, level, message, options)

/**
 * The shortcuts, one per level.
 *
 * @example
 * ```ts
 * import { messages } from 'framework/contrib/messages'
 *
 * messages.success(request, 'Your vote was counted.')
 * messages.error(request, 'That poll is closed.', { extraTags: 'banner' })
 * ```
 */
export const messages = {
  add: addMessage,
  debug: at(DEBUG),
  info: at(INFO),
  success: at(SUCCESS),
  warning: at(WARNING),
  error: at(ERROR),
  getMessages,
  getLevel,
  setLevel,
} as const
