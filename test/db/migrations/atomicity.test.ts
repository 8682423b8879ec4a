/**
 * A migration that fails half-way leaves the database as it was before it: PostgreSQL rolls the
 * DDL back; SQLite rolls back the table rebuild too (no half-built `__new` table, the old table
 * and its rows intact, foreign keys back on). Also: a rebuilt table keeps the foreign keys that
 * point at it, and an irreversible operation refuses to be unapplied with its reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import {
  fields,
  getConnection,
  migrations,
  MigrationError,
  MigrationRecorder,
} from '../../../framework/db/index.ts'
import { backends, openTestDatabase, type TestDatabase } from '../backends.ts'
import { migration, migrateTo } from './run-migrations.ts'

async function query(text: string): Promise<Record<string, unknown>[]> {
  const connection = getConnection()
  return (await connection.execute(sql.raw(text).compile(connection.backend.kysely))).rows
}

async function columns(table: string, vendor: string): Promise<Record<string, string>> {
  if (vendor === 'sqlite')
    return Object.fromEntries(
      (await query(`PRAGMA table_info("${table}")`)).map((r) => [String(r.name), String(r.type)]),
    )
  const rows = await query(
    `SELECT column_name, data_type, character_maximum_length FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '${table}'`,
  )
  return Object.fromEntries(
    rows.map((r) => [
      String(r.column_name),
      `${String(r.data_type)}${r.character_maximum_length ? `(${String(r.character_maximum_length)})` : ''}`,
    ]),
  )
}

async function tables(vendor: string): Promise<string[]> {
  const rows =
    vendor === 'sqlite'
      ? await query(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        )
      : await query(
          'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()',
        )
  return rows.map((r) => String(r.name)).sort()
}

const initial = migration('shop', '0001_initial', [
  migrations.createModel({
    name: 'Shelf',
    fields: { id: fields.auto(), label: fields.char({ maxLength: 20 }) },
  }),
  migrations.createModel({
    name: 'Item',
    fields: {
      id: fields.auto(),
      name: fields.char({ maxLength: 40 }),
      shelf: fields.foreignKey(() => 'shop.Shelf', { onDelete: 'CASCADE' }),
    },
  }),
])

describe.each(backends)('a failing migration on $name', (backend) => {
  describe.skipIf(!backend.available)(backend.reason || 'fresh database', () => {
    let database: TestDatabase | undefined
    beforeAll(async () => {
      database = await openTestDatabase(backend.name)
      await migrateTo([initial])
      await query(`INSERT INTO shop_shelf (label) VALUES ('top')`)
      await query(`INSERT INTO shop_item (name, shelf_id) VALUES ('lamp', 1), ('desk', 1)`)
    })
    afterAll(async () => {
      await database?.dispose()
    })

    it('rolls back every operation before the one that failed, and records nothing', async () => {
      const broken = migration(
        'shop',
        '0002_broken',
        [
          // A rebuild on SQLite (type change), ALTER TABLE on PostgreSQL.
          migrations.alterField({
            model: 'Shelf',
            name: 'label',
            field: fields.char({ maxLength: 80 }),
          }),
          migrations.addField({
            model: 'Item',
            name: 'qty',
            field: fields.integer({ default: 1 }),
          }),
          migrations.createModel({ name: 'Crate', fields: { id: fields.auto() } }),
          migrations.runSql({ sql: 'INSERT INTO no_such_table VALUES (1)' }),
        ],
        [['shop', '0001_initial']],
      )
      const before = {
        shelf: await columns('shop_shelf', backend.name),
        item: await columns('shop_item', backend.name),
      }
      const failure = await migrateTo([initial, broken]).catch((error: unknown) => error)
      expect(failure).toBeInstanceOf(MigrationError)
      expect((failure as MigrationError).code).toBe('migrations.E007')
      expect((failure as Error).message).toMatch(
        /shop\.0002_broken failed at operation 4 \(Raw SQL operation\).*rolled back/,
      )
      expect(await columns('shop_shelf', backend.name)).toEqual(before.shelf)
      expect(await columns('shop_item', backend.name)).toEqual(before.item)
      expect(await tables(backend.name)).toEqual([
        'framework_migrations',
        'shop_item',
        'shop_shelf',
      ])
      expect(await query('SELECT name FROM shop_item ORDER BY id')).toEqual([
        { name: 'lamp' },
        { name: 'desk' },
      ])
      expect([...(await new MigrationRecorder().applied()).keys()]).toEqual(['shop.0001_initial'])
      if (backend.name === 'sqlite')
        expect(await query('PRAGMA foreign_keys')).toEqual([{ foreign_keys: 1 }])
    })

    it('rebuilds a referenced table keeping the rows and the foreign keys that point at it', async () => {
      const widen = migration(
        'shop',
        '0002_widen',
        [
          migrations.alterField({
            model: 'Shelf',
            name: 'label',
            field: fields.char({ maxLength: 80, null: true }),
          }),
        ],
        [['shop', '0001_initial']],
      )
      expect(await migrateTo([initial, widen])).toEqual(['+0002_widen'])
      expect(await query('SELECT label FROM shop_shelf')).toEqual([{ label: 'top' }])
      if (backend.name === 'sqlite') {
        expect(await query('PRAGMA foreign_key_list("shop_item")')).toMatchObject([
          { table: 'shop_shelf', from: 'shelf_id', to: 'id' },
        ])
        expect(await query('PRAGMA foreign_key_check')).toEqual([])
      }
      // The foreign key still holds after the rebuild: a row pointing nowhere is refused.
      await expect(
        query(`INSERT INTO shop_item (name, shelf_id) VALUES ('ghost', 999)`),
      ).rejects.toThrow(/FOREIGN KEY|foreign key/)
      expect(await migrateTo([initial, widen], { app: 'shop', name: '0001' })).toEqual([
        '-0002_widen',
      ])
      expect((await columns('shop_shelf', backend.name)).label).toMatch(
        /varchar\(20\)|character varying\(20\)/,
      )
    })

    it('refuses to unapply an irreversible operation, naming it and the fix', async () => {
      const data = migration(
        'shop',
        '0002_data',
        [migrations.runSql({ sql: 'UPDATE shop_item SET name = upper(name)' })],
        [['shop', '0001_initial']],
      )
      await migrateTo([initial, data])
      expect(await query('SELECT name FROM shop_item ORDER BY id')).toEqual([
        { name: 'LAMP' },
        { name: 'DESK' },
      ])
      const failure = await migrateTo([initial, data], { app: 'shop', name: '0001' }).catch(
        (error: unknown) => error,
      )
      expect((failure as MigrationError).code).toBe('migrations.E005')
      expect((failure as MigrationError).message).toMatch(/0002_data.*irreversible/)
      expect((failure as MigrationError).hint).toMatch(/reverseSql/)
      expect([...(await new MigrationRecorder().applied()).keys()]).toContain('shop.0002_data')
    })
  })
})
