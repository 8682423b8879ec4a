/**
 * docs/auth.md lists every error code that auth and core/mail throw, and no dead one.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = resolve(import.meta.dirname, '../../..')
const doc = readFileSync(join(root, 'docs/auth.md'), 'utf8')

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name)
    if (statSync(full).isDirectory()) return sources(full)
    return full.endsWith('.ts') ? [readFileSync(full, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '')] : []
  })
}

const code = [
  ...sources(join(root, 'framework/contrib/auth')),
  ...sources(join(root, 'framework/core/mail')),
].join('\n')
const codes = [
  ...new Set([...code.matchAll(/'((?:auth|mail)\.E\d{3})'/g)].map((m) => m[1] as string)),
]

describe('docs/auth.md', () => {
  it('documents every code thrown by the auth app and the mail module', () => {
    expect(codes.length).toBeGreaterThan(10)
    expect(codes.filter((code) => !doc.includes(`\`${code}\``))).toEqual([])
  })
  it('lists no code that nothing throws', () => {
    const listed = [...doc.matchAll(/`((?:auth|mail)\.E\d{3})`/g)].map((m) => m[1] as string)
    expect(listed.filter((code) => !codes.includes(code))).toEqual([])
  })
})
