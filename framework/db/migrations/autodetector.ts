/**
 * @module The autodetector (Django's MigrationAutodetector): compares the state the migrations
 * build with the state of the declared models and returns, per app, the operations that take one
 * to the other. Pure apart from the injected questioner (renames, one-off defaults). Each
 * operation is applied to a working copy of the state as it is emitted, so later comparisons see
 * renames already done.
 */
import type { AnyField } from '../models/fields.ts'
import type { FieldState, ModelState } from '../models/model-state.ts'
import { deepEqual } from './field-state.ts'
import { addField, alterField, removeField, renameField } from './operations/field-operations.ts'
import {
  addConstraint,
  addIndex,
  removeConstraint,
  removeIndex,
  renameIndex,
} from './operations/index-operations.ts'
import {
  alterModelOptions,
  alterModelTable,
  alterUniqueTogether,
  createModel,
  deleteModel,
  renameModel,
  type CreateModelOptions,
} from './operations/model-operations.ts'
import type { Operation } from './operations/operation.ts'
import { defaultTable, defaultVerboseName, labelOf, ProjectState } from './project-state.ts'
import type { Questioner } from './questioner.ts'

/** The changes of one app: its operations and the other apps' models they point at. */
export interface AppChanges {
  readonly operations: Operation[]
  /** Labels of models in other apps the operations reference (for the migration's dependencies). */
  readonly references: Set<string>
}

/** The field as the migration will write it: validators are code, not schema, and are left out. */
function comparable(field: FieldState): FieldState {
  const { validators: _validators, ...options } = field.options
  return { ...field, options }
}

/** Whether two fields are the same definition apart from their name (and the column it gives). */
function sameDefinition(a: FieldState, b: FieldState): boolean {
  const strip = (f: FieldState): unknown => {
    const c = comparable(f)
    const explicit = typeof c.options.dbColumn === 'string'
    return { ...c, name: '', column: explicit ? c.column : '' }
  }
  return deepEqual(strip(a), strip(b))
}

/** A declared-style field object from a field's state (what the writer prints as `fields.x(...)`). */
export function fieldFromState(state: FieldState): AnyField {
  const { validators: _validators, ...options } = state.options
  const relation = state.relation
  const merged: Record<string, unknown> = { ...options }
  if (relation?.onDelete) merged.onDelete = relation.onDelete
  if (relation?.relatedName) merged.relatedName = relation.relatedName
  if (relation?.through) {
    const through = relation.through
    merged.through = () => through
  }
  const field = { kind: state.type, options: merged } as unknown as AnyField & { to?: () => string }
  if (relation) {
    const to = relation.to
    return { ...field, to: () => to } as AnyField
  }
  return field
}

function fieldsRecord(model: ModelState): Record<string, AnyField> {
  return Object.fromEntries(model.fields.map((f) => [f.name, fieldFromState(f)]))
}

function createOptions(model: ModelState): CreateModelOptions | undefined {
  const options: { -readonly [K in keyof CreateModelOptions]: CreateModelOptions[K] } = {}
  if (model.dbTable !== defaultTable(model.appLabel, model.name)) options.dbTable = model.dbTable
  if (model.options.ordering.length) options.ordering = model.options.ordering
  if (model.options.uniqueTogether.length) options.uniqueTogether = model.options.uniqueTogether
  if (model.options.verboseName !== defaultVerboseName(model.name))
    options.verboseName = model.options.verboseName
  if (model.indexes.length) options.indexes = model.indexes
  if (model.constraints.length)
    options.constraints = model.constraints as CreateModelOptions['constraints']
  return Object.keys(options).length ? options : undefined
}

function notNullWithoutDefault(field: FieldState): boolean {
  return (
    field.column !== null &&
    field.options.null !== true &&
    field.options.primaryKey !== true &&
    (!('default' in field.options) || field.options.default === undefined)
  )
}

/**
 * The models whose tables must exist before this model's: foreign key targets, and the targets
 * of auto-created many-to-many tables (an explicit `through` model is created on its own).
 */
function creationTargets(model: ModelState): string[] {
  return model.fields.flatMap((f) =>
    f.relation && !(f.relation.kind === 'ManyToManyField' && f.relation.through)
      ? [f.relation.to]
      : [],
  )
}

/** Relation targets of a model, for ordering creations and for dependencies. */
function targets(model: ModelState): string[] {
  return model.fields.flatMap((f) =>
    f.relation ? [f.relation.to, ...(f.relation.through ? [f.relation.through] : [])] : [],
  )
}

/**
 * The operations, per app, that take `from` (the migrations' state) to `to` (the models').
 *
 * @example
 * ```ts
 * const changes = await autodetect(stateFromMigrations, stateOfModels, nonInteractiveQuestioner())
 * changes.get('polls')?.operations.map((op) => op.describe()) // ['Add field votes to Choice']
 * ```
 */
