/**
 * The app registry: INSTALLED_APPS entries resolve to folders (local or through a package's
 * exports), each app's models are loaded and checked, and every mistake is a clear error.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ImproperlyConfigured } from '../../framework/conf/index.ts'
import { loadApps, resolveApp } from '../../framework/db/index.ts'

const repo = resolve(import.meta.dirname, '../..')
const dbIndex = join(repo, 'framework/db/index.ts')

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'apps-'))
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true })
    writeFileSync(join(dir, path), text)
  }
  return dir
}

describe('loadApps', () => {
  it('loads each app folder with its models, in INSTALLED_APPS order', async () => {
    const dir = project({
      'shelf/models.ts': `import { defineModel, fields } from ${JSON.stringify(dbIndex)}
export const Book = defineModel('Book', { title: fields.char({ maxLength: 50 }) }, { appLabel: 'shelf' })
export const helper = 42`,
      'empty/views.ts': 'export {}',
    })
    const apps = await loadApps(['empty', 'shelf'], dir)
    expect(apps.all().map((app) => app.label)).toEqual(['empty', 'shelf'])
    expect(apps.get('shelf').models.map((model) => model.meta.label)).toEqual(['shelf.Book'])
    expect(apps.get('shelf').migrationsPath).toBe(join(dir, 'shelf', 'migrations'))
    expect(apps.get('empty').models).toEqual([])
  })

  it('resolves a package specifier through the package exports (the framework itself)', () => {
    const location = resolveApp('framework/contrib/staticfiles', repo)
    expect(location).toMatchObject({ label: 'staticfiles', path: join(repo, 'framework/contrib/staticfiles') })
  })

  it('names the entry and the fix when an app cannot be found', () => {
    expect(() => resolveApp('nosuchapp', tmpdir())).toThrow(/"nosuchapp" is neither a folder.*npm install/)
  })

  it('refuses a model whose appLabel is not its app', async () => {
    const dir = project({
      'shop/models.ts': `import { defineModel, fields } from ${JSON.stringify(dbIndex)}
export const Item = defineModel('Item', { name: fields.char({ maxLength: 5 }) }, { appLabel: 'store' })`,
    })
    await expect(loadApps(['shop'], dir)).rejects.toThrow(/appLabel "store".*app "shop".*appLabel: "shop"/)
  })

  it('refuses two apps with one label and reports an unknown label with the installed ones', async () => {
    const dir = project({ 'a/blog/x.ts': '', 'b/blog/x.ts': '' })
    await expect(loadApps(['a/blog', 'b/blog'], dir)).rejects.toBeInstanceOf(ImproperlyConfigured)
    const apps = await loadApps(['a/blog'], dir)
    expect(() => apps.get('polls')).toThrow(/"polls".*installed: blog/)
  })

  it('says which app failed to load its models and why', async () => {
    const dir = project({ 'broken/models.ts': 'throw new Error("boom in models")' })
    await expect(loadApps(['broken'], dir)).rejects.toThrow(/app "broken".*boom in models/)
  })
})
