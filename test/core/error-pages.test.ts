import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { maskSettings, productionPage } from '../../framework/core/index.ts'
import { defineSettings } from '../../framework/conf/index.ts'

describe('maskSettings', () => {
  it('masks secret-looking keys and passwords inside URLs', () => {
    const masked = maskSettings({ SECRET_KEY: 'abc', API_TOKEN: 't', DATABASES: { default: { URL: 'postgres://u:hunter2@db/x' } }, DEBUG: true })
    expect(JSON.stringify(masked)).not.toMatch(/abc|hunter2|"t"/)
    expect(masked.DEBUG).toBe(true)
    expect((masked.DATABASES as { default: { URL: string } }).default.URL).toBe('postgres://u:********************@db/x')
  })
})

describe('productionPage', () => {
  it("prefers the project's <status>.html over the shipped default", () => {
    const dir = mkdtempSync(join(tmpdir(), 'tpl-'))
    writeFileSync(join(dir, '404.html'), '<html><body>Our own 404</body></html>')
    const settings = defineSettings({ DEBUG: true, TEMPLATES: { DIRS: [dir] } }, { env: {} })
    expect(productionPage(404, settings)).toContain('Our own 404')
    expect(productionPage(500, settings)).toContain('Server Error (500)')
  })

  it('adds an escaped reason and builds a page for statuses without a template', () => {
    const settings = defineSettings({ DEBUG: true, TEMPLATES: { DIRS: [] } }, { env: {} })
    const html = productionPage(413, settings, 'too <big>')
    expect(html).toContain('413 Payload Too Large')
    expect(html).toContain('<p class="reason">too &#60;big&#62;</p>')
  })
})
