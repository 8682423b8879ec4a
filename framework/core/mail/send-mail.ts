/**
 * @module sendMail() (Django's send_mail): one message through the EMAIL_BACKEND.
 */
import { EmailMessage, type EmailInit } from './email-message.ts'
import { getEmailBackend, type EmailBackend, type MailSettings } from './mail-backends.ts'

/**
 * Sends one message; `from` defaults to DEFAULT_FROM_EMAIL. Resolves to the number sent (1).
 *
 * @example
 * ```ts
 * await sendMail({ subject: 'Welcome', body: 'Hello Ada', to: ['ada@example.com'] }, settings)
 * ```
 */
export async function sendMail(
  init: EmailInit,
  settings: MailSettings,
  backend: EmailBackend = getEmailBackend(settings),
): Promise<number> {
  const message = new EmailMessage({ ...init, from: init.from || settings.DEFAULT_FROM_EMAIL })
  return backend.sendMessages([message])
}
