import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { defineSettings } from '../../../framework/conf/index.ts'
import {
  collectStatic,
  hashedName,
  MANIFEST_NAME,
  rewriteCssUrls,
  staticUrl,
} from '../../../framework/contrib/staticfiles/index.ts'

const root = mkdtempSync(join(tmpdir(), 'collect-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))
function write(rel: string, text: string): void {
  mkdirSync(dirname(join(root, rel)), { recursive: true })
  writeFileSync(join(root, rel), text)
}
write('static/css/site.css', 'body{color:red}')
write('static/README', 'no extension')
write('app/static/app.js', 'console.log(1)')
const base = {
  STATICFILES_DIRS: ['static'],
  INSTALLED_APPS: [join(root, 'app')],
  STATIC_ROOT: 'out',
}

describe('collectStatic', () => {
  it('copies every file under its name and a content-hashed name, and writes the manifest', () => {
    const result = collectStatic(defineSettings({ DEBUG: true, ...base }), { cwd: root })
    expect(result.copied).toBe(3)
    const manifest = JSON.parse(readFileSync(join(root, 'out', MANIFEST_NAME), 'utf8'))
    expect(Object.keys(manifest.paths).sort()).toEqual(['README', 'app.js', 'css/site.css'])
    const hashed = manifest.paths['css/site.css'] as string
    expect(hashed).toMatch(/^css\/site\.[0-9a-f]{12}\.css$/)
    expect(readFileSync(join(root, 'out', hashed), 'utf8')).toBe('body{color:red}')
    expect(existsSync(join(root, 'out/css/site.css'))).toBe(true)
  })

  it('changes the hashed name when the content changes', () => {
    const settings = defineSettings({ DEBUG: true, ...base })
    const before = collectStatic(settings, { cwd: root }).manifest.paths['app.js']
    write('app/static/app.js', 'console.log(2)')
    const after = collectStatic(settings, { cwd: root }).manifest.paths['app.js']
    expect(after).not.toBe(before)
  })

  it('makes staticUrl() use the hashed name when DEBUG is off, and the plain one in DEBUG', () => {
    const prod = defineSettings({ DEBUG: false, SECRET_KEY: 'k'.repeat(50), ...base })
    const { manifest } = collectStatic(prod, { cwd: root })
    expect(staticUrl(prod, 'css/site.css', root)).toBe(`/static/${manifest.paths['css/site.css']}`)
    expect(staticUrl(defineSettings({ DEBUG: true, ...base }), 'css/site.css', root)).toBe(
      '/static/css/site.css',
    )
  })

  it('empties STATIC_ROOT first with clear', () => {
    write('out/stale.txt', 'old')
    collectStatic(defineSettings({ DEBUG: true, ...base }), { cwd: root, clear: true })
    expect(existsSync(join(root, 'out/stale.txt'))).toBe(false)
  })

  it('refuses to run without STATIC_ROOT or with STATIC_ROOT inside STATICFILES_DIRS', () => {
    expect(() =>
      collectStatic(defineSettings({ DEBUG: true, STATICFILES_DIRS: ['static'] }), { cwd: root }),
    ).toThrow(expect.objectContaining({ code: 'staticfiles.no_static_root' }))
    expect(() =>
      collectStatic(
        defineSettings({ DEBUG: true, STATICFILES_DIRS: ['static'], STATIC_ROOT: 'static' }),
        { cwd: root },
      ),
    ).toThrow(expect.objectContaining({ code: 'staticfiles.root_in_dirs' }))
  })

  it('puts the hash before the last extension', () => {
    expect([
      hashedName('a/b.min.js', 'h'),
      hashedName('README', 'h'),
      hashedName('.env', 'h'),
    ]).toEqual(['a/b.min.h.js', 'README.h', '.env.h'])
  })

  it('rewrites relative url() references in CSS to the hashed names, and hashes the result', () => {
    write('static/img/dot.png', 'PNG')
    write(
      'static/css/icons.css',
      `.a{background:url("../img/dot.png?v=1#x")}.b{background:url(data:image/png;base64,AA)}.c{background:url(/abs.png)}.d{background:url(missing.png)}`,
    )
    const { manifest } = collectStatic(defineSettings({ DEBUG: true, ...base }), { cwd: root })
    const hashedPng = manifest.paths['img/dot.png'] as string
    const css = readFileSync(join(root, 'out', manifest.paths['css/icons.css'] as string), 'utf8')
    expect(css).toBe(
      `.a{background:url("../${hashedPng}?v=1#x")}.b{background:url(data:image/png;base64,AA)}.c{background:url(/abs.png)}.d{background:url(missing.png)}`,
    )
    expect(readFileSync(join(root, 'out/css/icons.css'), 'utf8')).toBe(css)
  })

  it('leaves references that would climb out of the static root alone', () => {
    expect(rewriteCssUrls('x{a:url(../../up.png)}', 'css/a.css', { '../up.png': 'nope' })).toBe(
      'x{a:url(../../up.png)}',
    )
    expect(rewriteCssUrls("x{a:url('b.png')}", 'css/a.css', { 'css/b.png': 'css/b.123.png' })).toBe(
      "x{a:url('b.123.png')}",
    )
  })
})
