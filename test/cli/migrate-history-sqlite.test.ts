/**
 * Issue 6 acceptance on SQLite: twelve model changes, each through `framework makemigrations`
 * and `framework migrate` as real processes, with the live schema (PRAGMA) and the rows checked
 * after each; then back to a middle migration, to zero, and forward again.
 */
import { join } from 'node:path'
import { afterAll, describe, it } from 'vitest'
import { runHistory } from '../db/migrations/history.ts'
import { sqliteInspector } from '../db/migrations/inspect.ts'
import { createProject } from '../db/migrations/project.ts'

describe('migrations history on sqlite', () => {
  // Relative: the CLI runs in the project folder, so the file lands there.
  const project = createProject(['people', 'library'], 'sqlite:db.sqlite3')
  afterAll(() => project.remove())

  it('applies, checks and rolls back twelve model changes, keeping the data', async () => {
    await runHistory(project, sqliteInspector(join(project.dir, 'db.sqlite3')), 'sqlite')
  }, 300_000)
})
