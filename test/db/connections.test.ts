/**
 * Connections: DATABASES parsing with clear errors, SQLite pragmas (WAL, foreign keys, busy
 * timeout), several aliases side by side, and query events.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { afterAll, describe, expect, it } from 'vitest'
import {
  ConnectionError,
  closeConnections,
  configureDatabases,
  getConnection,
  onQuery,
  parseDatabaseUrl,
} from '../../framework/db/index.ts'
import { Question, pollModels } from './models.ts'
import { createModelTables } from './backends.ts'

const dir = mkdtempSync(join(tmpdir(), 'orm-conn-'))
afterAll(async () => {
  await closeConnections()
  rmSync(dir, { recursive: true, force: true })
})

describe('parseDatabaseUrl', () => {
  it('reads SQLite and PostgreSQL URLs', () => {
    expect(parseDatabaseUrl('sqlite:db.sqlite3')).toEqual({
      vendor: 'sqlite',
      filename: 'db.sqlite3',
    })
    expect(parseDatabaseUrl('sqlite::memory:')).toEqual({ vendor: 'sqlite', filename: ':memory:' })
    expect(parseDatabaseUrl('sqlite:///var/db.sqlite3')).toEqual({
      vendor: 'sqlite',
      filename: '/var/db.sqlite3',
    })
    expect(parseDatabaseUrl('postgres://u@h:5432/n')).toEqual({
      vendor: 'postgresql',
      url: 'postgres://u@h:5432/n',
    })
  })

  it('rejects unknown schemes and empty paths with a coded error that shows the fix', () => {
    expect(() => parseDatabaseUrl('mysql://x')).toThrow(ConnectionError)
    expect(() => parseDatabaseUrl('mysql://x')).toThrow(/sqlite:<file> or postgres:/)
    expect(() => parseDatabaseUrl('sqlite:')).toThrow(/names no file/)
  })
})

describe('connections', () => {
  it('names the known aliases when an unknown one is used', async () => {
    await configureDatabases({ default: `sqlite:${join(dir, 'a.sqlite3')}` })
    expect(() => getConnection('nope')).toThrow(/"nope" is not configured/)
  })

  it('opens SQLite with WAL, foreign keys on and a short busy timeout', async () => {
    await configureDatabases({ default: { URL: `sqlite:${join(dir, 'a.sqlite3')}` } })
    const db = getConnection().backend.kysely
    const mode = await sql<{ journal_mode: string }>`PRAGMA journal_mode`.execute(db)
    const fk = await sql<{ foreign_keys: number }>`PRAGMA foreign_keys`.execute(db)
    const timeout = await sql<{ timeout: number }>`PRAGMA busy_timeout`.execute(db)
    expect(mode.rows[0]?.journal_mode).toBe('wal')
    expect(fk.rows[0]?.foreign_keys).toBe(1)
    expect(timeout.rows[0]?.timeout).toBeLessThanOrEqual(100)
  })

  it('keeps several aliases apart (multiple databases)', async () => {
    await configureDatabases({
      default: `sqlite:${join(dir, 'one.sqlite3')}`,
      other: `sqlite:${join(dir, 'two.sqlite3')}`,
    })
    await createModelTables(pollModels, 'default')
    await createModelTables(pollModels, 'other')
    await Question.objects.create({ questionText: 'in default', pubDate: new Date() })
    const q = new Question({ questionText: 'in other', pubDate: new Date() })
    await q.save({ using: 'other' })
    expect(await Question.objects.valuesList(['questionText'], { flat: true }).list()).toEqual([
      'in default',
    ])
    expect(
      await Question.objects.using('other').valuesList(['questionText'], { flat: true }).list(),
    ).toEqual(['in other'])
    q.questionText = 'still other'
    await q.save()
    expect(await Question.objects.using('other').get({ pk: q.pk })).toMatchObject({
      questionText: 'still other',
    })
  })

  it('reports every query with its alias, SQL and parameters', async () => {
    const seen: string[] = []
    const stop = onQuery((event) =>
      seen.push(`${event.alias}: ${event.sql.slice(0, 6)} ${JSON.stringify(event.parameters)}`),
    )
    try {
      await Question.objects.using('other').filter({ questionText: 'x' }).count()
    } finally {
      stop()
    }
    expect(seen).toEqual(['other: select ["x"]'])
  })
})
