/**
 * @module SessionInterrupted: the session was deleted while the request ran (Django's error of
 * the same name), a 400 rather than a silent new session.
 */
import { BadRequest } from '../../http/index.ts'

/**
 * Thrown when saving a session whose row vanished meanwhile (a logout in another tab, or
 * `clearsessions`). The user is asked to retry instead of the write resurrecting the session.
 */
export class SessionInterrupted extends BadRequest {
  override name = 'SessionInterrupted'
  constructor() {
    super(
      "The request's session was deleted before the request completed. The user may have logged out in a concurrent request, for example; reload the page.",
      'sessions.interrupted',
    )
  }
}
