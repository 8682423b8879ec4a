import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { CommandContext } from '../../framework/cli/command.ts'
import { main } from '../../framework/cli/main.ts'

const repo = resolve(import.meta.dirname, '../..')

function context(cwd: string) {
  const out: string[] = []
  const err: string[] = []
  const ctx: CommandContext = {
    cwd,
    env: {},
    stdout: { write: (chunk) => (out.push(String(chunk)), true) },
    stderr: { write: (chunk) => (err.push(String(chunk)), true) },
    stdin: (async function* () {})(),
  }
  return { ctx, out: () => out.join(''), err: () => err.join('') }
}

const tmp = mkdtempSync(join(tmpdir(), 'cli-collect-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

describe('framework collectstatic', () => {
  it('collects into STATIC_ROOT with a manifest and reports the count', async () => {
    mkdirSync(join(tmp, 'assets/css'), { recursive: true })
    writeFileSync(join(tmp, 'assets/css/a.css'), 'a{}')
    writeFileSync(
      join(tmp, 'settings.ts'),
      `import { defineSettings } from ${JSON.stringify(join(repo, 'framework/conf/index.ts'))}\nexport const settings = defineSettings({ DEBUG: true, STATICFILES_DIRS: ['assets'], STATIC_ROOT: 'collected' })\n`,
    )
    const { ctx, out } = context(tmp)
    expect(await main(['collectstatic', '--settings', 'settings.ts'], ctx)).toBe(0)
    expect(out()).toBe(`1 static file copied to ${join(tmp, 'collected')}, manifest written.\n`)
    const manifest = JSON.parse(readFileSync(join(tmp, 'collected/staticfiles.json'), 'utf8'))
    expect(manifest.paths['css/a.css']).toMatch(/^css\/a\.[0-9a-f]{12}\.css$/)
  })

  it('fails with a reason when STATIC_ROOT is missing', async () => {
    writeFileSync(
      join(tmp, 'noroot.ts'),
      `import { defineSettings } from ${JSON.stringify(join(repo, 'framework/conf/index.ts'))}\nexport const settings = defineSettings({ DEBUG: true })\n`,
    )
    const { ctx, err } = context(tmp)
    expect(await main(['collectstatic', '--settings', 'noroot.ts'], ctx)).toBe(1)
    expect(err()).toMatch(/STATIC_ROOT is not set/)
  })

  it('rejects an unexpected argument as a usage error', async () => {
    const { ctx } = context(tmp)
    expect(await main(['collectstatic', 'extra'], ctx)).toBe(2)
  })
})
