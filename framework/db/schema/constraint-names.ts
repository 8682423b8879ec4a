/**
 * @module Constraint naming, shared by the schema editor and the SQLite error translator. SQLite
 * reports a failed UNIQUE constraint by its columns, not its name; because every constraint the
 * ORM creates is named by these functions, the name can be recovered from the columns, so that
 * IntegrityError.constraint is the same on both backends.
 */

const uniqueByTable = new Map<string, { name: string; columns: string[] }[]>()

/** `<table>_<columns>_uniq`: the name of a unique constraint the ORM creates. */
export function uniqueConstraintName(table: string, columns: readonly string[]): string {
  return `${table}_${columns.join('_')}_uniq`
}

/** `<table>_<column>_fk`: the name of a foreign key constraint. */
export function foreignKeyName(table: string, column: string): string {
  return `${table}_${column}_fk`
}

/** `<table>_<columns>_idx`: the name of an index. */
export function indexName(table: string, columns: readonly string[]): string {
  return `${table}_${columns.join('_')}_idx`
}

/** Records a unique constraint so a SQLite failure on its columns can be named. */
export function registerUnique(table: string, columns: readonly string[], name: string): void {
  const list = uniqueByTable.get(table) ?? []
  if (!list.some((entry) => entry.name === name)) list.push({ name, columns: [...columns] })
  uniqueByTable.set(table, list)
}

/** The name of the unique constraint on exactly these columns of `table`, if the ORM made one. */
export function findUnique(table: string, columns: readonly string[]): string | undefined {
  const wanted = [...columns].sort().join(',')
  return uniqueByTable.get(table)?.find((entry) => [...entry.columns].sort().join(',') === wanted)
    ?.name
}
