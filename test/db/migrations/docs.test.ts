/**
 * docs/migrations.md lists every migrations error code the engine declares and throws, and
 * only those; and every operation factory of `migrations` is in its reference table.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { migrationErrorCodes, migrations } from '../../../framework/db/index.ts'

const repo = resolve(import.meta.dirname, '../../..')
const doc = readFileSync(join(repo, 'docs/migrations.md'), 'utf8')

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name)
    return statSync(full).isDirectory() ? sources(full) : full.endsWith('.ts') ? [full] : []
  })
}

describe('docs/migrations.md', () => {
  it('documents exactly the declared codes, and each declared code is thrown somewhere', () => {
    const documented = new Set(doc.match(/`migrations\.E\d{3}`/g)!.map((code) => code.slice(1, -1)))
    expect([...documented].sort()).toEqual(Object.keys(migrationErrorCodes).sort())
    const thrown = new Set(
      sources(join(repo, 'framework/db/migrations'))
        .filter((file) => !file.endsWith('migration-error.ts'))
        .flatMap((file) => readFileSync(file, 'utf8').match(/'migrations\.E\d{3}'/g) ?? [])
        .map((code) => code.slice(1, -1)),
    )
    expect([...thrown].sort()).toEqual(Object.keys(migrationErrorCodes).sort())
  })

  it('has a reference row for every operation factory', () => {
    const factories = Object.keys(migrations).filter(
      (name) => !['define', 'noop', 'callable'].includes(name),
    )
    expect(factories.filter((name) => !doc.includes(`| \`${name}\` |`))).toEqual([])
  })
})
