/**
 * @module The example project with a database of its own: a fresh SQLite file in a temporary
 * folder (DATABASE_URL, read by the settings), the tables built by the migrations, and the gateway application.
 * Each test file gets its own (vitest runs files in separate processes). The schema is built by
 * the migrations, so a model change without its migration fails here.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Application } from '../../framework/gateway/index.ts'
import type { Client } from '../../framework/testing/index.ts'
import { closeConnections, getApps, migrateTestDatabase } from '../../framework/db/index.ts'
import { Choice, Question } from '../../project/polls/models.ts'

/** The application of project/wsgi.ts on a fresh database, and a function that removes it. */
export async function projectWithDatabase(): Promise<{
  application: Application
  cleanup: () => Promise<void>
}> {
  const dir = mkdtempSync(join(tmpdir(), 'project-test-'))
  // The settings module applies DATABASE_URL when it is first imported, so set it before.
  process.env['DATABASE_URL'] = `sqlite:${join(dir, 'db.sqlite3')}`
  const { application } = await import('../../project/wsgi.ts')
  const { settings } = await import('../../project/settings.ts')
  // A test file that imported the settings before this call would run on the developer's own
  // db.sqlite3: refuse, rather than write test rows into it.
  if (!JSON.stringify(settings.DATABASES).includes(dir)) {
    throw new Error(
      'project/settings.ts was imported before projectWithDatabase(): import it dynamically after',
    )
  }
  // The tables come from the project's migrations, as in production.
  await migrateTestDatabase(getApps().all())
  return {
    application,
    async cleanup() {
      await closeConnections()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** A question published `daysAgo` days ago (negative: in the future), with its choices. */
export async function createQuestion(text: string, daysAgo: number, choices: string[] = []) {
  const pubDate = new Date(Date.now() - daysAgo * 24 * 60 * 60 * 1000)
  const question = await Question.objects.create({ questionText: text, pubDate })
  for (const choiceText of choices) {
    await Choice.objects.create({ question, choiceText })
  }
  return question
}

/** The CSRF token of a page's form, read as a browser would (the Client keeps the cookie). */
export async function csrfToken(client: Client, page = '/accounts/signup/'): Promise<string> {
  const response = await client.get(page)
  const token = /name="csrfmiddlewaretoken" value="([^"]+)"/.exec(response.text)?.[1]
  if (!token) throw new Error(`no CSRF input on ${page} (status ${response.status})`)
  return token
}

/** POSTs `data` with a fresh CSRF token, as a form submitted from the site would. */
export async function postForm(
  client: Client,
  url: string,
  data: Record<string, string>,
  options: { follow?: boolean } = {},
) {
  return client.post(url, { ...data, csrfmiddlewaretoken: await csrfToken(client) }, options)
}
