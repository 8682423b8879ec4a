/**
 * The SQLite backend's idle-connection path (queries run synchronously when no one holds the
 * connection): it must still wait for another context's transaction, still report every query
 * (failed ones too), and leave kysely's own paths (streams, transactions) working.
 */
import { sql } from 'kysely'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { atomic, getConnection, onQuery } from '../../framework/db/index.ts'
import { createModelTables, openTestDatabase, truncate, type TestDatabase } from './backends.ts'
import { Question, pollModels } from './models.ts'

const make = (text: string): Promise<unknown> =>
  Question.objects.create({ questionText: text, pubDate: new Date() })
const names = async (): Promise<unknown[]> =>
  Question.objects.orderBy('questionText').valuesList(['questionText'], { flat: true }).list()

describe('SQLite queries on an idle connection', () => {
  let database: TestDatabase | undefined
  beforeAll(async () => {
    database = await openTestDatabase('sqlite')
    await createModelTables(pollModels)
  })
  afterAll(async () => {
    await database?.dispose()
  })
  beforeEach(async () => {
    await truncate(pollModels)
  })

  it("wait for another context's transaction instead of reading its uncommitted rows", async () => {
    let inserted!: () => void
    const insertedRow = new Promise<void>((resolve) => (inserted = resolve))
    let finish!: () => void
    const finishing = new Promise<void>((resolve) => (finish = resolve))
    const transaction = atomic(async () => {
      await make('rolled back')
      inserted()
      await finishing
      throw new Error('roll it back')
    })
    await insertedRow
    // This context is outside the transaction, on the same (only) SQLite connection.
    const outside = names()
    finish()
    await expect(transaction).rejects.toThrow('roll it back')
    expect(await outside).toEqual([])
  })

  it('report every query to onQuery listeners, failed ones included', async () => {
    const seen: string[] = []
    const stop = onQuery((event) => seen.push(event.sql))
    try {
      await Question.objects.filter({ questionText: 'x' }).count()
      const connection = getConnection()
      await expect(
        connection.execute(sql`SELECT * FROM no_such_table`.compile(connection.backend.kysely)),
      ).rejects.toThrow(/no such table/)
    } finally {
      stop()
    }
    expect(seen).toHaveLength(2)
    expect(seen[0]).toMatch(/^select count/i)
    expect(seen[1]).toBe('SELECT * FROM no_such_table')
  })

  it("read the same instances through kysely's path (a transaction) as when idle", async () => {
    await make('a')
    await make('b')
    const fields = (list: { id: number; questionText: string; pubDate: Date }[]) =>
      list.map((q) => [q.id, q.questionText, q.pubDate.toISOString()])
    const idle = await Question.objects.orderBy('id').list()
    const inTransaction = await atomic(() => Question.objects.orderBy('id').list())
    expect(idle[0]?.pubDate).toBeInstanceOf(Date)
    expect(fields(inTransaction)).toEqual(fields(idle))
    expect(fields(idle).map(([, text]) => text)).toEqual(['a', 'b'])
  })

  it("leave kysely's streams and transactions working", async () => {
    await make('a')
    await make('b')
    const db = getConnection().backend.kysely
    const streamed: unknown[] = []
    for await (const row of db
      .selectFrom('polls_question')
      .select('question_text')
      .orderBy('question_text')
      .stream())
      streamed.push(row.question_text)
    expect(streamed).toEqual(['a', 'b'])
    await db.transaction().execute(async (trx) => {
      await trx.deleteFrom('polls_question').where('question_text', '=', 'a').execute()
    })
    expect(await names()).toEqual(['b'])
  })
})
