/**
 * @module Message and the levels (Django's constants and default tags).
 */

/** The levels, Django's numbers: a project can add its own in between. */
export const DEBUG = 10
export const INFO = 20
export const SUCCESS = 25
export const WARNING = 30
export const ERROR = 40

/** The CSS tag of each built-in level; MESSAGE_TAGS adds or overrides. */
export const DEFAULT_TAGS: Readonly<Record<number, string>> = {
  [DEBUG]: 'debug',
  [INFO]: 'info',
  [SUCCESS]: 'success',
  [WARNING]: 'warning',
  [ERROR]: 'error',
}

/**
 * One message. Templates print `message.message` (escaped) and use `message.tags` as a class.
 *
 * @example
 * ```ts
 * new Message(SUCCESS, 'Saved.', 'banner').tags // 'banner success'
 * ```
 */
export class Message {
  readonly level: number
  readonly message: string
  readonly extraTags: string
  /** The level's tag (from DEFAULT_TAGS and MESSAGE_TAGS), set by the storage. */
  levelTag: string

  constructor(
    level: number,
    message: string,
    extraTags = '',
    levelTag = DEFAULT_TAGS[level] ?? '',
  ) {
    this.level = level
    this.message = message
    this.extraTags = extraTags
    this.levelTag = levelTag
  }

  /** `extraTags` and the level tag, space-separated: a ready-made class attribute. */
  get tags(): string {
    return [this.extraTags, this.levelTag].filter(Boolean).join(' ')
  }

  toString(): string {
    return this.message
  }

  /** The stored form: [level, message, extraTags?]. */
  toJSON(): [number, string] | [number, string, string] {
    return this.extraTags ? [this.level, this.message, this.extraTags] : [this.level, this.message]
  }

  /** Rebuilds a stored message; undefined for anything else (tampered or stale data). */
  static fromJSON(value: unknown): Message | undefined {
    if (!Array.isArray(value)) return undefined
    const [level, message, extraTags = ''] = value as unknown[]
    if (typeof level !== 'number' || typeof message !== 'string' || typeof extraTags !== 'string')
      return undefined
    return new Message(level, message, extraTags)
  }
}
