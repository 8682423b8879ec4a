/**
 * @module Operations on one field: AddField, RemoveField, AlterField and RenameField.
 */
import { snakeCase, type AnyField } from '../../models/fields.ts'
import type { FieldState, ModelState } from '../../models/model-state.ts'
import { fieldState } from '../field-state.ts'
import { MigrationError } from '../migration-error.ts'
import type { AlterOptions } from '../migration-editor.ts'
import { fieldOf, type ProjectState } from '../project-state.ts'
import { modelLabel, type Operation } from './operation.ts'

function fieldOperation(
  factory: string,
  args: Readonly<Record<string, unknown>>,
  model: string,
  description: string,
  change: (model: ModelState, app: string) => ModelState,
  forwards: AlterOptions,
  backwards: AlterOptions,
): Operation {
  const alter = async (
    app: string,
    editor: Parameters<Operation['databaseForwards']>[1],
    from: ProjectState,
    to: ProjectState,
    options: AlterOptions,
  ): Promise<void> => {
    const label = modelLabel(app, model)
    await editor.alterModel(from.get(label), to.get(label), from, to, options)
  }
  return {
    factory,
    args,
    reversible: true,
    describe: () => description,
    stateForwards(app, state) {
      state.put(change(state.get(modelLabel(app, model)), app))
    },
    databaseForwards: (app, editor, from, to) => alter(app, editor, from, to, forwards),
    databaseBackwards: (app, editor, from, to) => alter(app, editor, from, to, backwards),
  }
}

function fillWith(name: string, value: unknown): AlterOptions {
  return value === undefined ? {} : { fill: new Map([[name, value]]) }
}

/**
 * Adds a field. `oneOffDefault` fills the rows that exist (a non-null field without a default
 * needs one; makemigrations asks for it) without becoming the field's default.
 *
 * @example
 * ```ts
 * migrations.addField({ model: 'Choice', name: 'votes', field: fields.integer({ default: 0 }) })
 * migrations.addField({ model: 'Question', name: 'slug', field: fields.slug(), oneOffDefault: 'untitled' })
 * ```
 */
export function addField(args: {
  model: string
  name: string
  field: AnyField
  oneOffDefault?: unknown
}): Operation {
  return fieldOperation(
    'addField',
    args,
    args.model,
    `Add field ${args.name} to ${args.model}`,
    (m, app) => {
      if (m.fields.some((f) => f.name === args.name))
        throw new MigrationError(
          'migrations.E004',
          `Model ${app}.${args.model} already has a field ${JSON.stringify(args.name)}`,
          {
            hint: 'use alterField to change it, or pick another name',
          },
        )
      return {
        ...m,
        fields: [
          ...m.fields,
          fieldState(args.name, args.field, `${app}.${args.model}.${args.name}`),
        ],
      }
    },
    fillWith(args.name, args.oneOffDefault),
    {},
  )
}

function withoutField(m: ModelState, name: string): ModelState {
  const uses = (names: readonly string[]): boolean =>
    names.some((n) => n.replace(/^-/, '') === name)
  return {
    ...m,
    fields: m.fields.filter((f) => f.name !== name),
    options: {
      ...m.options,
      ordering: m.options.ordering.filter((o) => o.replace(/^-/, '') !== name),
      uniqueTogether: m.options.uniqueTogether.filter((group) => !uses(group)),
    },
    indexes: m.indexes.filter((index) => !uses(index.fields)),
    constraints: m.constraints.filter(
      (c) => !(Array.isArray(c.fields) && uses(c.fields as string[])),
    ),
  }
}

/**
 * Removes a field (and the uniqueTogether groups, indexes and constraints that use it). Rolling
 * back re-adds the column filled with the field's default (or NULL when it is nullable).
 *
 * @example
 * ```ts
 * migrations.removeField({ model: 'Question', name: 'legacyCode' })
 * ```
 */
export function removeField(args: { model: string; name: string }): Operation {
  return fieldOperation(
    'removeField',
    args,
    args.model,
    `Remove field ${args.name} from ${args.model}`,
    (m) => {
      fieldOf(m, args.name)
      return withoutField(m, args.name)
    },
    {},
    {},
  )
}

/**
 * Changes a field's definition (type, null, unique, default, ...). `oneOffDefault` fills NULLs
 * when a nullable field becomes non-null.
 *
 * @example
 * ```ts
 * migrations.alterField({ model: 'Choice', name: 'votes', field: fields.bigInteger({ default: 0 }) })
 * ```
 */
export function alterField(args: {
  model: string
  name: string
  field: AnyField
  oneOffDefault?: unknown
}): Operation {
  return fieldOperation(
    'alterField',
    args,
    args.model,
    `Alter field ${args.name} on ${args.model}`,
    (m, app) => {
      fieldOf(m, args.name)
      const next = fieldState(args.name, args.field, `${app}.${args.model}.${args.name}`)
      return { ...m, fields: m.fields.map((f) => (f.name === args.name ? next : f)) }
    },
    fillWith(args.name, args.oneOffDefault),
    {},
  )
}

function renamedColumn(field: FieldState, newName: string): string | null {
  if (field.column === null) return null
  if (typeof field.options.dbColumn === 'string') return field.column
  const relation = field.type === 'ForeignKey' || field.type === 'OneToOneField'
  return relation ? `${snakeCase(newName)}_id` : snakeCase(newName)
}

function renameInModel(m: ModelState, oldName: string, newName: string): ModelState {
  const field = fieldOf(m, oldName)
  const swap = (name: string): string =>
    name.replace(/^(-?)(.*)$/, (whole, sign: string, rest: string) =>
      rest === oldName ? `${sign}${newName}` : whole,
    )
  return {
    ...m,
    fields: m.fields.map((f) =>
      f.name === oldName ? { ...f, name: newName, column: renamedColumn(field, newName) } : f,
    ),
    options: {
      ...m.options,
      ordering: m.options.ordering.map(swap),
      uniqueTogether: m.options.uniqueTogether.map((group) => group.map(swap)),
    },
    indexes: m.indexes.map((index) => ({ ...index, fields: index.fields.map(swap) })),
    constraints: m.constraints.map((c) =>
      Array.isArray(c.fields) ? { ...c, fields: (c.fields as string[]).map(swap) } : c,
    ),
  }
}

/**
 * Renames a field; its column follows (unless it has an explicit dbColumn), and the values stay.
 *
 * @example
 * ```ts
 * migrations.renameField({ model: 'Question', oldName: 'text', newName: 'questionText' })
 * ```
 */
export function renameField(args: { model: string; oldName: string; newName: string }): Operation {
  return fieldOperation(
    'renameField',
    args,
    args.model,
    `Rename field ${args.oldName} on ${args.model} to ${args.newName}`,
    (m) => renameInModel(m, args.oldName, args.newName),
    { renamed: new Map([[args.newName, args.oldName]]) },
    { renamed: new Map([[args.oldName, args.newName]]) },
  )
}
