/**
 * docs/urls-templates-views.md against the code: every error code thrown by urls/, templates/,
 * views/ and contrib/staticfiles/ is in its table, and the table lists no dead code.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = resolve(import.meta.dirname, '../..')
const doc = readFileSync(join(root, 'docs/urls-templates-views.md'), 'utf8')
const pattern = /'((?:urls|templates|views|paginator|staticfiles)\.[a-z0-9_]+)'/g

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name)
    if (statSync(full).isDirectory()) return sources(full)
    return full.endsWith('.ts') ? [readFileSync(full, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '')] : []
  })
}

const thrown = new Set(
  ['urls', 'templates', 'views', 'contrib/staticfiles']
    .flatMap((dir) => sources(join(root, 'framework', dir)))
    .flatMap((text) => [...text.matchAll(pattern)].map((m) => m[1] ?? ''))
    // The manifest's file name, not an error code.
    .filter((code) => code !== 'staticfiles.json'),
)
const documented = new Set(
  [...doc.matchAll(/^\| `([a-z]+\.[a-z0-9_]+)` \|/gm)].map((m) => m[1] ?? ''),
)

describe('docs/urls-templates-views.md', () => {
  it('documents every error code the four layers throw', () => {
    expect([...thrown].filter((code) => !documented.has(code))).toEqual([])
  })

  it('lists no code that nothing throws', () => {
    expect([...documented].filter((code) => !thrown.has(code))).toEqual([])
  })
})
