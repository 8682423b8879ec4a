/**
 * The admin in a real browser (Debian's Chromium through playwright-core) against the test
 * project running as its own process on loopback: a superuser logs in, adds a question with
 * three choices inline, finds it by search and by a filter, edits it, reads its history and
 * deletes it after the confirmation page; a view-only staff user sees no add, change or delete;
 * an anonymous visitor lands on the login page. Screenshots of the change list and the change
 * form go to test-artifacts/.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeConnections, configureDatabases } from '../../../framework/db/index.ts'
import { launchChromium } from '../../support/chromium.ts'
import { requireProgram } from '../../support/require-program.ts'
import { PASSWORD } from './project/harness.ts'
import { Choice, Question } from './project/models.ts'

const root = resolve(import.meta.dirname, '../../..')
const artifacts = join(root, 'test-artifacts')
const chromiumRequirement = requireProgram('chromium', 'apt-get install -y chromium (Debian)')

let server: ChildProcess | undefined
let base = ''
let context: BrowserContext
let page: Page
let profile = ''

/** Starts serve-admin.ts and waits (bounded) for its ready line. */
function startServer(): Promise<{ port: number; dbPath: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'project/serve-admin.ts')],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  server = child
  let output = ''
  return new Promise((done, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`serve-admin.ts did not start in 30 s:\n${output}`)),
      30_000,
    )
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const match = /ADMIN_READY (\d+) (\S+)/.exec(output)
      if (match) {
        clearTimeout(timer)
        done({ port: Number(match[1]), dbPath: match[2]! })
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.on('exit', (code) => {
      clearTimeout(timer)
      fail(new Error(`serve-admin.ts exited with ${code}:\n${output}`))
    })
  })
}

async function logIn(username: string): Promise<void> {
  await context.clearCookies()
  await page.goto(`${base}/admin/`)
  await expect.poll(() => new URL(page.url()).pathname).toBe('/admin/login/')
  await page.getByLabel('Username').fill(username)
  await page.getByLabel('Password').fill(PASSWORD)
  await page.getByRole('button', { name: 'Log in' }).click()
  await page.waitForURL(`${base}/admin/`)
}

