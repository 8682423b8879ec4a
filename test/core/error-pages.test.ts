import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { maskSettings, productionPage } from '../../framework/core/index.ts'
import { defineSettings } from '../../framework/conf/index.ts'

describe('maskSettings', () => {
  it('masks secret-looking keys and passwords inside URLs', () => {
    const masked = maskSettings({
      SECRET_KEY: 'abc',
      API_TOKEN: 't',
      DATABASES: { default: { URL: 'postgres://u:hunter2@db/x' } },
      DEBUG: true,
    })
    expect(JSON.stringify(masked)).not.toMatch(/abc|hunter2|"t"/)
    expect(masked.DEBUG).toBe(true)
    expect((masked.DATABASES as { default: { URL: string } }).default.URL).toBe(
      'postgres://u:********************@db/x',
    )
  })
})

describe('productionPage', () => {
  it("prefers the project's <status>.html over the shipped default", () => {
    const dir = mkdtempSync(join(tmpdir(), 'tpl-'))
    writeFileSync(
      join(dir, '404.html'),
      '<html><body>Our own 404 for <%= it.requestPath %></body></html>',
    )
    const settings = defineSettings({ DEBUG: true, TEMPLATES: { DIRS: [dir] } }, { env: {} })
    expect(productionPage(404, settings, { requestPath: '/<x>/' })).toContain(
      'Our own 404 for /&lt;x&gt;/',
    )
    expect(productionPage(500, settings)).toContain('Server Error (500)')
  })

  it('falls back to a plain page, and reports why, when the template is broken', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tpl-'))
    writeFileSync(join(dir, '500.html'), '<%= it.nope.deeper %>')
    const settings = defineSettings(
      { DEBUG: false, SECRET_KEY: 'k', TEMPLATES: { DIRS: [dir] } },
      { env: {} },
    )
    const errors: unknown[] = []
    expect(productionPage(500, settings, {}, (e) => errors.push(e))).toContain(
      '<h1>500 Internal Server Error</h1>',
    )
    expect(errors).toHaveLength(1)
  })

  it('adds an escaped reason and builds a page for statuses without a template', () => {
    const settings = defineSettings({ DEBUG: true, TEMPLATES: { DIRS: [] } }, { env: {} })
    const html = productionPage(413, settings, { reason: 'too <big>' })
    expect(html).toContain('413 Payload Too Large')
    expect(html).toContain('<p class="reason">too &lt;big&gt;</p>')
  })
})
