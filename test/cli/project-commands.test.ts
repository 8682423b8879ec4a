/**
 * `framework shell`, `dbshell`, the apps' own commands and `framework test`, on a small project in
 * a temporary folder: models in scope with top-level await (prompt and -c), the right client
 * program with the right file, the apps' commands listed by help and run with the project set
 * up, and the one-line failures (settings error, a module that fails to load, a missing program).
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { requireProgram } from '../support/require-program.ts'
import { makeProject, repo, run, runBin } from './project-fixture.ts'

const dir = makeProject()
const emptyPath = mkdtempSync(join(tmpdir(), 'cli-empty-path-'))
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
  rmSync(emptyPath, { recursive: true, force: true })
})

beforeAll(async () => {
  // The tables, through the shell itself (setup() done, models in scope).
  const made = await runBin(dir, [
    'shell',
    '-c',
    `const { createTables } = await import('${repo}/framework/db/index.ts')
     await createTables([Tag, Category, Item])
     const home = await Category.objects.create({ name: 'Home' })
     await Item.objects.create({ category: home, name: 'Lamp', addedAt: new Date() })`,
  ])
  expect(made.stderr).toBe('')
})

describe('framework shell', () => {
  it('runs -c code with the models in scope and top-level await', async () => {
    const result = await runBin(dir, ['shell', '-c', 'console.log("items", await Item.objects.count(), settings.DEBUG)'])
    expect([result.code, result.stdout]).toEqual([0, 'items 1 true\n'])
  })

  it('runs piped standard input as one script, awaiting at the top level (as Django)', async () => {
    const result = await runBin(dir, ['shell'], {
      input: 'const n = await Category.objects.count()\nconsole.log(n + 41)\nconsole.log((await Item.objects.first()).name)\n',
    })
    expect([result.code, result.stdout, result.stderr]).toEqual([0, '42\nLamp\n', ''])
  })

  it('fails with the error and exit 1 when the -c code throws', async () => {
    const result = await run(dir, 'shell', '-c', 'await Item.objects.get({ id: 999 })')
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/\nframework shell: error: the code failed: \S*DoesNotExist: .*\nhint: the traceback is above\n$/)
  })
})

describe('framework dbshell', () => {
  const sqlite3 = requireProgram('sqlite3', 'apt-get install sqlite3')
  it.skipIf(!sqlite3.available)('runs sqlite3 on the SQLite file of DATABASES', async () => {
    const result = await runBin(dir, ['dbshell'], { input: 'SELECT name FROM shop_item;\n' })
    expect([result.code, result.stdout]).toEqual([0, 'Lamp\n'])
  })

  it('passes the arguments after -- to the client', async () => {
    const result = await runBin(dir, ['dbshell', '--', '-json', 'SELECT count(*) AS n FROM shop_category'])
    expect(JSON.parse(result.stdout)).toEqual([{ n: 1 }])
  })

  it('names the missing program and how to install it', async () => {
    // A PATH with only `node`, so the CLI runs but sqlite3 is not found.
    symlinkSync(process.execPath, join(emptyPath, 'node'))
    const result = await runBin(dir, ['dbshell'], { env: { PATH: emptyPath } })
    expect(result.code).toBe(1)
    expect(result.stderr).toBe(
      'framework dbshell: error: sqlite3 is not installed (not found on PATH): dbshell needs it for this SQLite database\nhint: install it: apt-get install sqlite3 (Debian/Ubuntu) or brew install sqlite\n',
    )
  })
})

describe("the apps' own commands", () => {
  it("lists them in help with their app's label", async () => {
    const result = await run(dir, 'help')
    expect(result.stdout).toMatch(/\n {2}countitems +\[shop\] Print how many items there are.\n/)
    expect(result.stdout).toMatch(/\n {2}broken +\[shop\] \(does not load: run it to see why\)\n/)
  })

  it('runs one with the project set up, passing its arguments', async () => {
    const result = await run(dir, 'countitems', 'a', 'b')
    expect([result.code, result.stdout]).toEqual([0, 'items: 1 a,b\n'])
  })

  it('suggests an app command for a typo', async () => {
    const result = await run(dir, 'countitem')
    expect(result.stderr).toContain("hint: did you mean 'framework countitems'?")
  })

  it('exits 1 with the file and line when the command module fails to load', async () => {
    const result = await run(dir, 'broken')
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/^framework broken: error: cannot load .*shop\/commands\/broken.ts: .*\nhint: fix the error at .*broken.ts:\d+:\d+/)
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(2)
  })
})

describe('project commands refuse a broken project with one line and a hint', () => {
  it('a settings error', async () => {
    const bad = makeProject({
      'project/settings.ts': `import { defineSettings } from '${repo}/framework/index.ts'
export const settings = defineSettings({ DEBUG: 'yes', SECRET_KEY: 'k', ROOT_URLCONF: 'project/urls.ts' } as never, { env: {} })
`,
    })
    try {
      for (const command of ['shell', 'dumpdata', 'loaddata x.json', 'dbshell', 'test']) {
        const result = await run(bad, ...command.split(' '))
        expect(result.code, command).toBe(1)
        expect(result.stderr, command).toMatch(/^framework \w+: error: settings error in project\/settings.ts: .*DEBUG.*\nhint: fix the setting named above/)
      }
    } finally {
      rmSync(bad, { recursive: true, force: true })
    }
  })

  it("an app's models that fail to load", async () => {
    const bad = makeProject({ 'shop/models.ts': 'export const x = ;\n' })
    try {
      const result = await run(bad, 'dumpdata')
      expect(result.code).toBe(1)
      expect(result.stderr).toMatch(/^framework dumpdata: error: The models of app "shop" .* failed to load: .*\nhint: fix the error at .*models.ts:1:\d+\n$/)
    } finally {
      rmSync(bad, { recursive: true, force: true })
    }
  })

  it('an INSTALLED_APPS entry that does not exist', async () => {
    const bad = makeProject({
      'project/settings.ts': `import { defineSettings } from '${repo}/framework/index.ts'
export const settings = defineSettings({ SECRET_KEY: 'k', ROOT_URLCONF: 'project/urls.ts', INSTALLED_APPS: ['shop'] }, { env: {} })
`,
    })
    rmSync(join(bad, 'shop'), { recursive: true })
    try {
      const result = await run(bad, 'shell', '-c', '1')
      expect(result.code).toBe(1)
      expect(result.stderr).toMatch(/^framework shell: error: .*"shop".*\nhint: /)
    } finally {
      rmSync(bad, { recursive: true, force: true })
    }
  })
})

describe('framework test', () => {
  it("says vitest is missing when the project has no node_modules", async () => {
    const result = await run(dir, 'test')
    expect(result.stderr).toMatch(/^framework test: error: vitest is not installed in .*\nhint: run npm install/)
  })

  it("runs the project's tests on a fresh database with the installed apps' tables, then drops it", async () => {
    symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'))
    writeFileSync(
      join(dir, 'shop/shop.test.ts'),
      `import { it, expect } from 'vitest'
import { setup } from '${repo}/framework/db/index.ts'
import { settings } from '../project/settings.ts'
import { Item } from './models.ts'
it('sees an empty test database, not the development one', async () => {
  await setup(settings)
  expect(process.env.DATABASE_URL).toMatch(/framework-test-db-/)
  expect(await Item.objects.count()).toBe(0)
})
`,
    )
    // The fixture's settings ignore the environment, so point them at DATABASE_URL when set.
    writeFileSync(
      join(dir, 'project/settings.ts'),
      `import { defineSettings } from '${repo}/framework/index.ts'
export const settings = defineSettings({
  DEBUG: true, SECRET_KEY: 'test-key', INSTALLED_APPS: ['shop'], ROOT_URLCONF: 'project/urls.ts',
  DATABASES: { default: { URL: process.env.DATABASE_URL ?? 'sqlite:' + new URL('../db.sqlite3', import.meta.url).pathname } },
}, { env: {} })
`,
    )
    writeFileSync(join(dir, 'vitest.config.ts'), `export default { test: { include: ['shop/**/*.test.ts'] } }\n`)
    const result = await runBin(dir, ['test'])
    expect(result.stdout).toMatch(/^Created the test database sqlite:.*framework-test-db-/)
    expect(result.stdout).toContain('1 passed')
    expect(result.stdout).toMatch(/Destroyed the test database\n$/)
    expect(result.code).toBe(0)
    const url = /Created the test database sqlite:(\S+)/.exec(result.stdout)![1]!
    expect(() => execFileSync('test', ['-e', url])).toThrow()
  }, 120_000)
})
