/**
 * @module The project state: every model's state (framework/db/models/model-state.ts), by label,
 * as the migrations rebuild it by replaying operations. Immutable-by-convention: operations get a
 * clone and replace whole model states, so the executor can keep the state before each step.
 */
import { snakeCase } from '../models/fields.ts'
import type { FieldState, ModelState } from '../models/model-state.ts'
import { MigrationError } from './migration-error.ts'

/** A ModelState whose parts an operation may replace. */
export type MutableModelState = { -readonly [K in keyof ModelState]: ModelState[K] }

/** The state of every model of the project at one point of the migration history. */
export class ProjectState {
  readonly #models: Map<string, ModelState>

  constructor(models: Iterable<ModelState> = []) {
    this.#models = new Map([...models].map((model) => [labelOf(model), model]))
  }

  /** A copy that can be changed without touching this one. */
  clone(): ProjectState {
    return new ProjectState(this.#models.values())
  }

  /** Every model, in insertion order. */
  models(): ModelState[] {
    return [...this.#models.values()]
  }

  /** The models of one app. */
  appModels(appLabel: string): ModelState[] {
    return this.models().filter((model) => model.appLabel === appLabel)
  }

  has(label: string): boolean {
    return this.#models.has(label)
  }

  /** A model by `app.Model` label; a coded error names the known ones otherwise. */
  get(label: string): ModelState {
    const model = this.#models.get(label)
    if (!model) {
      throw new MigrationError(
        'migrations.E004',
        `The migration state has no model ${JSON.stringify(label)} (known: ${[...this.#models.keys()].join(', ') || 'none'})`,
        { hint: 'check the model name in the operation, or the dependencies of the migration' },
      )
    }
    return model
  }

  /** Adds or replaces a model. */
  put(model: ModelState): void {
    this.#models.set(labelOf(model), model)
  }

  remove(label: string): void {
    this.get(label)
    this.#models.delete(label)
  }

  /** The resolver the schema editor uses to find a related model's table and primary key. */
  resolver(): (label: string) => ModelState {
    return (label) => this.get(label)
  }
}

/** `app.Model`. */
export function labelOf(model: Pick<ModelState, 'appLabel' | 'name'>): string {
  return `${model.appLabel}.${model.name}`
}

/** The table a model gets when it names none: `<app>_<modelname>`. */
export function defaultTable(appLabel: string, name: string): string {
  return `${appLabel}_${name.toLowerCase()}`
}

/** The verbose name a model gets when it names none (as defineModel derives it). */
export function defaultVerboseName(name: string): string {
  return name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()
}

/** A field of a model state, or a coded error naming the fields it has. */
export function fieldOf(model: ModelState, name: string): FieldState {
  const field = model.fields.find((candidate) => candidate.name === name)
  if (!field) {
    throw new MigrationError(
      'migrations.E004',
      `Model ${labelOf(model)} has no field ${JSON.stringify(name)} in the migration state (fields: ${model.fields.map((f) => f.name).join(', ')})`,
      { hint: 'check the field name in the operation' },
    )
  }
  return field
}

/**
 * The state of the table Django would auto-create for a many-to-many field without `through`,
 * matching define-model.ts's through models (`<table>_<field>`, `<source>_id`, `<target>_id`).
 */
export function autoThroughState(
  model: ModelState,
  field: FieldState,
  target: ModelState,
): ModelState {
  const lower = (name: string): string => name[0]!.toLowerCase() + name.slice(1)
  const self = labelOf(model) === labelOf(target)
  const sourceName = self ? `from${model.name}` : lower(model.name)
  const targetName = self ? `to${target.name}` : lower(target.name)
  const fk = (name: string, to: ModelState): FieldState => ({
    name,
    type: 'ForeignKey',
    column: `${snakeCase(name)}_id`,
    options: {},
    relation: { kind: 'ForeignKey', to: labelOf(to), onDelete: 'CASCADE', relatedName: `+${name}` },
  })
  const name = `${model.name}${field.name[0]!.toUpperCase()}${field.name.slice(1)}`
  return {
    appLabel: model.appLabel,
    name,
    dbTable: `${model.dbTable}_${snakeCase(field.name)}`,
    autoCreated: true,
    fields: [
      { name: 'id', type: 'AutoField', column: 'id', options: { primaryKey: true } },
      fk(sourceName, model),
      fk(targetName, target),
    ],
    options: {
      ordering: [],
      uniqueTogether: [[sourceName, targetName]],
      verboseName: defaultVerboseName(name),
    },
    indexes: [],
    constraints: [],
  }
}

/** The auto-created through tables of a model's many-to-many fields. */
export function autoThroughStates(model: ModelState, state: ProjectState): ModelState[] {
  return model.fields
    .filter((field) => field.relation?.kind === 'ManyToManyField' && !field.relation.through)
    .map((field) =>
      autoThroughState(
        model,
        field,
        field.relation!.to === labelOf(model) ? model : state.get(field.relation!.to),
      ),
    )
}
