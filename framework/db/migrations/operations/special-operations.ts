/**
 * @module Data migrations: RunSQL and RunCode. They change rows, not the state; without a
 * reverse they make the migration irreversible, and rolling back past them says so.
 */
import type { Kysely } from 'kysely'
import type { Vendor } from '../../backends/backend.ts'
import { MigrationError } from '../migration-error.ts'
import type { ProjectState } from '../project-state.ts'
import type { Operation } from './operation.ts'

/** What a RunCode function receives. */
export interface RunCodeContext {
  /** The app the migration belongs to. */
  readonly appLabel: string
  /** The database alias being migrated. */
  readonly using: string
  readonly vendor: Vendor
  /** Kysely on the migration's transaction: raw queries against the tables as they are now. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly db: Kysely<any>
  /** The models as of this migration (tables, columns), not as the code declares them today. */
  readonly state: ProjectState
}

/** A RunCode function. */
export type RunCodeFunction = (context: RunCodeContext) => Promise<void> | void

function irreversible(what: string): MigrationError {
  return new MigrationError(
    'migrations.E005',
    `${what} has no reverse, so this migration cannot be unapplied`,
    {
      hint: 'add reverseSql / reverseCode to the operation (an empty list or a function that does nothing is a no-op reverse)',
    },
  )
}

/**
 * Runs SQL (a statement or a list). `reverseSql` makes it reversible; `[]` reverses to nothing.
 *
 * @example
 * ```ts
 * migrations.runSql({
 *   sql: "UPDATE polls_question SET slug = lower(question_text) WHERE slug = ''",
 *   reverseSql: [],
 * })
 * ```
 */
export function runSql(args: {
  sql: string | readonly string[]
  reverseSql?: string | readonly string[]
}): Operation {
  const list = (value: string | readonly string[]): readonly string[] =>
    typeof value === 'string' ? [value] : value
  return {
    factory: 'runSql',
    args,
    reversible: args.reverseSql !== undefined,
    describe: () => `Raw SQL operation`,
    stateForwards() {},
    async databaseForwards(_app, editor) {
      for (const statement of list(args.sql)) await editor.execute(statement)
    },
    async databaseBackwards(_app, editor) {
      if (args.reverseSql === undefined) throw irreversible('RunSQL')
      for (const statement of list(args.reverseSql)) await editor.execute(statement)
    },
  }
}

/**
 * Runs a function inside the migration's transaction (a data migration).
 *
 * @example
 * ```ts
 * migrations.runCode({
 *   code: async ({ db }) => {
 *     await db.updateTable('polls_choice').set({ votes: 0 }).where('votes', 'is', null).execute()
 *   },
 *   reverseCode: migrations.noop,
 * })
 * ```
 */
export function runCode(args: { code: RunCodeFunction; reverseCode?: RunCodeFunction }): Operation {
  const run = async (
    fn: RunCodeFunction,
    app: string,
    editor: Parameters<Operation['databaseForwards']>[1],
    state: ProjectState,
  ): Promise<void> => {
    editor.statements.push(`-- RunCode: ${fn.name || 'anonymous function'} (not shown as SQL)`)
    if (editor.collecting) return
    await fn({
      appLabel: app,
      using: editor.connection.alias,
      vendor: editor.vendor,
      db: editor.connection.executor(),
      state,
    })
  }
  return {
    factory: 'runCode',
    args,
    reversible: args.reverseCode !== undefined,
    describe: () => `Raw code operation${args.code.name ? ` (${args.code.name})` : ''}`,
    stateForwards() {},
    databaseForwards: (app, editor, _from, to) => run(args.code, app, editor, to),
    async databaseBackwards(app, editor, _from, to) {
      if (!args.reverseCode) throw irreversible('RunCode')
      await run(args.reverseCode, app, editor, to)
    },
  }
}

/** A RunCode reverse that does nothing (the forward step needs no undoing). */
export const noop: RunCodeFunction = () => {}
