/**
 * docs/settings.md against the code: every setting, every environment override, every check id
 * and every error code thrown by conf/, http/ and core/ is documented, and no dead code is listed.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { BUILTIN_CHECK_IDS, ENV_OVERRIDES, settingsSchema } from '../../framework/conf/index.ts'

const root = resolve(import.meta.dirname, '../..')
const doc = readFileSync(join(root, 'docs/settings.md'), 'utf8')

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name)
    if (statSync(full).isDirectory()) return sources(full)
    // Comments hold examples (`'http.conflict'`), not codes the framework throws.
    return full.endsWith('.ts')
      ? [
          readFileSync(full, 'utf8')
            .replace(/\/\*[\s\S]*?\*\//g, '')
            .replace(/^\s*\/\/.*$/gm, ''),
        ]
      : []
  })
}

/** Codes thrown in conf/, http/, core/: quoted strings like 'http.data_too_big' or 'conf.E001'. */
function thrownCodes(): Set<string> {
  const text = ['conf', 'http', 'core']
    .flatMap((layer) => sources(join(root, 'framework', layer)))
    .join('\n')
  return new Set(
    [...text.matchAll(/'((?:conf|http|core)\.[A-Za-z0-9_]+)'/g)].map((m) => m[1] ?? ''),
  )
}

describe('docs/settings.md', () => {
  it('documents every setting of the schema', () => {
    const missing = Object.keys(settingsSchema.shape).filter((key) => !doc.includes(`\`${key}\``))
    expect(missing).toEqual([])
  })

  it('documents every environment override', () => {
    expect(ENV_OVERRIDES.filter((name) => !doc.includes(`| \`${name}\``))).toEqual([])
  })

  it('documents every built-in check id', () => {
    expect(Object.keys(BUILTIN_CHECK_IDS).filter((id) => !doc.includes(`\`${id}\``))).toEqual([])
  })

  it('documents every error code thrown by conf/, http/ and core/', () => {
    expect([...thrownCodes()].filter((code) => !doc.includes(`\`${code}\``))).toEqual([])
  })

  it('lists no code that the code no longer throws', () => {
    const codes = thrownCodes()
    const listed = [...doc.matchAll(/`((?:conf|http|core)\.[A-Za-z0-9_]+)`/g)].map(
      (m) => m[1] ?? '',
    )
    expect(listed.filter((code) => !codes.has(code))).toEqual([])
  })
})
