import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { defineSettings } from '../../../framework/conf/index.ts'
import {
  findStatic,
  listStaticFiles,
  safeSegments,
  staticfilesUrlpatterns,
  staticRoots,
} from '../../../framework/contrib/staticfiles/index.ts'

const root = mkdtempSync(join(tmpdir(), 'static-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))
function write(rel: string, text: string): void {
  mkdirSync(dirname(join(root, rel)), { recursive: true })
  writeFileSync(join(root, rel), text)
}
write('static/css/site.css', 'body{}')
write('static/shared.txt', 'project')
write('app/static/shared.txt', 'app')
write('app/static/app.js', 'js')
write('secret.txt', 'SECRET')
symlinkSync(join(root, 'secret.txt'), join(root, 'static/link.txt'))
const settings = defineSettings({
  DEBUG: true,
  STATICFILES_DIRS: ['static'],
  INSTALLED_APPS: [join(root, 'app'), join(root, 'no-static-app')],
})

describe('static files finder', () => {
  it('searches STATICFILES_DIRS, then the static/ folder of each app that has one', () => {
    expect(staticRoots(settings, root)).toEqual([join(root, 'static'), join(root, 'app/static')])
    expect(findStatic(settings, 'css/site.css', root)).toBe(join(root, 'static/css/site.css'))
    expect(findStatic(settings, 'app.js', root)).toBe(join(root, 'app/static/app.js'))
  })

  it("finds a package app's static/ folder as setup() resolves the entry (framework/contrib/admin)", () => {
    // A project with the framework installed in node_modules (a symlink, as `npm install file:` makes).
    const repo = join(import.meta.dirname, '../../..')
    const site = mkdtempSync(join(tmpdir(), 'static-site-'))
    mkdirSync(join(site, 'node_modules'))
    symlinkSync(repo, join(site, 'node_modules/framework'))
    writeFileSync(join(site, 'package.json'), '{"type":"module"}')
    const withAdmin = defineSettings({ DEBUG: true, INSTALLED_APPS: ['framework/contrib/admin'] })
    expect(staticRoots(withAdmin, site)).toEqual([join(repo, 'framework/contrib/admin/static')])
    rmSync(site, { recursive: true, force: true })
  })

  it('lets the first root win for a path present in several', () => {
    expect(findStatic(settings, 'shared.txt', root)).toBe(join(root, 'static/shared.txt'))
    expect(listStaticFiles(settings, root).find((f) => f.path === 'shared.txt')?.file).toBe(
      join(root, 'static/shared.txt'),
    )
  })

  it('never returns a file outside the roots, whatever the path says', () => {
    const attacks = [
      '../secret.txt',
      'css/../../secret.txt',
      '%2e%2e/secret.txt',
      '%2E%2E/secret.txt',
      'css/%2e%2e/%2e%2e/secret.txt',
      '..%2fsecret.txt',
      join(root, 'secret.txt'),
      '/etc/passwd',
      'C:/Windows/win.ini',
      '..\\secret.txt',
      'css/site.css\0.png',
      '',
      'css//site.css',
      './css/site.css',
      'link.txt',
    ]
    for (const attack of attacks) expect(findStatic(settings, attack, root), attack).toBeUndefined()
  })

  it('returns no segments for unsafe paths and the segments of safe ones', () => {
    expect(safeSegments('a/b.css')).toEqual(['a', 'b.css'])
    expect(safeSegments('a/%2e%2e/b')).toBeUndefined()
    expect(safeSegments('100%.css')).toEqual(['100%.css'])
  })

  it('lists every regular file once, sorted, with its logical path (symlinks are not collected)', () => {
    expect(listStaticFiles(settings, root).map((f) => f.path)).toEqual([
      'app.js',
      'css/site.css',
      'shared.txt',
    ])
  })

  it('serves through urlpatterns only when DEBUG and STATIC_URL is local', () => {
    expect(staticfilesUrlpatterns(settings, root).map((p) => p.pattern.route)).toEqual([
      'static/<path:path>',
    ])
    expect(
      staticfilesUrlpatterns(defineSettings({ DEBUG: false, SECRET_KEY: 'k'.repeat(50) }), root),
    ).toEqual([])
    expect(
      staticfilesUrlpatterns(
        defineSettings({ DEBUG: true, STATIC_URL: 'https://cdn.example.com/s/' }),
        root,
      ),
    ).toEqual([])
  })
})
