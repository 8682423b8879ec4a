/**
 * @module The scripted model history of issue 6's acceptance, run against one backend: twelve
 * model changes, each followed by `framework makemigrations` and `framework migrate` as real
 * processes, then checks of the live schema and of the rows written before the change; then a
 * partial rollback, a rollback to zero and forward again.
 */
import { expect } from 'vitest'
import type { Inspector } from './inspect.ts'
import type { TestProject } from './project.ts'

const people = `import { defineModel, fields } from 'framework/db'
export const Author = defineModel('Author', { name: fields.char({ maxLength: 50 }) }, { appLabel: 'people' })
`

/** The library app's models.ts at each step. */
function library(step: number): string {
  const lines = [`import { defineModel, fields } from 'framework/db'`]
  if (step >= 7) lines.push(`import { Author } from '../people/models.ts'`)
  const name = step >= 6 ? 'Volume' : 'Book'
  const body: string[] = []
  body.push(
    step >= 5
      ? `  name: fields.char({ maxLength: ${step >= 4 ? 200 : 100} }),`
      : `  title: fields.char({ maxLength: ${step >= 4 ? 200 : 100} }),`,
  )
  if (step >= 2 && step < 11)
    body.push(`  pages: fields.${step >= 4 ? 'bigInteger' : 'integer'}({ default: 0 }),`)
  if (step >= 3) body.push(`  isbn: fields.char({ maxLength: 20 }),`)
  if (step >= 7)
    body.push(`  author: fields.foreignKey(() => Author, { onDelete: 'SET_NULL', null: true }),`)
  if (step >= 8 && step < 12) body.push(`  tags: fields.manyToMany(() => Tag),`)
  const meta: string[] = [`appLabel: 'library'`]
  if (step >= 9 && step < 11)
    meta.push(`indexes: [{ name: 'library_pages_idx', fields: ['pages'] }]`)
  if (step >= 10)
    meta.push(`constraints: [{ type: 'unique', name: 'library_isbn_once', fields: ['isbn'] }]`)
  if (step >= 8 && step < 12)
    lines.push(
      `export const Tag = defineModel('Tag', { label: fields.char({ maxLength: 30 }) }, { appLabel: 'library' })`,
    )
  lines.push(
    `export const ${name} = defineModel('${name}', {\n${body.join('\n')}\n}, { ${meta.join(', ')} })`,
  )
  return `${lines.join('\n')}\n`
}

/** One step: what changes, the flags makemigrations needs, what it must print, and the checks after migrate. */
interface Step {
  readonly title: string
  readonly flags?: readonly string[]
  readonly expect: RegExp
  readonly before?: (db: Inspector) => Promise<void>
  readonly check: (db: Inspector, vendor: 'sqlite' | 'postgresql') => Promise<void>
}

const varchar = (n: number) => new RegExp(`^(varchar|character varying)\\(${n}\\)$`)

