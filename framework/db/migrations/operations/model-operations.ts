/**
 * @module Operations on whole models: CreateModel, DeleteModel, RenameModel, AlterModelTable,
 * AlterModelOptions and AlterUniqueTogether (Django's names, camelCased as factories).
 */
import type { AnyField } from '../../models/fields.ts'
import type { FieldState, ModelState } from '../../models/model-state.ts'
import type { ConstraintSpec, IndexSpec } from '../../models/model-meta.ts'
import { fieldState } from '../field-state.ts'
import { defaultTable, defaultVerboseName, labelOf, type ProjectState } from '../project-state.ts'
import { modelLabel, type Operation } from './operation.ts'

/** Meta options a CreateModel may carry (the ones that shape the table, plus ordering). */
export interface CreateModelOptions {
  readonly dbTable?: string
  readonly ordering?: readonly string[]
  readonly uniqueTogether?: readonly (readonly string[])[]
  readonly verboseName?: string
  readonly indexes?: readonly IndexSpec[]
  readonly constraints?: readonly ConstraintSpec[]
}

/** The model state CreateModel builds. */
export function createdModelState(
  appLabel: string,
  name: string,
  declared: Readonly<Record<string, AnyField>>,
  options: CreateModelOptions = {},
): ModelState {
  return {
    appLabel,
    name,
    dbTable: options.dbTable ?? defaultTable(appLabel, name),
    autoCreated: false,
    fields: Object.entries(declared).map(([fieldName, field]) =>
      fieldState(fieldName, field, `${appLabel}.${name}.${fieldName}`),
    ),
    options: {
      ordering: [...(options.ordering ?? [])],
      uniqueTogether: (options.uniqueTogether ?? []).map((group) => [...group]),
      verboseName: options.verboseName ?? defaultVerboseName(name),
    },
    indexes: (options.indexes ?? []).map((index) => ({ ...index, fields: [...index.fields] })),
    constraints: (options.constraints ?? []).map((constraint) => ({ ...constraint })),
  }
}

/**
 * Creates a model's table (and its many-to-many tables).
 *
 * @example
 * ```ts
 * migrations.createModel({
 *   name: 'Question',
 *   fields: { id: fields.auto(), questionText: fields.char({ maxLength: 200 }) },
 * })
 * ```
 */
export function createModel(args: {
  name: string
  fields: Readonly<Record<string, AnyField>>
  options?: CreateModelOptions
}): Operation {
  return {
    factory: 'createModel',
    args,
    reversible: true,
    describe: () => `Create model ${args.name}`,
    stateForwards(app, state) {
      state.put(createdModelState(app, args.name, args.fields, args.options))
    },
    async databaseForwards(app, editor, _from, to) {
      await editor.createModel(to.get(modelLabel(app, args.name)), to)
    },
    async databaseBackwards(app, editor, from) {
      await editor.deleteModel(from.get(modelLabel(app, args.name)), from)
    },
  }
}

/**
 * Drops a model's table. Rolling back recreates it empty: its rows are gone.
 *
 * @example
 * ```ts
 * migrations.deleteModel({ name: 'Poll' })
 * ```
 */
export function deleteModel(args: { name: string }): Operation {
  return {
    factory: 'deleteModel',
    args,
    reversible: true,
    describe: () => `Delete model ${args.name}`,
    stateForwards(app, state) {
      state.remove(modelLabel(app, args.name))
    },
    async databaseForwards(app, editor, from) {
      await editor.deleteModel(from.get(modelLabel(app, args.name)), from)
    },
    async databaseBackwards(app, editor, _from, to) {
      await editor.createModel(to.get(modelLabel(app, args.name)), to)
    },
  }
}

function relabel(field: FieldState, from: string, to: string): FieldState {
  if (!field.relation) return field
  const relation = {
    ...field.relation,
    ...(field.relation.to === from ? { to } : {}),
    ...(field.relation.through === from ? { through: to } : {}),
  }
  return { ...field, relation }
}

/** Renames a model in the state: its label, its default table, and every relation to it. */
function renameInState(state: ProjectState, app: string, oldName: string, newName: string): void {
  const oldLabel = modelLabel(app, oldName)
  const newLabel = modelLabel(app, newName)
  const model = state.get(oldLabel)
  state.remove(oldLabel)
  state.put({
    ...model,
    name: newName,
    dbTable:
      model.dbTable === defaultTable(app, oldName) ? defaultTable(app, newName) : model.dbTable,
    options: {
      ...model.options,
      verboseName:
        model.options.verboseName === defaultVerboseName(oldName)
          ? defaultVerboseName(newName)
          : model.options.verboseName,
    },
  })
  for (const other of state.models()) {
    if (other.fields.some((f) => f.relation?.to === oldLabel || f.relation?.through === oldLabel))
      state.put({ ...other, fields: other.fields.map((f) => relabel(f, oldLabel, newLabel)) })
  }
}

