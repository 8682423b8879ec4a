/**
 * createTestDatabase(): a fresh database (SQLite file, or PostgreSQL schema) built by running the
 * migrations, not by creating tables from the models, so a broken migration fails it; destroy()
 * removes it.
 */
import { existsSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import pg from 'pg'
import { closeConnections, getConnection } from '../../../framework/db/index.ts'
import { createTestDatabase } from '../../../framework/testing/index.ts'
import { backends, PG_URL } from '../backends.ts'
import { createProject, type TestProject } from './project.ts'

const migrationText = (operations: string) => `import { fields, migrations } from 'framework/db'
export default migrations.define({ operations: [${operations}] })
`
const createNote =
  "migrations.createModel({ name: 'Note', fields: { id: fields.auto(), text: fields.text() } })"

const projects: TestProject[] = []
afterAll(async () => {
  await closeConnections()
  for (const project of projects) project.remove()
})

function app(label: string, operations: string): { label: string; migrationsPath: string } {
  const project = createProject([label])
  projects.push(project)
  project.write(`${label}/migrations/0001_initial.ts`, migrationText(operations))
  return { label, migrationsPath: `${project.dir}/${label}/migrations` }
}

const urls = { sqlite: 'sqlite:unused.sqlite3', postgresql: PG_URL }

describe.each(backends)('createTestDatabase on $name', (backend) => {
  it.skipIf(!backend.available)(
    `runs the migrations into a database of its own ${backend.reason}`,
    async () => {
      const notes = app('notes', createNote)
      const db = await createTestDatabase({ DATABASES: { default: { URL: urls[backend.name] } } }, [
        notes,
      ])
      const connection = getConnection()
      await connection.execute(
        sql`INSERT INTO notes_note (text) VALUES ('hi')`.compile(connection.backend.kysely),
      )
      const rows = await connection.execute(
        sql`SELECT app, name FROM framework_migrations`.compile(connection.backend.kysely),
      )
      expect(rows.rows).toEqual([{ app: 'notes', name: '0001_initial' }])
      await db.destroy()
      if (backend.name === 'sqlite') expect(existsSync(db.url.slice('sqlite:'.length))).toBe(false)
      else {
        const schema = new URL(db.url).searchParams.get('schema')!
        expect(schema).toMatch(/^test_[0-9a-f]{12}$/)
        const client = new pg.Client({ connectionString: PG_URL })
        await client.connect()
        const left = await client.query(
          'SELECT 1 FROM information_schema.schemata WHERE schema_name = $1',
          [schema],
        )
        await client.end()
        expect(left.rowCount).toBe(0)
      }
    },
  )

  it.skipIf(!backend.available)('fails when a migration is broken', async () => {
    const broken = app(
      'broken',
      `${createNote.replace("'Note'", "'Memo'")}, migrations.runSql({ sql: 'SELECT * FROM missing_table' })`,
    )
    await expect(
      createTestDatabase({ DATABASES: { default: { URL: urls[backend.name] } } }, [broken]),
    ).rejects.toMatchObject({
      code: 'migrations.E007',
      message: expect.stringMatching(/broken\.0001_initial failed at operation 2/),
    })
  })
})
