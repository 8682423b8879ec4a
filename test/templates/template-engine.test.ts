import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { defineSettings, type SettingsInput } from '../../framework/conf/index.ts'
import {
  MANIFEST_NAME,
  safe,
  TemplateDoesNotExist,
  TemplateEngine,
} from '../../framework/templates/index.ts'

const root = mkdtempSync(join(tmpdir(), 'tpl-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

function write(rel: string, text: string): string {
  const file = join(root, rel)
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, text)
  return file
}

function engine(
  input: SettingsInput = {},
  url?: (n: string, p?: Record<string, unknown>) => string,
) {
  const settings = defineSettings({
    DEBUG: true,
    TEMPLATES: {
      DIRS: ['templates'],
      APP_DIRS: true,
      CONTEXT_PROCESSORS: ['request', 'debug', 'static', 'csrf', 'user', 'messages'],
    },
    ...input,
  })
  return new TemplateEngine(settings, { cwd: root, ...(url ? { url } : {}) })
}

write(
  'templates/base.html',
  '<title><%~ block("title", () => { %>Default<% }) %></title>[<%~ it.body %>]<%~ block("foot", () => { %>foot<% }) %>',
)
write(
  'templates/mid.html',
  '<% layout("base.html") %><% block("title", () => { %>Mid<% }) %><% block("foot", () => { %>midfoot<% }) %>{<%~ it.body %>}',
)
write(
  'templates/page.html',
  '<% layout("base.html") %><% block("title", () => { %>Page <%= it.name %><% }) %>Hello <%= it.name %>',
)
write('templates/deep.html', '<% layout("mid.html") %><% block("title", () => { %>Deep<% }) %>body')
write(
  'templates/inc.html',
  'A<%~ include("parts/row.html", { n: 1 }) %><%~ include("./parts/row.html", { n: 2 }) %>',
)
write('templates/parts/row.html', '(<%= it.n %> <%= it.who %>)')
write('templates/shadow.html', 'project wins')
write('apps/shop/templates/shadow.html', 'app loses')
write('apps/shop/templates/shop/only-app.html', 'from the app')
write('secret.txt', 'SECRET')
const apps = { INSTALLED_APPS: [join(root, 'apps/shop'), join(root, 'apps/none')] }

describe('TemplateEngine', () => {
  it('searches the project templates/ first, then each app templates/ folder', () => {
    const e = engine(apps)
    expect(e.render('shadow.html')).toBe('project wins')
    expect(e.render('shop/only-app.html')).toBe('from the app')
    expect(e.dirs).toEqual([join(root, 'templates'), join(root, 'apps/shop/templates')])
  })

  it('fills a layout with the child body and its blocks, falling back to the layout defaults', () => {
    expect(engine().render('page.html', { name: 'Ann' })).toBe(
      '<title>Page Ann</title>[Hello Ann]foot',
    )
  })

  it('passes blocks through two layouts, the deepest definition winning', () => {
    expect(engine().render('deep.html')).toBe('<title>Deep</title>[{body}]midfoot')
    expect(engine().render('mid.html', { body: 'b' })).toBe('<title>Mid</title>[{b}]midfoot')
  })

  it('includes partials by search path and relative to the current file, with the parent context', () => {
    expect(engine().render('inc.html', { who: 'x' })).toBe('A(1 x)(2 x)')
  })

  it('escapes output by default and leaves safe() text and <%~ %> as is', () => {
    const e = engine()
    expect(
      e.renderString('<%= it.v %>|<%= it.s %>|<%~ it.v %>|<%= safe("<i>") %>', {
        v: '<b>"&\'',
        s: safe('<u>'),
      }),
    ).toBe('&lt;b&gt;&quot;&amp;&#39;|<u>|<b>"&\'|<i>')
    expect(e.renderString('<%= it.n %><%= it.u %>', { n: null, u: undefined })).toBe('')
  })

  it('runs the context processors when a request is given, the view context winning', () => {
    const request = {
      state: { csrfToken: () => 'tok', user: { username: 'ann' }, messages: ['hi'] },
    }
    const out = engine().renderString(
      '<%= it.debug %> <%= it.STATIC_URL %> <%= it.csrfToken %> <%= it.user.username %> <%= it.messages.length %> <%= it.request === it.req %>',
      { req: request },
      request,
    )
    expect(out).toBe('true /static/ tok ann 1 true')
    expect(engine().renderString('<%= it.debug %>', { debug: 'mine' }, request)).toBe('mine')
  })

  it('gives the csrf, user and messages seams safe empty values before their middleware exists', () => {
    expect(
      engine().renderString(
        '[<%= it.csrfToken %>] <%= it.user.isAuthenticated %> <%= it.messages.length %>',
        {},
        { state: {} },
      ),
    ).toBe('[] false 0')
  })

  it('rejects an unknown context processor with a coded error', () => {
    expect(() => engine({ TEMPLATES: { CONTEXT_PROCESSORS: ['nope'] } })).toThrow(
      expect.objectContaining({ code: 'templates.unknown_context_processor' }),
    )
  })

  it('provides url() and static() in every template, even when the context has a key named url', () => {
    const e = engine({}, (name, params) => `/r/${name}/${String(params?.['id'])}`)
    expect(
      e.renderString(
        '<%= url("polls:detail", { id: 3 }) %> <%= static("css/a b.css") %> <%= it.url %>',
        { url: 'data' },
      ),
    ).toBe('/r/polls:detail/3 /static/css/a%20b.css data')
  })

  it('prefixes url() with the request script name when the app is mounted below /', () => {
    const e = engine({}, (name) => `/${name}/`)
    expect(e.renderString('<%= url("a") %>', {}, { scriptName: '/shop/' })).toBe('/shop/a/')
    expect(e.renderString('<%= url("a") %>', {}, { scriptName: '' })).toBe('/a/')
  })

  it('makes url() without a configured helper fail with a coded error', () => {
    expect(() => engine().renderString('<%= url("x") %>')).toThrow(
      expect.objectContaining({ code: 'templates.no_url_helper' }),
    )
  })

  it('makes static() use the collectstatic manifest when DEBUG is off', () => {
    write(
      'collected/' + MANIFEST_NAME,
      JSON.stringify({ version: 1, paths: { 'css/site.css': 'css/site.abc123.css' } }),
    )
    const prod = engine({ DEBUG: false, SECRET_KEY: 'x'.repeat(50), STATIC_ROOT: 'collected' })
    expect(prod.renderString('<%= static("css/site.css") %> <%= static("other.js") %>')).toBe(
      '/static/css/site.abc123.css /static/other.js',
    )
    expect(engine({ STATIC_ROOT: 'collected' }).renderString('<%= static("css/site.css") %>')).toBe(
      '/static/css/site.css',
    )
  })

  it('throws a coded TemplateDoesNotExist naming every path searched', () => {
    let error: unknown
    try {
      engine(apps).render('missing.html')
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(TemplateDoesNotExist)
    const e = error as TemplateDoesNotExist
    expect(e.code).toBe('templates.does_not_exist')
    expect(e.tried).toEqual([
      join(root, 'templates/missing.html'),
      join(root, 'apps/shop/templates/missing.html'),
    ])
    expect(e.message).toContain(join(root, 'apps/shop/templates/missing.html'))
  })

  it('reports a missing include as TemplateDoesNotExist, not as a generic runtime error', () => {
    write('templates/broken.html', 'x <%~ include("nowhere.html") %>')
    expect(() => engine().render('broken.html')).toThrow(
      expect.objectContaining({ code: 'templates.does_not_exist', templateName: 'nowhere.html' }),
    )
  })

  it('never reads a file outside the template directories', () => {
    const e = engine()
    for (const name of [
      '../secret.txt',
      join(root, 'secret.txt'),
      'parts/../../secret.txt',
      'a\0b',
    ]) {
      expect(() => e.render(name), name).toThrow(TemplateDoesNotExist)
    }
    write('templates/escape.html', '<%~ include("../../secret.txt") %>')
    expect(() => e.render('escape.html')).toThrow(TemplateDoesNotExist)
  })

  it('re-reads a changed template in DEBUG and keeps the compiled one otherwise', () => {
    write('templates/live.html', 'one')
    const dev = engine()
    const prod = engine({ DEBUG: false, SECRET_KEY: 'x'.repeat(50) })
    expect([dev.render('live.html'), prod.render('live.html')]).toEqual(['one', 'one'])
    write('templates/live.html', 'two')
    expect([dev.render('live.html'), prod.render('live.html')]).toEqual(['two', 'one'])
  })
})
