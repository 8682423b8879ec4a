/**
 * `framework startapp NAME [DIR]`, through main() with collecting streams: the app folder it
 * writes, the INSTALLED_APPS instruction it prints, and its refusals.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { run } from './project-fixture.ts'

const dirs: string[] = []
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'startapp-'))
  dirs.push(dir)
  return dir
}

describe('framework startapp', () => {
  it('writes models, views, urls, admin, templates, migrations and tests into ./NAME', async () => {
    const cwd = tempDir()
    const result = await run(cwd, 'startapp', 'polls')
    expect(result.code).toBe(0)
    for (const path of [
      'models.ts',
      'views.ts',
      'urls.ts',
      'admin.ts',
      'templates/polls/index.html',
      'migrations/.gitkeep',
      'tests/views.test.ts',
    ]) {
      expect(existsSync(join(cwd, 'polls', path)), path).toBe(true)
    }
    expect(readFileSync(join(cwd, 'polls/views.ts'), 'utf8')).toContain(
      "render(request, 'polls/index.html'",
    )
    expect(readFileSync(join(cwd, 'polls/urls.ts'), 'utf8')).toContain(
      "path('', index, { name: 'index' })",
    )
  })

  it('tells the user to add the app to INSTALLED_APPS and mount its URLs', async () => {
    const result = await run(tempDir(), 'startapp', 'polls')
    expect(result.stdout).toContain('Next: add "polls" to INSTALLED_APPS in project/settings.ts')
    expect(result.stdout).toContain("path('polls/', include(pollsUrls, { namespace: 'polls' }))")
  })

  it('names the INSTALLED_APPS entry by the folder it wrote when DIR is given', async () => {
    const cwd = tempDir()
    const result = await run(cwd, 'startapp', 'polls', 'apps/polls')
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('add "apps/polls" to INSTALLED_APPS')
    expect(existsSync(join(cwd, 'apps/polls/models.ts'))).toBe(true)
  })

  it('refuses a name that is not an identifier with exit 2 and a hint, writing nothing', async () => {
    const cwd = tempDir()
    const result = await run(cwd, 'startapp', '2polls')
    expect(result.code).toBe(2)
    expect(result.stderr).toBe(
      'framework startapp: error: "2polls" is not a valid app name: it must be an identifier (letters, digits and _, not starting with a digit)\n' +
        'hint: for example: framework startapp polls\n',
    )
    expect(readdirSync(cwd)).toEqual([])
  })

  it('refuses an existing non-empty folder with exit 1, leaving it untouched', async () => {
    const cwd = tempDir()
    mkdirSync(join(cwd, 'polls'))
    writeFileSync(join(cwd, 'polls/models.ts'), '// mine\n')
    const result = await run(cwd, 'startapp', 'polls')
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(
      /^framework startapp: error: ".*polls" is not empty \(it holds "models\.ts"\); nothing was written\nhint: /,
    )
    expect(readFileSync(join(cwd, 'polls/models.ts'), 'utf8')).toBe('// mine\n')
  })
})
