/**
 * The database session backend on both database backends (SQLite file, PostgreSQL schema):
 * keys, expiry, updates, deletion and clearExpired.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { closeConnections, configureDatabases } from '../../../framework/db/index.ts'
import {
  DatabaseSessionBackend,
  Session,
  SessionInterrupted,
} from '../../../framework/contrib/sessions/index.ts'
import { describeEachBackend } from '../../db/backends.ts'

const later = () => new Date(Date.now() + 3_600_000)
const earlier = () => new Date(Date.now() - 1000)

describeEachBackend('DatabaseSessionBackend', [Session], () => {
  const backend = new DatabaseSessionBackend()

  it('creates a row under a fresh 32-character key and loads the data back', async () => {
    const key = await backend.save(undefined, { cart: [1, 2], user: 'ada' }, later())
    expect(key).toMatch(/^[a-z0-9]{32}$/)
    expect(await backend.load(key)).toEqual({ cart: [1, 2], user: 'ada' })
  })

  it('updates an existing key in place', async () => {
    const key = await backend.save(undefined, { n: 1 }, later())
    expect(await backend.save(key, { n: 2 }, later())).toBe(key)
    expect(await backend.load(key)).toEqual({ n: 2 })
    expect(await Session.objects.count()).toBe(1)
  })

  it('loads nothing for an expired row, an unknown key or a malformed one', async () => {
    const key = await backend.save(undefined, { n: 1 }, earlier())
    expect(await backend.load(key)).toBeUndefined()
    expect(await backend.load('z'.repeat(32))).toBeUndefined()
    expect(await backend.load("' OR 1=1 --")).toBeUndefined()
  })

  it('refuses to update a key whose row was deleted meanwhile (SessionInterrupted, 400)', async () => {
    const key = await backend.save(undefined, { n: 1 }, later())
    await backend.delete(key)
    const error = await backend.save(key, { n: 2 }, later()).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SessionInterrupted)
    expect((error as SessionInterrupted).status).toBe(400)
  })

  it('clearExpired deletes only expired rows and counts them', async () => {
    await backend.save(undefined, {}, earlier())
    await backend.save(undefined, {}, earlier())
    const live = await backend.save(undefined, {}, later())
    expect(await backend.clearExpired()).toBe(2)
    expect(await Session.objects.valuesList(['sessionKey'], { flat: true }).list()).toEqual([live])
  })

  it('treats corrupt stored data as an empty session, not an error', async () => {
    const key = await backend.save(undefined, { n: 1 }, later())
    await Session.objects.filter({ sessionKey: key }).update({ sessionData: '{not json' })
    expect(await backend.load(key)).toEqual({})
  })
})

describe('DatabaseSessionBackend without its table', () => {
  it('says how to create it (sessions.no_table) instead of a bare SQL error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sessions-notable-'))
    await configureDatabases({ default: `sqlite:${join(dir, 'db.sqlite3')}` })
    try {
      const error = await new DatabaseSessionBackend().load('a'.repeat(32)).catch((e: unknown) => e)
      expect((error as { code?: string }).code).toBe('sessions.no_table')
      expect((error as Error).message).toContain("run 'framework migrate'")
    } finally {
      await closeConnections()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
