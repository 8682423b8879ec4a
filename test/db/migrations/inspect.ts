/**
 * @module Reads the live schema and rows straight from the database (PRAGMA on SQLite,
 * information_schema and pg_catalog on PostgreSQL), independent of the ORM under test.
 */
import Database from 'better-sqlite3'
import pg from 'pg'

/** The parts of a schema the migration tests check. */
export interface Inspector {
  tables(): Promise<string[]>
  /** Column name → declared type (lower case), e.g. `{ id: 'integer', title: 'varchar(100)' }`. */
  columns(table: string): Promise<Record<string, string>>
  /** Columns that accept NULL. */
  nullable(table: string): Promise<string[]>
  indexes(table: string): Promise<string[]>
  /** `column -> table.column` for each foreign key. */
  foreignKeys(table: string): Promise<string[]>
  /** Names of unique constraints (PostgreSQL) or unique indexes' columns (SQLite autoindexes). */
  uniqueColumnSets(table: string): Promise<string[]>
  rows(query: string): Promise<Record<string, unknown>[]>
  exec(statement: string): Promise<void>
  close(): Promise<void>
}

/** An inspector on a SQLite file. */
export function sqliteInspector(filename: string): Inspector {
  const open = <T>(fn: (db: Database.Database) => T): T => {
    const db = new Database(filename)
    try {
      return fn(db)
    } finally {
      db.close()
    }
  }
  const all = (sql: string): Record<string, unknown>[] =>
    open((db) => db.prepare(sql).all() as Record<string, unknown>[])
  return {
    tables: async () =>
      all(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
      ).map((r) => String(r.name)),
    columns: async (table) =>
      Object.fromEntries(
        all(`PRAGMA table_info("${table}")`).map((r) => [
          String(r.name),
          String(r.type).toLowerCase(),
        ]),
      ),
    nullable: async (table) =>
      all(`PRAGMA table_info("${table}")`)
        .filter((r) => r.notnull === 0)
        .map((r) => String(r.name)),
    indexes: async (table) =>
      all(`PRAGMA index_list("${table}")`)
        .filter((r) => r.origin === 'c')
        .map((r) => String(r.name))
        .sort(),
    foreignKeys: async (table) =>
      all(`PRAGMA foreign_key_list("${table}")`)
        .map((r) => `${String(r.from)} -> ${String(r.table)}.${String(r.to)}`)
        .sort(),
    uniqueColumnSets: async (table) =>
      all(`PRAGMA index_list("${table}")`)
        .filter((r) => r.unique === 1 && r.origin === 'u')
        .map((r) =>
          all(`PRAGMA index_info("${String(r.name)}")`)
            .map((c) => String(c.name))
            .join(','),
        )
        .sort(),
    rows: async (query) => all(query),
    exec: async (statement) => open((db) => void db.exec(statement)),
    close: async () => {},
  }
}

/** An inspector on a PostgreSQL schema. */
export function postgresInspector(url: string, schema: string): Inspector {
  const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` })
  const connected = client.connect()
  const all = async (sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> => {
    await connected
    return (await client.query(sql, params)).rows as Record<string, unknown>[]
  }
  return {
    tables: async () =>
      (
        await all(
          'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
          [schema],
        )
      ).map((r) => String(r.table_name)),
    columns: async (table) =>
      Object.fromEntries(
        (
          await all(
            'SELECT column_name, data_type, character_maximum_length FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2',
            [schema, table],
          )
        ).map((r) => [
          String(r.column_name),
          r.character_maximum_length
            ? `${String(r.data_type)}(${String(r.character_maximum_length)})`
            : String(r.data_type),
        ]),
      ),
    nullable: async (table) =>
      (
        await all(
          "SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 AND is_nullable = 'YES'",
          [schema, table],
        )
      ).map((r) => String(r.column_name)),
    indexes: async (table) =>
      (
        await all(
          `SELECT i.indexname FROM pg_indexes i WHERE i.schemaname = $1 AND i.tablename = $2
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname AND c.connamespace = $1::regnamespace)
           ORDER BY 1`,
          [schema, table],
        )
      ).map((r) => String(r.indexname)),
    foreignKeys: async (table) =>
      (
        await all(
          `SELECT kcu.column_name, ccu.table_name AS target, ccu.column_name AS target_column
           FROM information_schema.table_constraints tc
           JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema
           JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = tc.constraint_name AND ccu.table_schema = tc.table_schema
           WHERE tc.table_schema = $1 AND tc.table_name = $2 AND tc.constraint_type = 'FOREIGN KEY'`,
          [schema, table],
        )
      )
        .map((r) => `${String(r.column_name)} -> ${String(r.target)}.${String(r.target_column)}`)
        .sort(),
    uniqueColumnSets: async (table) =>
      (
        await all(
          `SELECT string_agg(kcu.column_name, ',' ORDER BY kcu.ordinal_position) AS cols
           FROM information_schema.table_constraints tc
           JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema
           WHERE tc.table_schema = $1 AND tc.table_name = $2 AND tc.constraint_type = 'UNIQUE' GROUP BY tc.constraint_name`,
          [schema, table],
        )
      )
        .map((r) => String(r.cols))
        .sort(),
    rows: (query) => all(query),
    exec: async (statement) => {
      await all(statement)
    },
    close: async () => {
      await connected
      await client.end()
    },
  }
}
