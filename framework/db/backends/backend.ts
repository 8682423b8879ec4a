/**
 * @module The interface each database backend implements: DDL column types, value conversion in
 * both directions, and the translation of driver errors into the ORM's coded errors.
 */
import type { CompiledQuery, Kysely, QueryResult } from 'kysely'
import type { FieldKind } from '../models/fields.ts'

/** The two supported vendors. */
export type Vendor = 'sqlite' | 'postgresql'

/** What a backend needs to know about a field to store it. */
export interface ColumnField {
  readonly kind: FieldKind
  readonly options: Readonly<Record<string, unknown>>
}

/** A database backend: one per connection alias. */
export interface Backend {
  readonly vendor: Vendor
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly kysely: Kysely<any>
  /** The column type in CREATE TABLE (without NULL / constraints). */
  columnType(field: ColumnField): string
  /** A JS value to what the driver binds. */
  toDb(kind: FieldKind, value: unknown, options?: Readonly<Record<string, unknown>>): unknown
  /** What the driver returned to the JS value. */
  fromDb(kind: FieldKind, value: unknown, options?: Readonly<Record<string, unknown>>): unknown
  /** A driver error to an IntegrityError (with the constraint name) or the error itself. */
  translateError(error: unknown): unknown
  /** Whether an error means "the database is busy, try again" (SQLite only). */
  isBusy(error: unknown): boolean
  /**
   * Runs a query at once when the connection is free, without kysely's async layers (SQLite:
   * better-sqlite3 is synchronous); undefined when it must go through `kysely`. Never inside a
   * transaction: the caller checks. `rowsAsArrays`: rows as arrays in select-list order.
   */
  runIfIdle?<R>(query: CompiledQuery, rowsAsArrays?: boolean): QueryResult<R> | undefined
  /** The BEGIN statement of a write transaction. */
  readonly beginSql: string
  close(): Promise<void>
}
