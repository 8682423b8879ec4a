/**
 * squashmigrations: one file with the run's operations (addField folded into its createModel)
 * and `replaces`; a new database runs only it, a database part-way through the old files
 * finishes them, and either way the squashed migration then counts as applied.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { CommandContext } from '../../../framework/cli/command.ts'
import { main } from '../../../framework/cli/main.ts'
import { createProject, type TestProject } from './project.ts'

const projects: TestProject[] = []
afterAll(() => {
  for (const project of projects) project.remove()
})

const files: Record<string, string> = {
  '0001_initial': `migrations.createModel({ name: 'Shelf', fields: { id: fields.auto(), label: fields.char({ maxLength: 20 }) } })`,
  '0002_shelf_size': `migrations.addField({ model: 'Shelf', name: 'size', field: fields.integer({ default: 0 }) })`,
  '0003_box': `migrations.createModel({ name: 'Box', fields: { id: fields.auto(), shelf: fields.foreignKey(() => 'shop.Shelf', { onDelete: 'CASCADE' }) } })`,
}

function shop(): TestProject {
  const project = createProject(['shop'])
  projects.push(project)
  project.write(
    'shop/models.ts',
    `import { defineModel, fields } from 'framework/db'
export const Shelf = defineModel('Shelf', { label: fields.char({ maxLength: 20 }), size: fields.integer({ default: 0 }) }, { appLabel: 'shop' })
export const Box = defineModel('Box', { shelf: fields.foreignKey(() => Shelf, { onDelete: 'CASCADE' }) }, { appLabel: 'shop' })
`,
  )
  let previous: string | undefined
  for (const [name, operation] of Object.entries(files)) {
    project.write(
      `shop/migrations/${name}.ts`,
      `import { fields, migrations } from 'framework/db'
export default migrations.define({
  dependencies: ${JSON.stringify(previous ? [['shop', previous]] : [])},
  operations: [${operation}],
})
`,
    )
    previous = name
  }
  return project
}

async function run(cwd: string, ...argv: string[]): Promise<string> {
  let stdout = ''
  let stderr = ''
  const ctx: CommandContext = {
    cwd,
    env: {},
    stdout: { write: (chunk) => ((stdout += String(chunk)), true) },
    stderr: { write: (chunk) => ((stderr += String(chunk)), true) },
    stdin: (async function* () {})(),
  }
  const code = await main(argv, ctx)
  if (code !== 0) throw new Error(`framework ${argv.join(' ')} exited ${code}: ${stderr}`)
  return stdout
}

describe('framework squashmigrations', () => {
  it('writes one migration that replaces the run, and a new database runs only it', async () => {
    const p = shop()
    const out = await run(p.dir, 'squashmigrations', 'shop', '0003')
    expect(out).toBe(
      "Squashed 3 migrations of 'shop' (0001_initial, 0002_shelf_size, 0003_box) into:\n  shop/migrations/0001_squashed_0003_box.ts\n    - Create model Shelf\n    - Create model Box\n",
    )
    const text = readFileSync(join(p.dir, 'shop/migrations/0001_squashed_0003_box.ts'), 'utf8')
    expect(text).toContain(
      "  replaces: [\n    ['shop', '0001_initial'],\n    ['shop', '0002_shelf_size'],\n    ['shop', '0003_box'],\n  ],\n",
    )
    expect(text).toContain('size: fields.integer({ default: 0 })')
    expect(await run(p.dir, 'migrate')).toContain('  Applying shop.0001_squashed_0003_box... OK\n')
    expect(await run(p.dir, 'showmigrations')).toBe('shop\n [X] 0001_squashed_0003_box\n')
    expect(await run(p.dir, 'makemigrations', '--noinput')).toBe('No changes detected\n')
    expect(await run(p.dir, 'migrate', 'shop', 'zero')).toContain(
      '  Unapplying shop.0001_squashed_0003_box... OK\n',
    )
    expect(await run(p.dir, 'showmigrations')).toBe('shop\n [ ] 0001_squashed_0003_box\n')
  })

  it('lets a database part-way through the replaced migrations finish them, then counts the squash as applied', async () => {
    const p = shop()
    expect(await run(p.dir, 'migrate', 'shop', '0001')).toContain(
      'Applying shop.0001_initial... OK',
    )
    await run(p.dir, 'squashmigrations', 'shop', '0003')
    const rest = await run(p.dir, 'migrate')
    expect(rest).toContain(
      '  Applying shop.0002_shelf_size... OK\n  Applying shop.0003_box... OK\n',
    )
    expect(rest).not.toContain('squashed')
    expect(await run(p.dir, 'showmigrations')).toBe('shop\n [X] 0001_squashed_0003_box\n')
    expect(await run(p.dir, 'migrate')).toContain('No migrations to apply.')
  })
})
