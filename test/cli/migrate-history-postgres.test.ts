/**
 * Issue 6 acceptance on PostgreSQL: the same twelve model changes as on SQLite, in a schema of
 * the `test` database of its own, checked through information_schema and pg_catalog.
 */
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { afterAll, beforeAll, describe, it } from 'vitest'
import { backends, PG_URL } from '../db/backends.ts'
import { runHistory } from '../db/migrations/history.ts'
import { postgresInspector } from '../db/migrations/inspect.ts'
import { createProject } from '../db/migrations/project.ts'

const postgres = backends.find((b) => b.name === 'postgresql')!

describe.skipIf(!postgres.available)(`migrations history on postgresql ${postgres.reason}`, () => {
  const schema = `mig_history_${randomBytes(5).toString('hex')}`
  const project = createProject(['people', 'library'], `${PG_URL}?schema=${schema}`)
  const admin = new pg.Client({ connectionString: PG_URL })
  beforeAll(async () => {
    await admin.connect()
    await admin.query(`CREATE SCHEMA ${schema}`)
  })
  afterAll(async () => {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
    await admin.end()
    project.remove()
  })

  it('applies, checks and rolls back twelve model changes, keeping the data', async () => {
    const db = postgresInspector(PG_URL, schema)
    try {
      await runHistory(project, db, 'postgresql')
    } finally {
      await db.close()
    }
  }, 300_000)
})
