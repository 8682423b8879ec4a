/**
 * `framework dumpdata` and `framework loaddata`: Django's JSON fixture format both ways (foreign
 * keys, datetimes, many-to-many), loaddata all-or-nothing, and the one-line errors for an
 * unknown app or model, a missing database and a missing table.
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTables, getApps, setup, type AnyModelClass } from '../../framework/db/index.ts'
import { makeProject, repo, run } from './project-fixture.ts'

const dir = makeProject()
const noDatabase = makeProject()
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
  rmSync(noDatabase, { recursive: true, force: true })
})

const fixture = [
  { model: 'shop.tag', pk: 1, fields: { name: 'new' } },
  { model: 'shop.tag', pk: 2, fields: { name: 'sale' } },
  { model: 'shop.item', pk: 10, fields: { category: 5, name: 'Lamp', addedAt: '2026-01-02T03:04:05.000Z', tags: [1, 2] } },
  { model: 'shop.category', pk: 5, fields: { name: 'Home' } },
]

beforeAll(async () => {
  const { settings } = await import(join(dir, 'project/settings.ts'))
  await setup(settings, { cwd: dir })
  await createTables(getApps().models() as unknown as AnyModelClass[])
})

describe('loaddata then dumpdata', () => {
  it('loads a fixture (targets of foreign keys first, whatever the file order) and dumps it back', async () => {
    writeFileSync(join(dir, 'shop.json'), JSON.stringify(fixture))
    const loaded = await run(dir, 'loaddata', 'shop.json')
    expect([loaded.code, loaded.stdout, loaded.stderr]).toEqual([0, 'Installed 4 object(s) from 1 fixture(s)\n', ''])
    const dumped = await run(dir, 'dumpdata', 'shop')
    expect(dumped.code).toBe(0)
    expect(JSON.parse(dumped.stdout)).toEqual([
      { model: 'shop.tag', pk: 1, fields: { name: 'new' } },
      { model: 'shop.tag', pk: 2, fields: { name: 'sale' } },
      { model: 'shop.category', pk: 5, fields: { name: 'Home' } },
      { model: 'shop.item', pk: 10, fields: { category: 5, name: 'Lamp', addedAt: '2026-01-02T03:04:05.000Z', tags: [1, 2] } },
    ])
  })

  it('dumps one model with --indent, and updates rows whose pk exists on a second load', async () => {
    writeFileSync(join(dir, 'rename.json'), JSON.stringify([{ model: 'shop.Category', pk: 5, fields: { name: 'House' } }]))
    expect((await run(dir, 'loaddata', 'rename.json')).code).toBe(0)
    const dumped = await run(dir, 'dumpdata', 'shop.Category', '--indent', '2')
    expect(dumped.stdout).toBe('[\n  {\n    "model": "shop.category",\n    "pk": 5,\n    "fields": {\n      "name": "House"\n    }\n  }\n]\n')
  })

  it('writes nothing when one entry of the fixture is bad (one transaction), naming the entry', async () => {
    const bad = [
      { model: 'shop.category', pk: 6, fields: { name: 'Garden' } },
      { model: 'shop.item', pk: 11, fields: { category: 999, name: 'Rake', addedAt: '2026-01-02T00:00:00Z' } },
    ]
    writeFileSync(join(dir, 'bad.json'), JSON.stringify(bad))
    const result = await run(dir, 'loaddata', 'bad.json')
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/^framework loaddata: error: bad.json, entry 1 \(shop.Item\): .*FOREIGN KEY/)
    expect(result.stderr).toContain('hint: fix that entry; nothing was written')
    const categories = JSON.parse((await run(dir, 'dumpdata', 'shop.category')).stdout)
    expect(categories.map((c: { pk: number }) => c.pk)).toEqual([5])
  })

  it.each([
    ['[{"model": "shop.nope", "pk": 1, "fields": {}}]', /entry 0: app "shop" has no model "nope"/],
    ['[{"model": "shop.tag", "pk": 1, "fields": {"colour": "red"}}]', /entry 0: Tag has no field "colour"/],
    ['[{"model": "shop.item", "pk": 1, "fields": {"addedAt": "yesterday"}}]', /addedAt: "yesterday" is not a valid DateTimeField/],
    ['{"model": "shop.tag"}', /is not a fixture: the top level must be a JSON array/],
    ['[{"model": "shop.tag",', /is not valid JSON/],
  ])('refuses the fixture %s with one line and a hint', async (text, reason) => {
    writeFileSync(join(dir, 'wrong.json'), text)
    const result = await run(dir, 'loaddata', 'wrong.json')
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(reason)
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(2)
    expect(result.stderr).toMatch(/\nhint: /)
  })
})

describe('one-line errors', () => {
  it('names an unknown app and lists the installed ones', async () => {
    const result = await run(dir, 'dumpdata', 'blog')
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: 'framework dumpdata: error: unknown app "blog" in "blog"\nhint: installed apps: shop (add it to INSTALLED_APPS if it is yours)\n',
    })
  })

  it('names an unknown model of an installed app', async () => {
    const result = await run(dir, 'dumpdata', 'shop.Nope')
    expect(result.stderr).toBe('framework dumpdata: error: app "shop" has no model "Nope"\nhint: its models: Tag, Category, Item\n')
  })

  it('says the database does not exist rather than creating an empty one', async () => {
    const result = await run(noDatabase, 'dumpdata')
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/^framework dumpdata: error: database "default" does not exist: no file .*db.sqlite3\nhint: run 'framework migrate' first/)
    expect(existsSync(join(noDatabase, 'db.sqlite3'))).toBe(false)
  })

  it('says a PostgreSQL database does not exist and how to create it', async () => {
    const pg = makeProject({
      'project/settings.ts': `import { defineSettings } from '${repo}/framework/index.ts'
export const settings = defineSettings({ SECRET_KEY: 'k', ROOT_URLCONF: 'project/urls.ts', INSTALLED_APPS: ['shop'],
  DATABASES: { default: { URL: 'postgres://postgres@127.0.0.1:5432/cli_fixture_missing_db' } } }, { env: {} })
`,
    })
    try {
      const result = await run(pg, 'dumpdata', 'shop')
      expect(result.code).toBe(1)
      expect(result.stderr).toBe(
        'framework dumpdata: error: cannot connect to database "default": database "cli_fixture_missing_db" does not exist\nhint: create it (createdb cli_fixture_missing_db) then run \'framework migrate\'\n',
      )
    } finally {
      rmSync(pg, { recursive: true, force: true })
    }
  })

  it('says which table is missing and to run migrate', async () => {
    writeFileSync(join(noDatabase, 'db.sqlite3'), '')
    const result = await run(noDatabase, 'dumpdata', 'shop')
    expect(result.stderr).toBe("framework dumpdata: error: the database has no table shop_tag\nhint: run 'framework migrate' to create the tables of the installed apps\n")
  })

  it('refuses loaddata without a file (usage error, exit 2)', async () => {
    const result = await run(dir, 'loaddata')
    expect([result.code, result.stderr]).toEqual([2, 'framework loaddata: error: no fixture file given\nhint: framework loaddata polls.json (make one with framework dumpdata polls)\n'])
  })
})
