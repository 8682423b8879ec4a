/**
 * @module Model signals: preSave, postSave, preDelete, postDelete. Receivers are async-aware and
 * run in connection order; a receiver may be limited to one sender model.
 */

/** What save signals carry. */
export interface SaveSignalArgs {
  readonly sender: unknown
  readonly instance: object
  /** postSave only: whether the save was an INSERT. */
  readonly created: boolean
  readonly using: string
  readonly updateFields: readonly string[] | undefined
}

/** What delete signals carry. */
export interface DeleteSignalArgs {
  readonly sender: unknown
  readonly instance: object
  readonly using: string
}

type Receiver<A> = (args: A) => unknown

/**
 * A signal: `connect` receivers, `send` calls them in order and awaits each.
 *
 * @example
 * ```ts
 * const stop = postSave.connect(({ instance, created }) => { if (created) log(instance) }, { sender: Question })
 * ```
 */
export class Signal<A extends { sender: unknown }> {
  readonly name: string
  #receivers: { receiver: Receiver<A>; sender: unknown }[] = []

  constructor(name: string) {
    this.name = name
  }

  /** Adds a receiver; returns a function that disconnects it. */
  connect(receiver: Receiver<A>, options: { sender?: unknown } = {}): () => void {
    this.#receivers.push({ receiver, sender: options.sender })
    return () => this.disconnect(receiver)
  }

  disconnect(receiver: Receiver<A>): void {
    this.#receivers = this.#receivers.filter((entry) => entry.receiver !== receiver)
  }

  /** Whether anything listens for `sender` (lets the ORM skip fetching rows for signals). */
  hasReceivers(sender: unknown): boolean {
    return this.#receivers.some((entry) => entry.sender === undefined || entry.sender === sender)
  }

  async send(args: A): Promise<void> {
    for (const entry of [...this.#receivers]) {
      if (entry.sender === undefined || entry.sender === args.sender) await entry.receiver(args)
    }
  }
}

/** Sent before an instance is saved. */
export const preSave = new Signal<SaveSignalArgs>('preSave')
/** Sent after an instance is saved (`created` tells INSERT from UPDATE). */
export const postSave = new Signal<SaveSignalArgs>('postSave')
/** Sent before each instance is deleted (cascaded ones too). */
export const preDelete = new Signal<DeleteSignalArgs>('preDelete')
/** Sent after each instance is deleted. */
export const postDelete = new Signal<DeleteSignalArgs>('postDelete')