const steps: Step[] = [
  {
    title: '1 create models in two apps',
    expect:
      /Create model Book[\s\S]*Create model Author|Create model Author[\s\S]*Create model Book/,
    check: async (db) => {
      expect(await db.tables()).toEqual(
        expect.arrayContaining(['library_book', 'people_author', 'framework_migrations']),
      )
      expect((await db.columns('library_book')).title).toMatch(varchar(100))
      await db.exec(`INSERT INTO library_book (title) VALUES ('Dune'), ('Emma')`)
      await db.exec(`INSERT INTO people_author (name) VALUES ('Herbert')`)
    },
  },
  {
    title: '2 add a field with a default',
    expect: /Add field pages to Book/,
    check: async (db) => {
      expect(await db.rows('SELECT title, pages FROM library_book ORDER BY id')).toEqual([
        { title: 'Dune', pages: 0 },
        { title: 'Emma', pages: 0 },
      ])
      expect(await db.nullable('library_book')).not.toContain('pages')
    },
  },
  {
    title: '3 add a non-null field without a default (one-off value from --default)',
    flags: ['--default', 'isbn=unknown'],
    expect: /Add field isbn to Book/,
    check: async (db) => {
      expect((await db.rows('SELECT isbn FROM library_book')).map((r) => r.isbn)).toEqual([
        'unknown',
        'unknown',
      ])
      expect(await db.nullable('library_book')).not.toContain('isbn')
    },
  },
  {
    title: '4 alter types (varchar 100 -> 200, integer -> bigint)',
    expect:
      /Alter field title on Book[\s\S]*Alter field pages on Book|Alter field pages on Book[\s\S]*Alter field title on Book/,
    before: async (db) => db.exec(`UPDATE library_book SET pages = 412 WHERE title = 'Dune'`),
    check: async (db) => {
      const columns = await db.columns('library_book')
      expect(columns.title).toMatch(varchar(200))
      expect(columns.pages).toBe('bigint')
      // CAST: pg hands bigint back as text.
      expect(
        await db.rows(
          'SELECT title, CAST(pages AS integer) AS pages FROM library_book ORDER BY id',
        ),
      ).toEqual([
        { title: 'Dune', pages: 412 },
        { title: 'Emma', pages: 0 },
      ])
    },
  },
  {
    title: '5 rename a field (the column keeps its values)',
    flags: ['--rename', 'yes'],
    expect: /Rename field title on Book to name/,
    check: async (db) => {
      const columns = await db.columns('library_book')
      expect(columns).not.toHaveProperty('title')
      expect(columns.name).toMatch(varchar(200))
      expect(
        (await db.rows('SELECT name FROM library_book ORDER BY id')).map((r) => r.name),
      ).toEqual(['Dune', 'Emma'])
    },
  },
  {
    title: '6 rename a model (the table follows, rows kept)',
    flags: ['--rename', 'yes'],
    expect: /Rename model Book to Volume/,
    check: async (db) => {
      const tables = await db.tables()
      expect(tables).toContain('library_volume')
      expect(tables).not.toContain('library_book')
      expect(
        (await db.rows('SELECT name, isbn FROM library_volume ORDER BY id')).map((r) => r.name),
      ).toEqual(['Dune', 'Emma'])
    },
  },
  {
    title: '7 add a foreign key to another app (dependency written)',
    expect: /Add field author to Volume/,
    check: async (db) => {
      expect(await db.foreignKeys('library_volume')).toEqual(['author_id -> people_author.id'])
      expect(await db.indexes('library_volume')).toContain('library_volume_author_id_idx')
      await db.exec(
        `UPDATE library_volume SET author_id = (SELECT id FROM people_author) WHERE name = 'Dune'`,
      )
    },
  },
  {
    title: '8 add a model and a many-to-many field',
    expect: /Create model Tag[\s\S]*Add field tags to Volume/,
    check: async (db) => {
      expect(await db.columns('library_volume_tags')).toEqual({
        id: 'integer',
        volume_id: 'integer',
        tag_id: 'integer',
      })
      expect(await db.foreignKeys('library_volume_tags')).toEqual([
        'tag_id -> library_tag.id',
        'volume_id -> library_volume.id',
      ])
      await db.exec(`INSERT INTO library_tag (label) VALUES ('classic')`)
      await db.exec(
        `INSERT INTO library_volume_tags (volume_id, tag_id) SELECT v.id, t.id FROM library_volume v, library_tag t`,
      )
      expect(await db.rows("SELECT author_id FROM library_volume WHERE name = 'Dune'")).toEqual([
        { author_id: 1 },
      ])
    },
  },
  {
    title: '9 add an index',
    expect: /Create index library_pages_idx on Volume/,
    check: async (db) => {
      expect(await db.indexes('library_volume')).toContain('library_pages_idx')
    },
  },
  {
    title: '10 add a unique constraint',
    expect: /Create constraint library_isbn_once on Volume/,
    before: async (db) => db.exec(`UPDATE library_volume SET isbn = name`),
    check: async (db) => {
      expect(await db.uniqueColumnSets('library_volume')).toContain('isbn')
      await expect(
        db.exec(`INSERT INTO library_volume (name, pages, isbn) VALUES ('Copy', 1, 'Dune')`),
      ).rejects.toThrow(/unique/i)
      expect(await db.indexes('library_volume')).toContain('library_pages_idx')
    },
  },
  {
    title: '11 remove a field (its index goes with it)',
    expect: /Remove index library_pages_idx from Volume[\s\S]*Remove field pages from Volume/,
    check: async (db) => {
      expect(await db.columns('library_volume')).not.toHaveProperty('pages')
      expect(await db.indexes('library_volume')).not.toContain('library_pages_idx')
      expect(await db.rows('SELECT name, isbn, author_id FROM library_volume ORDER BY id')).toEqual(
        [
          { name: 'Dune', isbn: 'Dune', author_id: 1 },
          { name: 'Emma', isbn: 'Emma', author_id: null },
        ],
      )
      expect(await db.uniqueColumnSets('library_volume')).toContain('isbn')
    },
  },
  {
    title: '12 delete a model (and the many-to-many field to it)',
    expect: /Remove field tags from Volume[\s\S]*Delete model Tag/,
    check: async (db) => {
      const tables = await db.tables()
      expect(tables).not.toContain('library_tag')
      expect(tables).not.toContain('library_volume_tags')
      expect(
        (await db.rows('SELECT name FROM library_volume ORDER BY id')).map((r) => r.name),
      ).toEqual(['Dune', 'Emma'])
    },
  },
]

