/**
 * docs/forms.md against the code: every `forms.*` code thrown by framework/forms is in its
 * table, the table lists no dead code, and every template it documents exists.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { BUILTIN_FORM_TEMPLATES } from '../../framework/forms/index.ts'

const root = resolve(import.meta.dirname, '../..')
const doc = readFileSync(join(root, 'docs/forms.md'), 'utf8')

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name)
    if (statSync(full).isDirectory()) return sources(full)
    return full.endsWith('.ts') ? [readFileSync(full, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '')] : []
  })
}

const thrown = new Set(sources(join(root, 'framework/forms')).flatMap((text) => [...text.matchAll(/'(forms\.[a-z_]+)'/g)].map((m) => m[1]!)))
const documented = new Set([...doc.matchAll(/^\| `(forms\.[a-z_]+)` \|/gm)].map((m) => m[1]!))

describe('docs/forms.md', () => {
  it('documents every code framework/forms throws', () => {
    expect(thrown.size).toBeGreaterThan(5)
    expect([...thrown].filter((code) => !documented.has(code))).toEqual([])
  })

  it('lists no code that nothing throws', () => {
    expect([...documented].filter((code) => !thrown.has(code))).toEqual([])
  })

  it('names only templates that exist', () => {
    const named = [...doc.matchAll(/`(forms\/[a-z/-]+\.html)`/g)].map((m) => m[1]!)
    expect(named.length).toBeGreaterThan(5)
    expect(named.filter((name) => !existsSync(join(BUILTIN_FORM_TEMPLATES, name)))).toEqual([])
  })
})
