/**
 * docs/admin.md against the code: every error code the admin throws is in its tables, and the
 * tables list no code that nothing throws; every template the docs name exists.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = resolve(import.meta.dirname, '../../..')
const doc = readFileSync(join(root, 'docs/admin.md'), 'utf8')
const adminDir = join(root, 'framework/contrib/admin')

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name)
    if (statSync(full).isDirectory()) return sources(full)
    return full.endsWith('.ts') ? [readFileSync(full, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '')] : []
  })
}

const thrown = new Set(
  sources(adminDir).flatMap((text) =>
    [...text.matchAll(/'(admin\.[A-Za-z0-9_]+)'/g)].map((m) => m[1] ?? ''),
  ),
)
const documented = new Set(
  [...doc.matchAll(/^\| `(admin\.[A-Za-z0-9_]+)` \|/gm)].map((m) => m[1] ?? ''),
)

describe('docs/admin.md', () => {
  it('documents every code the admin throws', () => {
    expect(thrown.size).toBeGreaterThan(8)
    expect([...thrown].filter((code) => !documented.has(code))).toEqual([])
  })

  it('lists no code that nothing throws', () => {
    expect([...documented].filter((code) => !thrown.has(code))).toEqual([])
  })

  it('names only templates that exist', () => {
    const section = doc.slice(doc.indexOf('Templates: `admin/base.html`'))
    const names = [
      ...section.slice(0, section.indexOf('Every admin template')).matchAll(/`([a-z_/]+\.html)`/g),
    ].map((m) => m[1]!)
    expect(names.length).toBeGreaterThan(10)
    for (const name of names) {
      const file = join(adminDir, 'templates', name.startsWith('admin/') ? name : `admin/${name}`)
      expect(existsSync(file), file).toBe(true)
    }
  })
})
