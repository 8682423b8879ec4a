/**
 * @module Handing an accepted connection to a worker over IPC without ever losing it.
 *
 * Why `keepOpen` and an explicit `took` reply: child_process queues handles until the child
 * acknowledges them, and when the child dies first node neither closes nor returns the queued
 * handles, so those clients would hang until they time out. So the primary keeps its own copy
 * of each socket (`keepOpen: true`, never read: it is paused) until the worker answers `took`;
 * then it closes its copy, which does not end the connection (the worker holds the other
 * descriptor). If the worker dies before answering, the copy goes to another worker and the
 * client never notices.
 */
import type { ChildProcess } from 'node:child_process'
import type { Socket } from 'node:net'
import type { PrimaryMessage } from './ipc-messages.ts'

/**
 * Connections sent to one worker and not yet confirmed, by sequence number.
 *
 * @example
 * ```ts
 * const transit = new InTransit()
 * transit.send(child, socket, (again) => dispatch(again))
 * // on { t: 'took', seq } from the worker:
 * transit.took(seq)
 * // on the worker's exit:
 * for (const socket of transit.takeAll()) dispatch(socket)
 * ```
 */
export class InTransit {
  readonly #sockets = new Map<number, Socket>()
  #seq = 0

  /** How many are waiting for confirmation. */
  get size(): number {
    return this.#sockets.size
  }

  /** Sends `socket` to `child`; `undelivered` gets it back when the send itself fails. */
  send(child: ChildProcess, socket: Socket, undelivered: (socket: Socket) => void): void {
    const seq = ++this.#seq
    this.#sockets.set(seq, socket)
    const fail = (): void => {
      if (this.#sockets.delete(seq)) undelivered(socket)
    }
    try {
      child.send(
        { t: 'conn', seq } satisfies PrimaryMessage,
        socket,
        { keepOpen: true },
        (error) => {
          if (error) fail()
        },
      )
    } catch {
      fail()
    }
  }

  /** The worker has its copy: close ours (the connection stays open in the worker). */
  took(seq: number): void {
    const socket = this.#sockets.get(seq)
    this.#sockets.delete(seq)
    socket?.destroy()
  }

  /** Every unconfirmed socket, for another worker (the sender died). */
  takeAll(): Socket[] {
    const sockets = [...this.#sockets.values()].filter((s) => !s.destroyed)
    this.#sockets.clear()
    return sockets
  }
}
