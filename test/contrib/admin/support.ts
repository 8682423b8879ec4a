/**
 * Helpers for the admin tests: a logged-in test Client, and the CSRF token of a rendered form.
 */
import { Client, type ClientData, type ClientResponse } from '../../../framework/testing/index.ts'
import type { AdminProject } from './project/harness.ts'
import { PASSWORD } from './project/harness.ts'

/** The csrfmiddlewaretoken value of the first form in `html`. */
export function csrfFrom(html: string): string {
  const match = /name="csrfmiddlewaretoken" value="([^"]*)"/.exec(html)
  if (!match?.[1]) throw new Error(`No CSRF token in the page:\n${html.slice(0, 2000)}`)
  return match[1]
}

/** A Client logged in through the admin's login page. */
export async function loggedInClient(project: AdminProject, username: string): Promise<Client> {
  const client = new Client(project.application)
  const page = await client.get('/admin/login/')
  const response = await client.post('/admin/login/', {
    username,
    password: PASSWORD,
    next: '/admin/',
    csrfmiddlewaretoken: csrfFrom(page.text),
  })
  if (response.status !== 302)
    throw new Error(
      `Login as ${username} failed: ${response.status}\n${response.text.slice(0, 2000)}`,
    )
  return client
}

/** POSTs a form found at `pageUrl` with its CSRF token added. */
export async function postForm(
  client: Client,
  pageUrl: string,
  data: ClientData,
  target = pageUrl,
): Promise<ClientResponse> {
  const page = await client.get(pageUrl)
  return client.post(target, { ...data, csrfmiddlewaretoken: csrfFrom(page.text) })
}

export { RAW_ID_THRESHOLD as RAW_ID_THRESHOLD_FOR_TESTS } from '../../../framework/contrib/admin/index.ts'
