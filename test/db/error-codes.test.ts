/**
 * docs/orm.md lists every error code framework/db throws, and only those.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = resolve(import.meta.dirname, '../../framework/db')

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name)
    return statSync(full).isDirectory() ? sources(full) : full.endsWith('.ts') ? [full] : []
  })
}

const thrown = new Set(
  sources(root)
    .flatMap((file) => readFileSync(file, 'utf8').match(/'db\.E\d{3}'/g) ?? [])
    .map((code) => code.slice(1, -1)),
)
const doc = readFileSync(resolve(import.meta.dirname, '../../docs/orm.md'), 'utf8')
const documented = new Set(doc.match(/`db\.E\d{3}`/g)?.map((code) => code.slice(1, -1)) ?? [])

describe('docs/orm.md error codes', () => {
  it('documents every code the ORM throws', () => {
    expect([...thrown].filter((code) => !documented.has(code)).sort()).toEqual([])
    expect(thrown.size).toBeGreaterThan(10)
  })

  it('documents no code the ORM does not throw', () => {
    expect([...documented].filter((code) => !thrown.has(code)).sort()).toEqual([])
  })
})
