/**
 * The migration commands through main() with collecting streams: what makemigrations writes and
 * prints (--check, --dry-run, --empty, --name, prompts on stdin and their flags), migrate's
 * progress and rollback, showmigrations, sqlmigrate per backend, and the one-line errors with a
 * hint for an unknown app, an unknown migration, a missing database and a settings error.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { CommandContext } from '../../framework/cli/command.ts'
import { main } from '../../framework/cli/main.ts'
import { backends, PG_URL } from '../db/backends.ts'
import { createProject, type TestProject } from '../db/migrations/project.ts'

const projects: TestProject[] = []
afterAll(() => {
  for (const project of projects) project.remove()
})

function project(models: string, url?: string): TestProject {
  const created = createProject(['shop'], url)
  created.write('shop/models.ts', `import { defineModel, fields } from 'framework/db'\n${models}`)
  projects.push(created)
  return created
}

async function run(
  cwd: string,
  argv: string[],
  input = '',
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = { stdout: '', stderr: '' }
  const sink = (key: 'stdout' | 'stderr') => ({
    write(chunk: string | Uint8Array) {
      out[key] += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString()
      return true
    },
  })
  const ctx: CommandContext = {
    cwd,
    env: {},
    stdout: sink('stdout'),
    stderr: sink('stderr'),
    stdin: (async function* () {
      if (input) yield input
    })(),
  }
  const code = await main(argv, ctx)
  return { code, ...out }
}

// Written by hand where a test changes the models: a models.ts imported once stays cached in this process.
const initialShelf = `import { fields, migrations } from 'framework/db'
export default migrations.define({
  operations: [
    migrations.createModel({ name: 'Shelf', fields: { id: fields.auto(), label: fields.char({ maxLength: 20 }) } }),
  ],
})
`

const shelf = `export const Shelf = defineModel('Shelf', { label: fields.char({ maxLength: 20 }) }, { appLabel: 'shop' })\n`

describe('framework makemigrations', () => {
  it('writes the initial migration, then finds no changes', async () => {
    const p = project(shelf)
    const first = await run(p.dir, ['makemigrations'])
    expect(first).toMatchObject({ code: 0, stderr: '' })
    expect(first.stdout).toBe(
      "Migrations for 'shop':\n  shop/migrations/0001_initial.ts\n    - Create model Shelf\n",
    )
    expect(readFileSync(join(p.dir, 'shop/migrations/0001_initial.ts'), 'utf8')).toContain(
      "migrations.createModel({\n      name: 'Shelf',\n      fields: { id: fields.auto(), label: fields.char({ maxLength: 20 }) },\n    }),",
    )
    expect(await run(p.dir, ['makemigrations'])).toMatchObject({
      code: 0,
      stdout: 'No changes detected\n',
    })
    expect(await run(p.dir, ['makemigrations', '--check'])).toMatchObject({ code: 0 })
  })

  it('--check exits 1 and --dry-run prints the file, neither writes it', async () => {
    const p = project(shelf)
    const check = await run(p.dir, ['makemigrations', '--check'])
    expect(check.code).toBe(1)
    expect(check.stderr).toMatch(
      /^framework makemigrations: error: 1 migration\(s\) missing.*\nhint: run framework makemigrations/,
    )
    const dry = await run(p.dir, ['makemigrations', '--dry-run'])
    expect(dry.code).toBe(0)
    expect(dry.stdout).toContain('export default migrations.define({\n  dependencies: [],')
    expect(existsSync(join(p.dir, 'shop/migrations'))).toBe(false)
  })

  it('--empty --name writes a data migration skeleton that migrate applies', async () => {
    const p = project(shelf)
    await run(p.dir, ['makemigrations'])
    const empty = await run(p.dir, ['makemigrations', 'shop', '--empty', '--name', 'fill_labels'])
    expect(empty.stdout).toContain('shop/migrations/0002_fill_labels.ts')
    const text = readFileSync(join(p.dir, 'shop/migrations/0002_fill_labels.ts'), 'utf8')
    expect(text).toContain("dependencies: [['shop', '0001_initial']],")
    expect(text).toContain('// migrations.runSql(')
    const migrated = await run(p.dir, ['migrate'])
    expect(migrated.stdout).toContain(
      '  Applying shop.0001_initial... OK\n  Applying shop.0002_fill_labels... OK\n',
    )
  })

  it('asks on stdin whether a field was renamed, and for a value for a new non-null field', async () => {
    const p = project(
      `export const Shelf = defineModel('Shelf', { name: fields.char({ maxLength: 20 }), size: fields.integer() }, { appLabel: 'shop' })\n`,
    )
    p.write('shop/migrations/0001_initial.ts', initialShelf)
    const asked = await run(p.dir, ['makemigrations', '--dry-run'], 'y\n3\n')
    expect(asked.stdout).toContain('Was shop.Shelf.label renamed to shop.Shelf.name? [y/N] ')
    expect(asked.stdout).toContain('New field shop.Shelf.size is not null and has no default')
    expect(asked.stdout).toContain(
      "migrations.renameField({ model: 'Shelf', oldName: 'label', newName: 'name' }),",
    )
    expect(asked.stdout).toMatch(
      /migrations\.addField\(\{\s+model: 'Shelf',\s+name: 'size',\s+field: fields\.integer\(\),\s+oneOffDefault: 3,/,
    )
  })

  it('--noinput refuses a non-null field without --default, with the flag in the hint', async () => {
    const p = project(
      `export const Shelf = defineModel('Shelf', { label: fields.char({ maxLength: 20 }), size: fields.integer() }, { appLabel: 'shop' })\n`,
    )
    p.write('shop/migrations/0001_initial.ts', initialShelf)
    const refused = await run(p.dir, ['makemigrations', '--noinput'])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toBe(
      'framework makemigrations: error: migrations.E006: New field shop.Shelf.size is not null and has no default, so existing rows need a value\n' +
        'hint: give the field a default in the model, make it null: true, or pass --default size=VALUE (JSON or text)\n',
    )
    const given = await run(p.dir, ['makemigrations', '--noinput', '--default', 'Shelf.size=0'])
    expect(given.stdout).toContain('shop/migrations/0002_shelf_size.ts')
  })

  it('rejects bad flags and unknown apps in one line with a hint', async () => {
    const p = project(shelf)
    expect(await run(p.dir, ['makemigrations', '--rename', 'maybe'])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--rename must be yes or no.*\nhint: /),
    })
    expect(await run(p.dir, ['makemigrations', '--default', 'novalue'])).toMatchObject({ code: 2 })
    const unknown = await run(p.dir, ['makemigrations', 'nope'])
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toMatch(
      /^framework makemigrations: error: migrations\.E008: No installed app with label "nope" \(installed: shop\)\nhint: /,
    )
  })
})

describe('framework migrate, showmigrations, sqlmigrate', () => {
  it('applies, shows, rolls back to zero and names unknown targets', async () => {
    const p = project(shelf)
    await run(p.dir, ['makemigrations'])
    expect((await run(p.dir, ['showmigrations'])).stdout).toBe('shop\n [ ] 0001_initial\n')
    const plan = await run(p.dir, ['migrate', '--plan'])
    expect(plan.stdout).toContain('shop.0001_initial\n    Create model Shelf\n')
    expect((await run(p.dir, ['showmigrations'])).stdout).toBe('shop\n [ ] 0001_initial\n')
    expect((await run(p.dir, ['migrate'])).stdout).toBe(
      'Operations to perform:\n  Apply all migrations: shop\n  Applying shop.0001_initial... OK\n',
    )
    expect((await run(p.dir, ['showmigrations', 'shop'])).stdout).toBe('shop\n [X] 0001_initial\n')
    expect((await run(p.dir, ['migrate'])).stdout).toContain('No migrations to apply.')
    const missing = await run(p.dir, ['migrate', 'shop', '0009'])
    expect(missing).toMatchObject({ code: 1 })
    expect(missing.stderr).toMatch(
      /^framework migrate: error: migrations\.E008: App shop has no migration "0009" \(it has: 0001_initial\)\nhint: framework showmigrations shop lists them\n$/,
    )
    expect((await run(p.dir, ['migrate', 'nope'])).stderr).toMatch(
      /migrations\.E008: no installed app with label "nope"/,
    )
    expect((await run(p.dir, ['migrate', 'shop', 'zero'])).stdout).toContain(
      '  Unapplying shop.0001_initial... OK\n',
    )
    expect((await run(p.dir, ['showmigrations'])).stdout).toBe('shop\n [ ] 0001_initial\n')
  })

  it('sqlmigrate prints the SQLite statements forwards and backwards', async () => {
    const p = project(shelf)
    await run(p.dir, ['makemigrations'])
    const forwards = await run(p.dir, ['sqlmigrate', 'shop', '0001'])
    expect(forwards.stdout).toBe(
      '-- shop.0001_initial\nBEGIN;\nCREATE TABLE "shop_shelf" (\n  "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,\n  "label" varchar(20) NOT NULL\n);\nCOMMIT;\n',
    )
    expect((await run(p.dir, ['sqlmigrate', 'shop', '0001', '--backwards'])).stdout).toContain(
      'DROP TABLE "shop_shelf";',
    )
    expect(await run(p.dir, ['sqlmigrate', 'shop'])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(
        /missing APP or MIGRATION\nhint: framework sqlmigrate polls 0002/,
      ),
    })
  })

  it.skipIf(!backends[1]!.available)(
    'sqlmigrate prints the PostgreSQL statements for a PostgreSQL database',
    async () => {
      const p = project(shelf, `${PG_URL}?schema=public`)
      await run(p.dir, ['makemigrations'])
      expect((await run(p.dir, ['sqlmigrate', 'shop', '0001_initial'])).stdout).toContain(
        '"id" integer GENERATED BY DEFAULT AS IDENTITY NOT NULL PRIMARY KEY',
      )
    },
  )

  it('says which database is missing and how to create it', async () => {
    const p = project(shelf, 'postgres://postgres@127.0.0.1:5432/no_such_database_for_migrations')
    await run(p.dir, ['makemigrations'])
    const failed = await run(p.dir, ['migrate'])
    expect(failed.code).toBe(1)
    expect(failed.stderr).toMatch(
      /^framework migrate: error: cannot use the database: .*(no_such_database_for_migrations|ECONNREFUSED).*\nhint: check DATABASES .*createdb NAME.*\n$/,
    )
  })

  it('reports a settings error in one line', async () => {
    const p = project(shelf)
    p.write(
      'project/settings.ts',
      `import { defineSettings } from 'framework'\nexport const settings = defineSettings({ INSTALLED_APS: [] } as never, { env: {} })\n`,
    )
    const failed = await run(p.dir, ['migrate'])
    expect(failed.code).toBe(1)
    expect(failed.stderr).toMatch(
      /^framework migrate: error: settings error in project\/settings\.ts: .*INSTALLED_APS.*\nhint: /,
    )
    expect(readdirSync(p.dir)).not.toContain('db.sqlite3')
  })
})

describe('framework migrate with model changes no migration holds', () => {
  it('applies what exists and says that the rest needs makemigrations', async () => {
    const p = project(
      `export const Shelf = defineModel('Shelf', { label: fields.char({ maxLength: 20 }), size: fields.integer() }, { appLabel: 'shop' })\n`,
    )
    p.write('shop/migrations/0001_initial.ts', initialShelf)
    const migrated = await run(p.dir, ['migrate'])
    expect(migrated.code).toBe(0)
    expect(migrated.stdout).toContain(
      "  Applying shop.0001_initial... OK\n  Your models in app(s): 'shop' have changes that are not yet reflected in a migration, and so won't be applied.\n  Run 'framework makemigrations' to make new migrations, and then re-run 'framework migrate' to apply them.\n",
    )
  })
})