async function renameInDatabase(
  editor: Parameters<Operation['databaseForwards']>[1],
  from: ProjectState,
  to: ProjectState,
  fromLabel: string,
  toLabel: string,
): Promise<void> {
  await editor.alterModel(from.get(fromLabel), to.get(toLabel), from, to)
  // Auto-created many-to-many tables of other models name the renamed model in their columns.
  for (const other of to.models()) {
    if (labelOf(other) === toLabel) continue
    const points = other.fields.some(
      (f) =>
        f.relation?.kind === 'ManyToManyField' && !f.relation.through && f.relation.to === toLabel,
    )
    if (points && from.has(labelOf(other)))
      await editor.alterModel(from.get(labelOf(other)), other, from, to)
  }
}

/**
 * Renames a model: its table follows when it had the default name; rows, foreign keys and
 * many-to-many tables are kept.
 *
 * @example
 * ```ts
 * migrations.renameModel({ oldName: 'Poll', newName: 'Question' })
 * ```
 */
export function renameModel(args: { oldName: string; newName: string }): Operation {
  return {
    factory: 'renameModel',
    args,
    reversible: true,
    describe: () => `Rename model ${args.oldName} to ${args.newName}`,
    stateForwards(app, state) {
      renameInState(state, app, args.oldName, args.newName)
    },
    async databaseForwards(app, editor, from, to) {
      await renameInDatabase(
        editor,
        from,
        to,
        modelLabel(app, args.oldName),
        modelLabel(app, args.newName),
      )
    },
    async databaseBackwards(app, editor, from, to) {
      await renameInDatabase(
        editor,
        from,
        to,
        modelLabel(app, args.newName),
        modelLabel(app, args.oldName),
      )
    },
  }
}

/** An operation that replaces part of one model's state and alters its table to match. */
export function alterModelOperation(
  factory: string,
  args: Readonly<Record<string, unknown>>,
  model: string,
  description: string,
  change: (model: ModelState) => ModelState,
  options: { schema?: boolean } = {},
): Operation {
  return {
    factory,
    args,
    reversible: true,
    describe: () => description,
    stateForwards(app, state) {
      state.put(change(state.get(modelLabel(app, model))))
    },
    async databaseForwards(app, editor, from, to) {
      if (options.schema === false) return
      const label = modelLabel(app, model)
      await editor.alterModel(from.get(label), to.get(label), from, to)
    },
    async databaseBackwards(app, editor, from, to) {
      if (options.schema === false) return
      const label = modelLabel(app, model)
      await editor.alterModel(from.get(label), to.get(label), from, to)
    },
  }
}

/**
 * Changes a model's table name.
 *
 * @example
 * ```ts
 * migrations.alterModelTable({ name: 'Question', table: 'questions' })
 * ```
 */
export function alterModelTable(args: { name: string; table: string }): Operation {
  return alterModelOperation(
    'alterModelTable',
    args,
    args.name,
    `Rename table for ${args.name} to ${args.table}`,
    (m) => ({
      ...m,
      dbTable: args.table,
    }),
  )
}

/**
 * Changes options that do not touch the database (ordering, verboseName); kept so the state matches.
 *
 * @example
 * ```ts
 * migrations.alterModelOptions({ name: 'Question', options: { ordering: ['-pubDate'] } })
 * ```
 */
export function alterModelOptions(args: {
  name: string
  options: { ordering?: readonly string[]; verboseName?: string }
}): Operation {
  return alterModelOperation(
    'alterModelOptions',
    args,
    args.name,
    `Change Meta options on ${args.name}`,
    (m) => ({
      ...m,
      options: {
        ...m.options,
        ordering: [...(args.options.ordering ?? [])],
        verboseName: args.options.verboseName ?? defaultVerboseName(m.name),
      },
    }),
    { schema: false },
  )
}

/**
 * Sets the uniqueTogether groups of a model (each a unique constraint on those columns).
 *
 * @example
 * ```ts
 * migrations.alterUniqueTogether({ name: 'Choice', uniqueTogether: [['question', 'choiceText']] })
 * ```
 */
export function alterUniqueTogether(args: {
  name: string
  uniqueTogether: readonly (readonly string[])[]
}): Operation {
  return alterModelOperation(
    'alterUniqueTogether',
    args,
    args.name,
    `Alter unique_together for ${args.name} (${args.uniqueTogether.length} constraint(s))`,
    (m) => ({
      ...m,
      options: { ...m.options, uniqueTogether: args.uniqueTogether.map((g) => [...g]) },
    }),
  )
}
