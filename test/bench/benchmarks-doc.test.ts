/**
 * docs/benchmarks.md stays true to the harness: every configuration and option it runs is
 * documented, and every file the page links to exists.
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CONFIGURATIONS } from '../../bench/lib/configurations.ts'

const root = resolve(import.meta.dirname, '../..')
const doc = readFileSync(resolve(root, 'docs/benchmarks.md'), 'utf8')
const runSource = readFileSync(resolve(root, 'bench/run.ts'), 'utf8')

describe('docs/benchmarks.md', () => {
  it('names every configuration id of bench/lib/configurations.ts', () => {
    const missing = CONFIGURATIONS.map((c) => c.id).filter((id) => !doc.includes(`\`${id}\``))
    expect(missing).toEqual([])
  })

  it('documents every option bench/run.ts accepts', () => {
    const block = /options: \{([\s\S]*?)\n {6}\},/.exec(runSource)?.[1] ?? ''
    const options = [...block.matchAll(/^ {8}'?([a-z-]+)'?: \{/gm)].map((m) => `--${m[1]}`)
    expect(options.length).toBeGreaterThan(5)
    expect(options.filter((o) => !doc.includes(`\`${o}`))).toEqual([])
  })

  it('links only to files that exist', () => {
    const links = [...doc.matchAll(/\]\((\.\.\/[^)#]+)\)/g)].map((m) => m[1]!)
    expect(links.length).toBeGreaterThan(3)
    const dead = links.filter(
      (l) => !existsSync(resolve(dirname(resolve(root, 'docs/benchmarks.md')), l)),
    )
    expect(dead).toEqual([])
  })
})
