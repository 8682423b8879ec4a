/**
 * The messages partial found from a generated project, where the framework lives in
 * node_modules: the template search path resolves 'framework/contrib/messages' through the
 * package's exports, as setup() does.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { defineSettings } from '../../../framework/conf/index.ts'
import { TemplateEngine, templateDirs } from '../../../framework/templates/index.ts'

const repo = resolve(import.meta.dirname, '../../..')
const project = mkdtempSync(join(tmpdir(), 'messages-project-'))
afterAll(() => rmSync(project, { recursive: true, force: true }))
mkdirSync(join(project, 'node_modules'))
symlinkSync(repo, join(project, 'node_modules', 'framework'), 'dir')
writeFileSync(join(project, 'package.json'), '{"name":"site","type":"module"}')

describe('the messages partial in a project that depends on the framework', () => {
  const settings = defineSettings(
    {
      DEBUG: true,
      INSTALLED_APPS: ['framework/contrib/messages'],
      TEMPLATES: { DIRS: [], APP_DIRS: true, CONTEXT_PROCESSORS: [] },
    },
    { env: {} },
  )

  it("searches the app's templates/ folder inside the package", () => {
    expect(templateDirs(settings, project)).toEqual([
      join(repo, 'framework/contrib/messages/templates'),
    ])
  })

  it('renders messages/messages.html from there', () => {
    const engine = new TemplateEngine(settings, { cwd: project })
    const html = engine.renderString("<%~ include('messages/messages.html') %>", {
      messages: [{ tags: 'info', message: 'Hello' }],
    })
    expect(html).toContain('<li class="info">Hello</li>')
  })
})