describe.skipIf(!chromiumRequirement.available)('the admin in Chromium', () => {
  beforeAll(async () => {
    const { port, dbPath } = await startServer()
    base = `http://127.0.0.1:${port}`
    // The test reads the same SQLite file to check what the pages did.
    await configureDatabases({ default: `sqlite:${dbPath}` })
    mkdirSync(artifacts, { recursive: true })
    profile = mkdtempSync(join(tmpdir(), 'admin-chromium-'))
    context = await launchChromium(profile, { viewport: { width: 1280, height: 900 } })
    page = context.pages()[0] ?? (await context.newPage())
    page.setDefaultTimeout(15_000)
  }, 60_000)

  afterAll(async () => {
    await context?.close()
    if (server && server.exitCode === null) {
      const exited = new Promise((r) => server!.once('exit', r))
      server.kill('SIGTERM')
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))])
      if (server.exitCode === null) server.kill('SIGKILL')
    }
    await closeConnections()
    if (profile) rmSync(profile, { recursive: true, force: true })
  })

  it('sends an anonymous visitor to the login page', async () => {
    await context.clearCookies()
    await page.goto(`${base}/admin/adminpolls/question/`)
    expect(new URL(page.url()).pathname).toBe('/admin/login/')
    expect(new URL(page.url()).searchParams.get('next')).toBe('/admin/adminpolls/question/')
    await expect.poll(() => page.getByRole('button', { name: 'Log in' }).count()).toBe(1)
  })

  it('lets a superuser add, find, edit, review and delete a question', async () => {
    await logIn('root')
    // Add, with three choices inline.
    await page.getByRole('link', { name: 'Add Questions' }).click()
    await page.waitForURL(`${base}/admin/adminpolls/question/add/`)
    await page.getByLabel('Question text').fill('Which browser test passes?')
    await page.getByLabel('Date published').fill('2024-05-01T10:30')
    await page.getByLabel('Status').selectOption('p')
    // Each inline input has its own (visually hidden) label.
    const newRows = page.getByLabel('Choice text (new row)')
    expect(await newRows.count()).toBe(3)
    await newRows.nth(0).fill('This one')
    await newRows.nth(1).fill('That one')
    await newRows.nth(2).fill('Neither')
    await page.getByRole('button', { name: 'Save', exact: true }).click()
    await page.waitForURL(`${base}/admin/adminpolls/question/`)
    await expect
      .poll(() => page.getByRole('status').textContent())
      .toContain('was added successfully')
    const question = await Question.objects.get({ questionText: 'Which browser test passes?' })
    expect(
      (await Choice.objects.filter({ question: question.id }).orderBy('id').list()).map(
        (c) => c.choiceText,
      ),
    ).toEqual(['This one', 'That one', 'Neither'])

    // Find it with the search box, then with a filter.
    await page.getByLabel('Search questions').fill('browser test')
    await page.getByRole('button', { name: 'Search' }).click()
    await page.waitForURL(/q=browser\+test/)
    expect(await page.locator('table.result-list tbody tr').count()).toBe(1)
    await expect
      .poll(() => page.locator('table.result-list').textContent())
      .toContain('Which browser test passes?')
    await page.getByRole('link', { name: 'Published', exact: true }).click()
    await page.waitForURL(/status__exact=p/)
    expect(new URL(page.url()).searchParams.get('q')).toBe('browser test')
    expect(await page.locator('table.result-list').textContent()).toContain(
      'Which browser test passes?',
    )
    await page.getByRole('link', { name: 'Draft', exact: true }).click()
    await page.waitForURL(/status__exact=d/)
    expect(await page.locator('table.result-list tbody tr').count()).toBe(0)
    await page.getByRole('link', { name: 'All', exact: true }).last().click()
    await page.waitForURL((url) => !url.searchParams.has('status__exact'))
    await page.screenshot({ path: join(artifacts, 'admin-change-list.png'), fullPage: true })

    // Edit it.
    await page.getByRole('link', { name: 'Which browser test passes?' }).click()
    await page.waitForURL(`${base}/admin/adminpolls/question/${question.id}/change/`)
    expect(await page.locator('[name="choice_set-2-choiceText"]').inputValue()).toBe('Neither')
    await page.getByLabel('Question text').fill('Which browser test passes, edited?')
    await page.getByLabel('Votes (row 2)').fill('7')
    await page.screenshot({ path: join(artifacts, 'admin-change-form.png'), fullPage: true })
    await page.getByRole('button', { name: 'Save and continue editing' }).click()
    await page.waitForURL(`${base}/admin/adminpolls/question/${question.id}/change/`)
    await expect
      .poll(() => page.getByRole('status').textContent())
      .toContain('was changed successfully')
    expect((await Question.objects.get({ id: question.id })).questionText).toBe(
      'Which browser test passes, edited?',
    )
    expect(
      (await Choice.objects.get({ question: question.id, choiceText: 'That one' })).votes,
    ).toBe(7)

    // Its history.
    await page.getByRole('link', { name: 'History' }).click()
    await page.waitForURL(`${base}/admin/adminpolls/question/${question.id}/history/`)
    const history = (await page.locator('table.history').textContent()) ?? ''
    expect(history).toContain('Added')
    expect(history).toContain('Changed question text.')
    expect(history).toContain('root')

    // Delete after the confirmation page, which lists the three choices.
    await page.goto(`${base}/admin/adminpolls/question/${question.id}/change/`)
    await page.getByRole('link', { name: 'Delete' }).click()
    await page.waitForURL(`${base}/admin/adminpolls/question/${question.id}/delete/`)
    const listed = (await page.locator('.deleted-objects').textContent()) ?? ''
    expect(listed).toContain('Choice: This one')
    expect(listed).toContain('Choice: That one')
    expect(listed).toContain('Choice: Neither')
    expect(await Question.objects.filter({ id: question.id }).count()).toBe(1)
    await page.getByRole('button', { name: 'Yes, I’m sure' }).click()
    await page.waitForURL(`${base}/admin/adminpolls/question/`)
    await expect
      .poll(() => page.getByRole('status').textContent())
      .toContain('was deleted successfully')
    expect(await Question.objects.filter({ id: question.id }).count()).toBe(0)
    expect(await Choice.objects.filter({ question: question.id }).count()).toBe(0)
  }, 90_000)

  it('shows a view-only staff user no add, change or delete', async () => {
    const question = await Question.objects.create({
      questionText: 'Read only?',
      pubDate: new Date(),
    })
    await Choice.objects.create({ question, choiceText: 'Look, do not touch' })
    await logIn('viewer')
    expect(await page.getByRole('link', { name: /^Add/ }).count()).toBe(0)
    await page.getByRole('link', { name: 'Questions', exact: true }).click()
    await page.waitForURL(`${base}/admin/adminpolls/question/`)
    expect(await page.locator('h1').textContent()).toBe('Select question to view')
    expect(await page.getByRole('link', { name: /Add question/ }).count()).toBe(0)
    expect(await page.locator('select[name="action"]').count()).toBe(0)
    expect(await page.locator('input[name="_selected_action"]').count()).toBe(0)
    await page.getByRole('link', { name: 'Read only?' }).click()
    await page.waitForURL(`${base}/admin/adminpolls/question/${question.id}/change/`)
    expect(await page.locator('h1').textContent()).toBe('View question')
    expect(
      await page
        .locator(
          'form.change-form input:not([type=hidden]), form.change-form select, form.change-form textarea',
        )
        .count(),
    ).toBe(0)
    expect(await page.getByRole('button', { name: /Save/ }).count()).toBe(0)
    expect(await page.getByRole('link', { name: 'Delete' }).count()).toBe(0)
    expect(await page.locator('.inline-group').textContent()).toContain('Look, do not touch')
    const response = await page.goto(`${base}/admin/adminpolls/question/${question.id}/delete/`)
    expect(response?.status()).toBe(403)
  }, 60_000)
})
