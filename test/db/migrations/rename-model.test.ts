/**
 * renameModel on a model with a many-to-many field and a foreign key pointing at it: the table,
 * the many-to-many table and its column follow the new name, every row and link is kept, the
 * foreign key from the other table still holds, and rolling back restores the old names.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { fields, getConnection, migrations } from '../../../framework/db/index.ts'
import { backends, openTestDatabase, type TestDatabase } from '../backends.ts'
import { migrateTo, migration } from './run-migrations.ts'

async function query(text: string): Promise<Record<string, unknown>[]> {
  const connection = getConnection()
  return (await connection.execute(sql.raw(text).compile(connection.backend.kysely))).rows
}

const history = [
  migration('shop', '0001_initial', [
    migrations.createModel({
      name: 'Tag',
      fields: { id: fields.auto(), label: fields.char({ maxLength: 9 }) },
    }),
    migrations.createModel({
      name: 'Book',
      fields: {
        id: fields.auto(),
        title: fields.char({ maxLength: 20 }),
        tags: fields.manyToMany(() => 'shop.Tag'),
      },
    }),
    migrations.createModel({
      name: 'Shelf',
      fields: {
        id: fields.auto(),
        book: fields.foreignKey(() => 'shop.Book', { onDelete: 'CASCADE' }),
      },
    }),
  ]),
  migration(
    'shop',
    '0002_rename',
    [migrations.renameModel({ oldName: 'Book', newName: 'Volume' })],
    [['shop', '0001_initial']],
  ),
]

describe.each(backends)('renameModel on $name', (backend) => {
  describe.skipIf(!backend.available)(backend.reason || 'fresh database', () => {
    let database: TestDatabase | undefined
    beforeAll(async () => {
      database = await openTestDatabase(backend.name)
    })
    afterAll(async () => {
      await database?.dispose()
    })

    it('moves the tables and the many-to-many column, keeping rows, links and the foreign key', async () => {
      await migrateTo(history, { app: 'shop', name: '0001' })
      await query(`INSERT INTO shop_tag (label) VALUES ('sf')`)
      await query(`INSERT INTO shop_book (title) VALUES ('Dune')`)
      await query(`INSERT INTO shop_book_tags (book_id, tag_id) VALUES (1, 1)`)
      await query(`INSERT INTO shop_shelf (book_id) VALUES (1)`)

      expect(await migrateTo(history)).toEqual(['+0002_rename'])
      expect(await query('SELECT title FROM shop_volume')).toEqual([{ title: 'Dune' }])
      expect(await query('SELECT volume_id, tag_id FROM shop_volume_tags')).toEqual([
        { volume_id: 1, tag_id: 1 },
      ])
      expect(await query('SELECT book_id FROM shop_shelf')).toEqual([{ book_id: 1 }])
      await expect(query('INSERT INTO shop_shelf (book_id) VALUES (42)')).rejects.toThrow(
        /FOREIGN KEY|foreign key/,
      )
      await expect(
        query('INSERT INTO shop_volume_tags (volume_id, tag_id) VALUES (7, 1)'),
      ).rejects.toThrow(/FOREIGN KEY|foreign key/)

      expect(await migrateTo(history, { app: 'shop', name: '0001' })).toEqual(['-0002_rename'])
      expect(await query('SELECT book_id, tag_id FROM shop_book_tags')).toEqual([
        { book_id: 1, tag_id: 1 },
      ])
      expect(await query('SELECT title FROM shop_book')).toEqual([{ title: 'Dune' }])
    })
  })
})
