/**
 * @module The named things a model's table carries besides its columns: unique, foreign key and
 * check constraints, and indexes, each with the SQL that creates and drops it on one backend.
 * Comparing the artefacts of two states tells the migration editor what to drop and create;
 * names and definitions follow the schema editor's createTableSql, so a table made either way
 * compares equal.
 */
import type { Backend } from '../backends/backend.ts'
import type { ModelState } from '../models/model-state.ts'
import { SchemaEditor, uniqueConstraints } from '../schema/schema-editor.ts'
import { foreignKeyName } from '../schema/constraint-names.ts'

/** A constraint or index of a table. */
export interface Artefact {
  readonly name: string
  /** Inline constraints live in CREATE TABLE (SQLite cannot add or drop them later). */
  readonly kind: 'constraint' | 'index'
  /** The statement that adds it to an existing table (PostgreSQL) or creates the index. */
  readonly create: string
  /** The statement that removes it from `table`. */
  drop(table: string): string
}

/** Double-quotes an identifier. */
export function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`
}

/** The artefacts of a model's table, as createTableSql would make them. */
export function artefactsOf(
  state: ModelState,
  resolve: (label: string) => ModelState,
  editor: SchemaEditor,
): Artefact[] {
  const table = quote(state.dbTable)
  const out: Artefact[] = []
  const constraint = (name: string, body: string): Artefact => ({
    name,
    kind: 'constraint',
    create: `ALTER TABLE ${table} ADD CONSTRAINT ${quote(name)} ${body}`,
    drop: (current) => `ALTER TABLE ${quote(current)} DROP CONSTRAINT IF EXISTS ${quote(name)}`,
  })
  for (const unique of uniqueConstraints(state))
    out.push(constraint(unique.name, `UNIQUE (${unique.columns.map(quote).join(', ')})`))
  for (const field of state.fields) {
    if (!field.column || !field.relation || field.relation.kind === 'ManyToManyField') continue
    const self = field.relation.to === `${state.appLabel}.${state.name}`
    const target = self ? state : resolve(field.relation.to)
    const pk = target.fields.find((f) => f.options.primaryKey)!
    out.push(
      constraint(
        foreignKeyName(state.dbTable, field.column),
        `FOREIGN KEY (${quote(field.column)}) REFERENCES ${quote(target.dbTable)} (${quote(pk.column!)})`,
      ),
    )
  }
  for (const check of state.constraints) {
    if (check.type === 'check')
      out.push(constraint(String(check.name), `CHECK (${String(check.check)})`))
  }
  const [, ...indexes] = editor.createTableSql(state, resolve)
  for (const create of indexes) {
    const name = /^CREATE INDEX "((?:[^"]|"")+)"/.exec(create)![1]!.replace(/""/g, '"')
    out.push({ name, kind: 'index', create, drop: () => `DROP INDEX IF EXISTS ${quote(name)}` })
  }
  return out
}

/** The column definition for ADD COLUMN (PostgreSQL) from a field state. */
export function columnDefinition(
  backend: Backend,
  field: ModelState['fields'][number],
  options: { defaultSql?: string } = {},
): string {
  const type = backend.columnType({ kind: field.type as never, options: field.options })
  const parts = [quote(field.column!), type]
  if (options.defaultSql !== undefined) parts.push(`DEFAULT ${options.defaultSql}`)
  if (field.options.primaryKey) parts.push('NOT NULL PRIMARY KEY')
  else parts.push(field.options.null === true ? 'NULL' : 'NOT NULL')
  if (field.type === 'JSONField' && backend.vendor === 'sqlite')
    parts.push(`CHECK (${quote(field.column!)} IS NULL OR json_valid(${quote(field.column!)}))`)
  return parts.join(' ')
}
