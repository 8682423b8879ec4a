/**
 * @module What every migration operation is: a change to the project state (replayed to know the
 * models as of any migration), the matching change to the database in both directions, a
 * one-line description, and the factory call that writes it back into a migration file.
 */
import type { MigrationEditor } from '../migration-editor.ts'
import type { ProjectState } from '../project-state.ts'

/** One step of a migration. Build them with the `migrations.*` factories. */
export interface Operation {
  /** The factory that made it (`createModel`), which is also how the writer prints it. */
  readonly factory: string
  /** The arguments given to the factory, printed back by the writer. */
  readonly args: Readonly<Record<string, unknown>>
  /** False when there is no way back (a RunSQL without reverseSql, a RunCode without reverseCode). */
  readonly reversible: boolean
  /** For showmigrations, migrate's progress and sqlmigrate: `Create model Question`. */
  describe(): string
  /** Applies the change to `state` (a clone the caller owns). */
  stateForwards(appLabel: string, state: ProjectState): void
  /** Changes the database from `fromState` to `toState` (the state after this operation). */
  databaseForwards(
    appLabel: string,
    editor: MigrationEditor,
    fromState: ProjectState,
    toState: ProjectState,
  ): Promise<void>
  /** Undoes it: `fromState` is the state after the operation, `toState` the one before. */
  databaseBackwards(
    appLabel: string,
    editor: MigrationEditor,
    fromState: ProjectState,
    toState: ProjectState,
  ): Promise<void>
}

/** `app.Model` from an app label and a model name written in an operation. */
export function modelLabel(appLabel: string, name: string): string {
  return name.includes('.') ? name : `${appLabel}.${name}`
}
