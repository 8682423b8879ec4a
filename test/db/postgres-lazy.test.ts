/**
 * pg is loaded on first use of a PostgreSQL backend, not when the framework is imported: a
 * project on SQLite (each `serve` worker of one) does not pay for it. Checked in a fresh process,
 * since this test process may have loaded pg already.
 */
import { execFileSync } from 'node:child_process'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = resolve(import.meta.dirname, '../..')

/** The number of pg's CommonJS files loaded after running `script` in a fresh tsx process. */
function pgFilesLoadedAfter(script: string): number {
  const out = execFileSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      `import { createRequire } from 'node:module'
${script}
const cache = createRequire(import.meta.url).cache
console.log(Object.keys(cache).filter((file) => file.includes('/node_modules/pg/')).length)`,
    ],
    { cwd: root, encoding: 'utf8' },
  )
  return Number(out.trim().split('\n').at(-1))
}

describe('pg loading', () => {
  it('is not loaded by importing the framework', () => {
    expect(pgFilesLoadedAfter(`await import('./framework/index.ts')`)).toBe(0)
  })

  it('is loaded when a PostgreSQL backend is created (no server needed)', () => {
    const script = `const { createPostgresBackend } = await import('./framework/db/backends/postgres.ts')
const backend = createPostgresBackend({ url: 'postgres://nobody@127.0.0.1:1/none' })
await backend.close()`
    expect(pgFilesLoadedAfter(script)).toBeGreaterThan(0)
  })
})
