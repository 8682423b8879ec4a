/**
 * @module BaseStorage (Django's): the messages of one request. Messages added now are queued;
 * those stored by earlier requests are loaded; iterating marks them used, and `update()` after
 * the view keeps only what was not shown yet.
 */
import type { Settings } from '../../../conf/index.ts'
import type { HttpRequest, HttpResponseBase } from '../../../http/index.ts'
import { DEFAULT_TAGS, Message } from '../message.ts'

/**
 * A storage. Subclasses load and store; iteration, levels and queueing live here.
 *
 * @example
 * ```ts
 * for (const message of request.messages) console.log(message.tags, message.message)
 * ```
 */
export abstract class BaseStorage implements Iterable<Message> {
  protected readonly request: HttpRequest
  protected readonly settings: Settings
  #loaded: Message[] | undefined
  readonly #queued: Message[] = []
  #level: number | undefined
  /** True once the messages were iterated: they are then not stored again. */
  used = false
  /** True once a message was added. */
  addedNew = false

  constructor(request: HttpRequest, settings: Settings) {
    this.request = request
    this.settings = settings
  }

  /** Messages stored by previous requests (the storage calls it once, lazily; not for views). */
  abstract loadStored(): Message[]
  /**
   * Stores `messages` on the response (cookie) or the session; returns those that did not fit
   * (called by `update()`; not for views).
   */
  abstract storeMessages(messages: Message[], response: HttpResponseBase): Message[]

  /** DEFAULT_TAGS with MESSAGE_TAGS over them. */
  #tags(): Record<string, string> {
    return { ...DEFAULT_TAGS, ...this.settings.MESSAGE_TAGS }
  }

  #loadedMessages(): Message[] {
    if (!this.#loaded) {
      const tags = this.#tags()
      this.#loaded = this.loadStored()
      for (const m of this.#loaded) m.levelTag = tags[m.level] ?? ''
    }
    return this.#loaded
  }

  /** Queues a message unless its level is below the minimum. */
  add(level: number, message: string, extraTags = ''): void {
    if (!message || level < this.level) return
    this.addedNew = true
    this.#queued.push(new Message(level, String(message), extraTags, this.#tags()[level] ?? ''))
  }

  /** The minimum level recorded (MESSAGE_LEVEL unless set for this request). */
  get level(): number {
    return this.#level ?? this.settings.MESSAGE_LEVEL
  }

  set level(value: number) {
    this.#level = value
  }

  /** How many messages there are, without marking them used. */
  get length(): number {
    return this.#loadedMessages().length + this.#queued.length
  }

  /** Every message (stored ones first), marking them used. */
  *[Symbol.iterator](): Iterator<Message> {
    this.used = true
    const all = [...this.#loadedMessages(), ...this.#queued]
    this.#queued.length = 0
    this.#loaded = []
    yield* all
  }

  /** Called after the view: stores what was not shown. */
  update(response: HttpResponseBase): void {
    if (!this.used && !this.addedNew) return
    const keep = this.used ? [...this.#queued] : [...this.#loadedMessages(), ...this.#queued]
    this.storeMessages(keep, response)
  }
}