async function snapshot(db: Inspector): Promise<unknown> {
  const out: Record<string, unknown> = {}
  for (const table of await db.tables()) {
    if (table === 'framework_migrations') continue
    out[table] = {
      columns: await db.columns(table),
      nullable: (await db.nullable(table)).sort(),
      indexes: await db.indexes(table),
      foreignKeys: await db.foreignKeys(table),
      unique: await db.uniqueColumnSets(table),
    }
  }
  return out
}

function run(project: TestProject, args: readonly string[]): string {
  const result = project.cli(args)
  if (result.code !== 0)
    throw new Error(
      `framework ${args.join(' ')} exited ${result.code}\n${result.stdout}\n${result.stderr}`,
    )
  return result.stdout
}

/** Runs the whole history on `project` (whose DATABASE_URL `db` inspects). */
export async function runHistory(
  project: TestProject,
  db: Inspector,
  vendor: 'sqlite' | 'postgresql',
): Promise<void> {
  project.write('people/models.ts', people)
  for (const [index, step] of steps.entries()) {
    await step.before?.(db)
    project.write('library/models.ts', library(index + 1))
    // One process per step (the models change between steps): makemigrations, migrate, and
    // makemigrations again, which must find nothing (idempotent).
    const [made, migrated, again] = project.commands([
      ['makemigrations', '--noinput', ...(step.flags ?? [])],
      ['migrate'],
      ['makemigrations', '--noinput'],
    ])
    for (const result of [made!, migrated!, again!])
      expect(result.code, `${step.title}\n${result.stdout}\n${result.stderr}`).toBe(0)
    expect(made!.stdout, step.title).toMatch(step.expect)
    expect(migrated!.stdout, step.title).toMatch(/ OK\n$/)
    expect(again!.stdout, step.title).toBe('No changes detected\n')
    await step.check(db, vendor)
  }
  const latest = await snapshot(db)

  // Back to before the field rename: the column is `title` again, with its values.
  const back = run(project, ['migrate', 'library', '0004'])
  expect(back).toMatch(/Unapplying library\.0012_[\s\S]*Unapplying library\.0005_/)
  expect(await db.columns('library_book')).toHaveProperty('title')
  expect(await db.rows('SELECT title, isbn FROM library_book ORDER BY id')).toEqual([
    { title: 'Dune', isbn: 'Dune' },
    { title: 'Emma', isbn: 'Emma' },
  ])
  run(project, ['migrate'])
  expect(await snapshot(db)).toEqual(latest)
  expect((await db.rows('SELECT name FROM library_volume ORDER BY id')).map((r) => r.name)).toEqual(
    ['Dune', 'Emma'],
  )

  // Zero (people's rollback also unapplies library's migrations that depend on it), then forward.
  run(project, ['migrate', 'people', 'zero'])
  run(project, ['migrate', 'library', 'zero'])
  expect(await db.tables()).toEqual(['framework_migrations'])
  expect(await db.rows('SELECT app, name FROM framework_migrations')).toEqual([])
  run(project, ['migrate'])
  expect(await snapshot(db)).toEqual(latest)
  const shown = run(project, ['showmigrations'])
  expect(shown).not.toContain('[ ]')
  expect(shown.match(/\[X\]/g)).toHaveLength(13)
}