export async function autodetect(
  from: ProjectState,
  to: ProjectState,
  questioner: Questioner,
  apps?: readonly string[],
): Promise<Map<string, AppChanges>> {
  const current = from.clone()
  const out = new Map<string, AppChanges>()
  const labels = apps ?? [...new Set([...from.models(), ...to.models()].map((m) => m.appLabel))]
  for (const app of labels) {
    const operations: Operation[] = []
    const emit = (operation: Operation): void => {
      operation.stateForwards(app, current)
      operations.push(operation)
    }
    const wanted = to.appModels(app).filter((m) => !m.autoCreated)
    const existing = (): ModelState[] => current.appModels(app).filter((m) => !m.autoCreated)
    const has = (name: string): boolean => existing().some((m) => m.name === name)

    // Renamed models: a removed and an added model with the same fields.
    for (const added of wanted.filter((m) => !has(m.name))) {
      for (const removed of existing().filter((m) => !wanted.some((w) => w.name === m.name))) {
        const relabel = (f: FieldState): FieldState =>
          f.relation?.to === labelOf(removed)
            ? { ...f, relation: { ...f.relation, to: labelOf(added) } }
            : f
        const same =
          removed.fields.length === added.fields.length &&
          removed.fields.every((f, i) =>
            deepEqual(comparable(relabel(f)), comparable(added.fields[i]!)),
          )
        if (same && (await questioner.askRenameModel(app, removed.name, added.name))) {
          emit(renameModel({ oldName: removed.name, newName: added.name }))
          break
        }
      }
    }

    // New models, each after the models of this app it points at.
    const pending = wanted.filter((m) => !has(m.name))
    while (pending.length) {
      let index = pending.findIndex((m) =>
        creationTargets(m).every((t) => t === labelOf(m) || !pending.some((p) => labelOf(p) === t)),
      )
      if (index === -1) index = 0 // A cycle: the database reports it; see docs/migrations.md.
      const [model] = pending.splice(index, 1)
      const options = createOptions(model!)
      emit(
        createModel({
          name: model!.name,
          fields: fieldsRecord(model!),
          ...(options ? { options } : {}),
        }),
      )
    }

    for (const target of wanted) {
      const model = (): ModelState => current.get(labelOf(target))
      if (model().dbTable !== target.dbTable)
        emit(alterModelTable({ name: target.name, table: target.dbTable }))

      // Renamed fields: a removed and an added field with the same definition.
      for (const added of target.fields.filter(
        (f) => !model().fields.some((g) => g.name === f.name),
      )) {
        const removed = model().fields.find(
          (f) => !target.fields.some((g) => g.name === f.name) && sameDefinition(f, added),
        )
        if (removed && (await questioner.askRenameField(labelOf(target), removed.name, added.name)))
          emit(renameField({ model: target.name, oldName: removed.name, newName: added.name }))
      }

      // Indexes and constraints that go, before the fields they use go.
      for (const index of model().indexes) {
        if (target.indexes.some((i) => deepEqual(i, index))) continue
        const renamed = target.indexes.find(
          (i) =>
            i.name &&
            index.name &&
            deepEqual(i.fields, index.fields) &&
            !model().indexes.some((j) => j.name === i.name),
        )
        if (renamed)
          emit(renameIndex({ model: target.name, oldName: index.name!, newName: renamed.name! }))
        else emit(removeIndex({ model: target.name, index }))
      }
      for (const constraint of model().constraints) {
        if (!target.constraints.some((c) => deepEqual(c, constraint)))
          emit(removeConstraint({ model: target.name, constraint: constraint as never }))
      }

      for (const field of model().fields) {
        if (!target.fields.some((f) => f.name === field.name))
          emit(removeField({ model: target.name, name: field.name }))
      }
      for (const field of target.fields) {
        const previous = model().fields.find((f) => f.name === field.name)
        if (!previous) {
          const oneOff = notNullWithoutDefault(field)
            ? await questioner.askNotNullAddition(labelOf(target), field.name)
            : undefined
          emit(
            addField({
              model: target.name,
              name: field.name,
              field: fieldFromState(field),
              ...(oneOff === undefined ? {} : { oneOffDefault: oneOff }),
            }),
          )
        } else if (!deepEqual(comparable(previous), comparable(field))) {
          const oneOff =
            previous.options.null === true && notNullWithoutDefault(field)
              ? await questioner.askNotNullAlteration(labelOf(target), field.name)
              : undefined
          emit(
            alterField({
              model: target.name,
              name: field.name,
              field: fieldFromState(field),
              ...(oneOff === undefined ? {} : { oneOffDefault: oneOff }),
            }),
          )
        }
      }

      if (!deepEqual(model().options.uniqueTogether, target.options.uniqueTogether))
        emit(
          alterUniqueTogether({ name: target.name, uniqueTogether: target.options.uniqueTogether }),
        )
      for (const index of target.indexes) {
        if (!model().indexes.some((i) => deepEqual(i, index)))
          emit(addIndex({ model: target.name, index }))
      }
      for (const constraint of target.constraints) {
        if (!model().constraints.some((c) => deepEqual(c, constraint)))
          emit(addConstraint({ model: target.name, constraint: constraint as never }))
      }
      const m = model()
      if (
        !deepEqual(m.options.ordering, target.options.ordering) ||
        m.options.verboseName !== target.options.verboseName
      ) {
        emit(
          alterModelOptions({
            name: target.name,
            options: {
              ...(target.options.ordering.length ? { ordering: target.options.ordering } : {}),
              ...(target.options.verboseName !== defaultVerboseName(target.name)
                ? { verboseName: target.options.verboseName }
                : {}),
            },
          }),
        )
      }
    }

    // Models that are gone, those pointed at last.
    const gone = existing().filter((m) => !wanted.some((w) => w.name === m.name))
    gone.sort(
      (a, b) => Number(targets(b).includes(labelOf(a))) - Number(targets(a).includes(labelOf(b))),
    )
    for (const model of gone) emit(deleteModel({ name: model.name }))

    if (operations.length) {
      const references = new Set<string>()
      for (const model of current.appModels(app))
        for (const target of targets(model))
          if (!target.startsWith(`${app}.`)) references.add(target)
      out.set(app, { operations, references })
    }
  }
  return out
}

/** The state of declared models (what makemigrations diffs against). */
export function stateOfModels(models: readonly ModelState[]): ProjectState {
  return new ProjectState(models.filter((m) => !m.autoCreated))
}
