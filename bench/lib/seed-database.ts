/**
 * @module Creates the SQLite file every configuration reads for W3: table `bench_row` with 1000
 * rows whose names need escaping (`<`, `&`, `"`), so the templates' autoescape does real work;
 * and the empty tables W4 writes (entries, sessions).
 */
import { closeConnections, configureDatabases, createTables } from '../../framework/db/index.ts'
import { Session } from '../../framework/contrib/sessions/index.ts'
import { Entry, Row } from '../apps/framework/models.ts'

/** The rows W3 lists: `votes >= 50 ORDER BY id LIMIT 20` (the same query everywhere). */
export const W3_QUERY = { minVotes: 50, limit: 20 } as const

/** Writes the database to `file` (which must not exist yet) and closes the connection. */
export async function seedDatabase(file: string): Promise<void> {
  await configureDatabases({ default: `sqlite:${file}` })
  try {
    await createTables([Row, Entry, Session])
    await Row.objects.bulkCreate(
      Array.from(
        { length: 1000 },
        (_, i) =>
          new Row({
            name: `Row #${i} <b>& "friends"</b>`,
            votes: (i * 37) % 100,
            createdAt: new Date(Date.UTC(2025, 0, 1) + i * 60_000),
          }),
      ),
    )
  } finally {
    await closeConnections()
  }
}
