/**
 * The type-cost budget of typed URLs (STYLE.md 15): a URLconf of 300 named routes in 30
 * namespaced includes must type-check without errors and within a fixed number of type
 * instantiations (deterministic, unlike time on a shared machine). Runs tsc in a child process.
 */
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const repo = resolve(import.meta.dirname, '../..')
// Under test/tmp/ (git-ignored) so the generated tsconfig can extend the repository's.
mkdirSync(join(repo, 'test/tmp'), { recursive: true })
const dir = mkdtempSync(join(repo, 'test/tmp/url-cost-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Instantiations measured for this URLconf when the budget was set: about 101,000. */
const BUDGET = 250_000

function routesSource(groups: number, perGroup: number): string {
  const lines = [
    "import { include, path, URLResolver, type UrlNamesOf } from '../../../framework/urls/index.ts'",
    "import { HttpResponse } from '../../../framework/http/index.ts'",
  ]
  for (let g = 0; g < groups; g++) {
    lines.push(`const g${g} = [`)
    for (let i = 0; i < perGroup; i++) {
      lines.push(
        `  path('item${i}/<int:id>/<slug:s>/', (_r, p) => new HttpResponse(String(p.id) + p.s), { name: 'n${i}' }),`,
      )
    }
    lines.push('] as const')
  }
  lines.push('export const urlpatterns = [')
  for (let g = 0; g < groups; g++)
    lines.push(`  path('g${g}/<int:gid>/', include(g${g}, { namespace: 'ns${g}' })),`)
  lines.push(']')
  lines.push('export type Names = UrlNamesOf<typeof urlpatterns>')
  lines.push('const resolver = URLResolver.from(urlpatterns)')
  lines.push(`resolver.reverse('ns${groups - 1}:n${perGroup - 1}', { gid: 1, id: 2, s: 'x' })`)
  return `${lines.join('\n')}\n`
}

describe('typed URLs at scale', () => {
  it('type-checks 300 routes in 30 namespaces within the instantiation budget', async () => {
    writeFileSync(join(dir, 'routes.ts'), routesSource(30, 10))
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({ extends: '../../../tsconfig.json', include: ['routes.ts'], exclude: [] }),
    )
    const tsc = join(repo, 'node_modules/typescript/bin/tsc')
    const output = await new Promise<string>((done) => {
      execFile(
        process.execPath,
        [tsc, '-p', join(dir, 'tsconfig.json'), '--extendedDiagnostics'],
        { timeout: 120_000 },
        (_error, stdout, stderr) => done(`${stdout}${stderr}`),
      )
    })
    expect(output).not.toMatch(/error TS/)
    const instantiations = Number(/Instantiations:\s+(\d+)/.exec(output)?.[1])
    expect(instantiations).toBeGreaterThan(0)
    expect(instantiations).toBeLessThan(BUDGET)
  }, 120_000)
})
