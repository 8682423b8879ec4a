/**
 * The example project in a real browser (headless Chromium through playwright-core): the
 * development server on a database of its own, migrated first, then a visitor signs up, lands on
 * the polls with the welcome message, opens the page only logged-in users see, votes, and logs
 * out. A screenshot of the profile page goes to test-artifacts/.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { BrowserContext } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from '../support/chromium.ts'
import { requireProgram } from '../support/require-program.ts'

const repo = resolve(import.meta.dirname, '../..')
const browserProgram = requireProgram('/usr/bin/chromium', 'apt-get install chromium')
const dir = mkdtempSync(join(tmpdir(), 'browser-project-'))
const env = { ...process.env, DATABASE_URL: `sqlite:${join(dir, 'db.sqlite3')}`, NO_COLOR: '1' }
let server: ChildProcess | undefined
let browser: BrowserContext | undefined
let base = ''

beforeAll(async () => {
  if (!browserProgram.available) return
  const migrated = spawnSync(process.execPath, ['bin/framework.js', 'migrate'], { cwd: repo, env, encoding: 'utf8' })
  expect(migrated.status, migrated.stderr).toBe(0)
  server = spawn(process.execPath, ['bin/framework.js', 'runserver', '127.0.0.1:0', '--noreload'], {
    cwd: repo,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  server.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  server.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const deadline = Date.now() + 30_000
  while (!base) {
    base = /Starting development server at (http:\/\/\S+?)\/?\n/.exec(output)?.[1] ?? ''
    if (server.exitCode !== null) throw new Error(`runserver exited: ${output}`)
    if (Date.now() > deadline) throw new Error(`runserver did not start: ${output}`)
    await new Promise((r) => setTimeout(r, 100))
  }
  // A fresh profile folder per run (playwright's way of passing --user-data-dir).
  browser = await launchChromium(join(dir, 'chromium-profile'))
}, 90_000)

afterAll(async () => {
  await browser?.close()
  if (server?.pid && server.exitCode === null) {
    const exited = new Promise((r) => server!.once('exit', r))
    server.kill('SIGTERM')
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))])
  }
  rmSync(dir, { recursive: true, force: true })
})

describe.skipIf(!browserProgram.available)(`the example project in Chromium ${browserProgram.reason}`, () => {
  it('signs up, sees the welcome and the profile page, votes, and logs out', async () => {
    const page = await browser!.newPage()
    await page.goto(`${base}/accounts/signup/`)
    await page.fill('#id_username', 'ada')
    await page.fill('#id_password1', 'not-so-short-pw-42')
    await page.fill('#id_password2', 'a different one 42')
    await page.click('button[type=submit]')
    expect(await page.textContent('main')).toContain('The two password fields didn’t match.')
    await page.fill('#id_password1', 'not-so-short-pw-42')
    await page.fill('#id_password2', 'not-so-short-pw-42')
    await page.click('button[type=submit]')
    await page.waitForURL(`${base}/polls/`)
    expect(await page.textContent('.messages')).toContain('Welcome, ada! Your account was created.')

    await page.click('nav >> text=ada')
    await page.waitForURL(`${base}/accounts/profile/`)
    expect(await page.textContent('#username')).toBe('ada')
    mkdirSync(join(repo, 'test-artifacts'), { recursive: true })
    await page.screenshot({ path: join(repo, 'test-artifacts/example-project-profile.png'), fullPage: true })

    const seeded = spawnSync(process.execPath, ['bin/framework.js', 'seedpolls'], { cwd: repo, env, encoding: 'utf8' })
    expect(seeded.stdout).toBe('Added 2 questions\n')
    await page.goto(`${base}/polls/`)
    await page.click("text=What's up?")
    await page.check('text=The sky')
    await page.click('button[type=submit]')
    await page.waitForURL(/\/polls\/\d+\/results\/$/)
    expect(await page.textContent('.results')).toContain('The sky -- 1 vote')
    expect(await page.textContent('.messages')).toContain('Your vote was counted.')

    await page.goto(`${base}/accounts/profile/`)
    await page.click('text=Log out')
    await page.waitForURL(`${base}/polls/`)
    await page.goto(`${base}/accounts/profile/`)
    expect(page.url()).toBe(`${base}/accounts/login/?next=%2Faccounts%2Fprofile%2F`)
  }, 60_000)
})
