/**
 * The layer table of ARCHITECTURE.md, enforced: every import between framework/ folders points
 * downward, and goes through the target layer's index.ts (its only door).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, resolve, dirname, sep } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = resolve(import.meta.dirname, '../../framework')

/** Which layers each layer may import (ARCHITECTURE.md, "Layers, each a folder of framework/"). */
const allowed: Record<string, readonly string[]> = {
  gateway: [],
  server: ['gateway'],
  http: ['gateway'],
  conf: [],
  urls: ['http', 'gateway'],
  core: ['http', 'urls', 'conf', 'gateway', 'templates'],
  templates: ['conf'],
  db: ['conf'],
  forms: ['db', 'conf', 'templates', 'http'],
  views: ['http', 'templates', 'db', 'forms', 'urls', 'conf', 'gateway'],
  contrib: ['*'],
  testing: ['*'],
  cli: ['*'],
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name)
    if (statSync(full).isDirectory()) return sourceFiles(full)
    return full.endsWith('.ts') ? [full] : []
  })
}

const importPattern = /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g

/** Imports quoted in JSDoc examples are not imports. */
function code(file: string): string {
  return readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '')
}

function layerOf(file: string): string | undefined {
  const rel = relative(root, file)
  if (rel.startsWith('..')) return undefined
  return rel.split(sep)[0]
}

describe('framework layers', () => {
  const files = sourceFiles(root)
  const violations: string[] = []
  for (const file of files) {
    const from = layerOf(file)
    if (!from || !(from in allowed)) continue
    for (const match of code(file).matchAll(importPattern)) {
      const spec = match[1] ?? match[2]
      if (!spec || !spec.startsWith('.')) continue
      const target = resolve(dirname(file), spec)
      const to = layerOf(target)
      if (!to || to === from) continue
      const rules = allowed[from] ?? []
      if (!rules.includes('*') && !rules.includes(to)) {
        violations.push(`${relative(root, file)} imports ${to}/ (${spec}): ${from}/ may import ${rules.join(', ') || 'nothing'}`)
      }
      const isIndex = relative(join(root, to), target).replace(/\.ts$/, '') === 'index'
      const isSubIndex = /(^|\/)index(\.ts)?$/.test(spec) && to === 'contrib'
      if (!isIndex && !isSubIndex) {
        violations.push(`${relative(root, file)} reaches inside ${to}/ (${spec}): import ${to}/index.ts instead`)
      }
    }
  }

  it('has only downward imports, each through the layer index', () => {
    expect(violations).toEqual([])
  })

  it('keeps gateway/ free of anything but node: built-ins', () => {
    const bad = sourceFiles(join(root, 'gateway')).flatMap((file) =>
      [...code(file).matchAll(importPattern)]
        .map((m) => m[1] ?? m[2] ?? '')
        .filter((spec) => !spec.startsWith('.') && !spec.startsWith('node:'))
        .map((spec) => `${relative(root, file)}: ${spec}`),
    )
    expect(bad).toEqual([])
  })
})
