/**
 * A form in a real browser (headless Chromium through playwright-core): the page served by the
 * framework over a loopback socket, labels that name their inputs, an invalid submission shown
 * again with its errors tied to the inputs (aria-invalid, aria-describedby), then a valid one
 * with a file the browser uploads as multipart. A screenshot of the errors goes to test-artifacts/.
 */
import { createServer, type Server } from 'node:http'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { BrowserContext } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defineSettings } from '../../framework/conf/index.ts'
import { getGatewayApplication } from '../../framework/core/index.ts'
import { defineForm, field, widgets, type Form } from '../../framework/forms/index.ts'
import { toNodeListener } from '../../framework/gateway/index.ts'
import { HttpResponse, type HttpResponseBase } from '../../framework/http/index.ts'
import { path } from '../../framework/urls/index.ts'
import { FormView } from '../../framework/views/index.ts'
import { launchChromium } from '../support/chromium.ts'
import { requireProgram } from '../support/require-program.ts'

const repo = resolve(import.meta.dirname, '../..')
const browserProgram = requireProgram('/usr/bin/chromium', 'apt-get install chromium')
const dir = mkdtempSync(join(tmpdir(), 'forms-browser-'))
mkdirSync(join(dir, 'templates'))
writeFileSync(
  join(dir, 'templates', 'apply.html'),
  // novalidate: the browser sends what was typed, so the server-side errors are what we see.
  '<!doctype html><html><head><meta charset="utf-8"><title>Apply</title></head><body><main>' +
    '<form method="post" enctype="multipart/form-data" novalidate><%~ it.form %><button type="submit">Apply</button></form>' +
    '</main></body></html>',
)

const ApplyForm = defineForm({
  fields: {
    name: field.char({ maxLength: 40, helpText: 'As on your passport.' }),
    email: field.email(),
    role: field.choice({ choices: [['dev', 'Developer'], ['ops', 'Operations']], widget: widgets.radio() }),
    start: field.date(),
    agree: field.boolean({ label: 'I agree to the terms' }),
    cv: field.file({ maxSize: 10_000 }),
  },
})

class ApplyView extends FormView {
  override templateName = 'apply.html'
  override formClass = ApplyForm
  override async formValid(form: Form): Promise<HttpResponseBase> {
    const data = form.cleanedData as InstanceType<typeof ApplyForm>['cleanedData']
    const text = `Thanks ${data.name} (${data.role}, from ${data.start}): got ${data.cv.filename}, “${await data.cv.text()}”`
    return new HttpResponse(text, { contentType: 'text/plain; charset=utf-8' })
  }
}

let server: Server | undefined
let browser: BrowserContext | undefined
let base = ''

beforeAll(async () => {
  if (!browserProgram.available) return
  const settings = defineSettings(
    {
      DEBUG: true,
      ALLOWED_HOSTS: ['127.0.0.1'],
      ROOT_URLCONF: { urlpatterns: [path('apply/', ApplyView.asView(), { name: 'apply' })] },
      TEMPLATES: { DIRS: [join(dir, 'templates')], APP_DIRS: false, CONTEXT_PROCESSORS: [] },
    },
    { env: {} },
  )
  server = createServer(toNodeListener(getGatewayApplication(settings), { multiprocess: false }))
  await new Promise<void>((ready) => server!.listen(0, '127.0.0.1', ready))
  const address = server.address()
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
  browser = await launchChromium(join(dir, 'chromium-profile'))
}, 90_000)

afterAll(async () => {
  await browser?.close()
  await new Promise((done) => (server ? server.close(done) : done(undefined)))
  rmSync(dir, { recursive: true, force: true })
})

describe.skipIf(!browserProgram.available)(`a form in Chromium ${browserProgram.reason}`, () => {
  it('shows errors tied to their inputs, keeps what was typed, then accepts a valid submission with a file', async () => {
    const page = await browser!.newPage()
    await page.goto(`${base}/apply/`)
    // Every label names its input (for= and id match), radios through their own labels.
    await page.getByLabel('Name').fill('<b>Ada</b>')
    await page.getByLabel('Email').fill('not-an-email')
    await page.getByLabel('Operations').check()
    await page.getByRole('button', { name: 'Apply' }).click()
    await page.waitForLoadState('load')

    const email = page.getByLabel('Email')
    expect(await email.inputValue()).toBe('not-an-email')
    expect(await email.getAttribute('aria-invalid')).toBe('true')
    const describedBy = (await email.getAttribute('aria-describedby')) ?? ''
    const parts = await Promise.all(describedBy.split(' ').map((id) => page.locator(`[id="${id}"]`).textContent()))
    const description = parts.map((text) => text?.trim()).join(' | ')
    expect(description).toBe('Enter a valid email address.')
    expect(await page.getByLabel('Name').inputValue()).toBe('<b>Ada</b>')
    expect(await page.getByLabel('Operations').isChecked()).toBe(true)
    expect(await page.locator('#id_agree_error').textContent()).toBe('This field is required.')
    expect(await page.locator('b').count()).toBe(0)
    mkdirSync(join(repo, 'test-artifacts'), { recursive: true })
    await page.screenshot({ path: join(repo, 'test-artifacts/forms-errors.png'), fullPage: true })

    await page.getByLabel('Email').fill('ada@example.com')
    await page.getByLabel('Start').fill('2025-03-01')
    await page.getByLabel('I agree to the terms').check()
    await page.getByLabel('Cv').setInputFiles({ name: 'cv.txt', mimeType: 'text/plain', buffer: Buffer.from('Analytical engines') })
    await page.getByRole('button', { name: 'Apply' }).click()
    await page.waitForLoadState('load')
    expect(await page.textContent('body')).toBe('Thanks <b>Ada</b> (ops, from 2025-03-01): got cv.txt, “Analytical engines”')
  })
})
