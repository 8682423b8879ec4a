/**
 * @module The runtime description of a model (fields with their columns, relations, Meta) and the
 * model registry. Reverse relations are found by scanning the registry, lazily, because related
 * models are declared through thunks in any order.
 */
import { ModelDefinitionError } from '../errors.ts'
import type { AnyField, FieldKind, OnDelete } from './fields.ts'
import { snakeCase } from './fields.ts'

/** A constraint in Meta.constraints. */
export type ConstraintSpec =
  | { readonly type: 'unique'; readonly name: string; readonly fields: readonly string[] }
  | { readonly type: 'check'; readonly name: string; readonly check: string }

/** An index in Meta.indexes. */
export interface IndexSpec {
  readonly name?: string
  readonly fields: readonly string[]
}

/** The Meta options of `defineModel`. */
export interface ModelOptions {
  /** The app the model belongs to; the default table is `<appLabel>_<modelname>`. */
  readonly appLabel?: string
  readonly dbTable?: string
  /** Default ordering: field names, `-` for descending. */
  readonly ordering?: readonly string[]
  readonly indexes?: readonly IndexSpec[]
  /** Unique and check constraints; a check is an SQL expression over column names. */
  readonly constraints?: readonly ConstraintSpec[]
  readonly uniqueTogether?: readonly (readonly string[])[]
  readonly verboseName?: string
  readonly verboseNamePlural?: string
  /** Builds `instance.getAbsoluteUrl()`. */
  readonly getAbsoluteUrl?: (instance: never) => string
  /** Why: auto-created many-to-many tables are models too, marked so migrations can tell. */
  readonly autoCreated?: boolean
}

/** A model's runtime class, as the rest of the ORM sees it. */
export interface ModelRuntime {
  readonly meta: ModelMeta
  new (values?: Record<string, unknown>): object
}

/** One field, resolved. */
export interface FieldMeta {
  readonly name: string
  readonly kind: FieldKind
  readonly options: Readonly<Record<string, unknown>>
  /** The column name; undefined for many-to-many. */
  readonly column: string | undefined
  /** The instance property holding the column value (`question` → `questionId`). */
  readonly attname: string
  readonly primaryKey: boolean
  readonly nullable: boolean
  readonly relation?: {
    readonly kind: 'ForeignKey' | 'OneToOneField' | 'ManyToManyField'
    readonly target: () => ModelRuntime
    readonly onDelete?: OnDelete
    readonly relatedName?: string
    readonly through?: () => ModelRuntime
  }
}

/** A relation seen from its target: `Question` ← `Choice.question`. */
export interface ReverseRelation {
  readonly model: ModelRuntime
  readonly field: FieldMeta
  /** The instance accessor (`choiceSet`, or relatedName). */
  readonly accessor: string
  /** The name in lookups (`choice`, or relatedName). */
  readonly queryName: string
}

/** The resolved Meta of a model. */
export interface ModelMeta {
  readonly appLabel: string
  readonly modelName: string
  readonly label: string
  readonly dbTable: string
  readonly fields: readonly FieldMeta[]
  readonly concreteFields: readonly FieldMeta[]
  readonly byName: ReadonlyMap<string, FieldMeta>
  readonly pk: FieldMeta
  readonly ordering: readonly string[]
  readonly indexes: readonly IndexSpec[]
  readonly constraints: readonly ConstraintSpec[]
  readonly uniqueTogether: readonly (readonly string[])[]
  readonly verboseName: string
  readonly options: ModelOptions
}

const registry = new Map<string, ModelRuntime>()
let version = 0

/** Registers a model under `app.Model` (a later definition replaces an earlier one). */
export function registerModel(model: ModelRuntime): void {
  registry.set(model.meta.label, model)
  version++
}

/** Every registered model. */
export function allModels(): ModelRuntime[] {
  return [...registry.values()]
}

/** A model by label (`polls.Question`). */
export function getModel(label: string): ModelRuntime {
  const model = registry.get(label)
  if (!model) {
    throw new ModelDefinitionError(
      `No model ${JSON.stringify(label)} is registered (known: ${[...registry.keys()].join(', ')})`,
    )
  }
  return model
}

/** Builds the Meta of a model from its declaration. */
export function buildMeta(
  modelName: string,
  declared: Record<string, AnyField>,
  options: ModelOptions,
): ModelMeta {
  if (!/^[A-Z][A-Za-z0-9]*$/.test(modelName)) {
    throw new ModelDefinitionError(
      `Model name ${JSON.stringify(modelName)} must be PascalCase letters and digits, like 'Question'`,
    )
  }
  const appLabel = options.appLabel ?? 'app'
  const fieldList: FieldMeta[] = []
  const hasPk = Object.values(declared).some((field) => field.options.primaryKey === true)
  const entries: [string, AnyField][] = hasPk
    ? Object.entries(declared)
    : [
        ['id', { kind: 'AutoField', options: { primaryKey: true } } as AnyField],
        ...Object.entries(declared),
      ]
  for (const [name, field] of entries) {
    if (!field || typeof field !== 'object' || typeof field.kind !== 'string') {
      throw new ModelDefinitionError(
        `Field ${modelName}.${name} is not a field: declare it with fields.char(), fields.integer(), ...`,
      )
    }
    if (name.includes('__') || !/^[a-z][A-Za-z0-9]*$/.test(name)) {
      throw new ModelDefinitionError(
        `Field name ${JSON.stringify(name)} on ${modelName} must be camelCase without '__' (it separates lookups)`,
      )
    }
    const o = field.options as Record<string, unknown>
    const isRelation = field.kind === 'ForeignKey' || field.kind === 'OneToOneField'
    const isMany = field.kind === 'ManyToManyField'
    const base = typeof o.dbColumn === 'string' ? o.dbColumn : snakeCase(name)
    const relationField = field as unknown as { to?: () => ModelRuntime }
    if ((isRelation || isMany) && typeof relationField.to !== 'function') {
      throw new ModelDefinitionError(
        `Relation ${modelName}.${name} needs a thunk to its model: fields.foreignKey(() => Target, ...)`,
      )
    }
    if (isRelation && !o.onDelete) {
      throw new ModelDefinitionError(
        `ForeignKey ${modelName}.${name} needs onDelete: 'CASCADE', 'PROTECT', 'RESTRICT', 'SET_NULL', 'SET_DEFAULT' or 'DO_NOTHING'`,
      )
    }
    if (o.onDelete === 'SET_NULL' && o.null !== true) {
      throw new ModelDefinitionError(
        `ForeignKey ${modelName}.${name} has onDelete 'SET_NULL' but is not null: true`,
      )
    }
    fieldList.push({
      name,
      kind: field.kind,
      options: o,
      column: isMany
        ? undefined
        : isRelation && typeof o.dbColumn !== 'string'
          ? `${base}_id`
          : base,
      attname: isRelation ? `${name}Id` : name,
      primaryKey: o.primaryKey === true,
      nullable: o.null === true,
      ...(isRelation || isMany
        ? {
            relation: {
              kind: field.kind as 'ForeignKey' | 'OneToOneField' | 'ManyToManyField',
              target: relationField.to as () => ModelRuntime,
              ...(o.onDelete ? { onDelete: o.onDelete as OnDelete } : {}),
              ...(typeof o.relatedName === 'string' ? { relatedName: o.relatedName } : {}),
              ...(typeof o.through === 'function'
                ? { through: o.through as () => ModelRuntime }
                : {}),
            },
          }
        : {}),
    })
  }
  const pk = fieldList.find((field) => field.primaryKey)!
  const byName = new Map(fieldList.map((field) => [field.name, field]))
  for (const fieldName of [
    ...(options.ordering ?? []).map((o) => o.replace(/^-/, '').split('__')[0] ?? ''),
    ...(options.uniqueTogether ?? []).flat(),
  ]) {
    if (fieldName !== 'pk' && fieldName !== '?' && !byName.has(fieldName)) {
      throw new ModelDefinitionError(
        `Meta of ${modelName} names field ${JSON.stringify(fieldName)}, which it does not have (fields: ${[...byName.keys()].join(', ')})`,
      )
    }
  }
  return {
    appLabel,
    modelName,
    label: `${appLabel}.${modelName}`,
    dbTable:
      options.dbTable ??
      (options.appLabel ? `${appLabel}_${modelName.toLowerCase()}` : modelName.toLowerCase()),
    fields: fieldList,
    concreteFields: fieldList.filter((field) => field.column !== undefined),
    byName,
    pk,
    ordering: options.ordering ?? [],
    indexes: options.indexes ?? [],
    constraints: options.constraints ?? [],
    uniqueTogether: options.uniqueTogether ?? [],
    verboseName: options.verboseName ?? modelName.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase(),
    options,
  }
}

const reverseCache = new WeakMap<ModelRuntime, { version: number; list: ReverseRelation[] }>()

/** The relations of other models that point at `model` (FK, O2O and M2M). */
export function reverseRelations(model: ModelRuntime): ReverseRelation[] {
  const cached = reverseCache.get(model)
  if (cached && cached.version === version) return cached.list
  const list: ReverseRelation[] = []
  for (const other of registry.values()) {
    for (const field of other.meta.fields) {
      if (!field.relation) continue
      let target: ModelRuntime
      try {
        target = resolveTarget(other, field)
      } catch {
        continue
      }
      if (target !== model) continue
      const lower = other.meta.modelName[0]!.toLowerCase() + other.meta.modelName.slice(1)
      const accessor =
        field.relation.relatedName ??
        (field.relation.kind === 'OneToOneField' ? lower : `${lower}Set`)
      list.push({ model: other, field, accessor, queryName: field.relation.relatedName ?? lower })
    }
  }
  reverseCache.set(model, { version, list })
  return list
}

/** A relation's target model, with a clear error when the thunk cannot resolve it yet. */
export function resolveTarget(model: ModelRuntime, field: FieldMeta): ModelRuntime {
  let target: ModelRuntime | undefined
  try {
    target = field.relation?.target()
  } catch (cause) {
    throw new ModelDefinitionError(
      `Relation ${model.meta.modelName}.${field.name} cannot resolve its model yet (${String(cause)})`,
    )
  }
  if (!target || !('meta' in target)) {
    throw new ModelDefinitionError(
      `Relation ${model.meta.modelName}.${field.name} must return a model from its thunk`,
    )
  }
  return target
}

/** How a many-to-many field is stored: its through model and the two foreign key columns. */
export interface ManyToManyInfo {
  readonly through: ModelRuntime
  readonly target: ModelRuntime
  /** The through model's FK to the model declaring the field. */
  readonly sourceField: FieldMeta
  /** The through model's FK to the target. */
  readonly targetField: FieldMeta
}

let autoThroughFactory: ((model: ModelRuntime, field: FieldMeta) => ModelRuntime) | undefined
const throughCache = new WeakMap<ModelRuntime, Map<string, ManyToManyInfo>>()

/** Internal: define-model.ts installs the function that declares auto-created through models. */
export function setAutoThroughFactory(
  factory: (model: ModelRuntime, field: FieldMeta) => ModelRuntime,
): void {
  autoThroughFactory = factory
}

/** The through model and columns of a many-to-many field (the auto one is declared on first use). */
export function manyToManyInfo(model: ModelRuntime, field: FieldMeta): ManyToManyInfo {
  let perModel = throughCache.get(model)
  const cached = perModel?.get(field.name)
  if (cached) return cached
  const target = resolveTarget(model, field)
  const through = field.relation?.through
    ? field.relation.through()
    : autoThroughFactory!(model, field)
  const fks = through.meta.fields.filter((f) => f.relation && f.relation.kind !== 'ManyToManyField')
  const toSource = fks.filter((f) => resolveTarget(through, f) === model)
  const toTarget = fks.filter((f) => resolveTarget(through, f) === target)
  // Why [0]/[1]: on a self-referential relation both FKs point to the same model, in declaration order.
  const sourceField = toSource[0]
  const targetField = model === target ? toTarget[1] : toTarget[0]
  if (!sourceField || !targetField) {
    throw new ModelDefinitionError(
      `Through model ${through.meta.modelName} of ${model.meta.modelName}.${field.name} needs a ForeignKey to ${model.meta.modelName} and one to ${target.meta.modelName}`,
    )
  }
  const info = { through, target, sourceField, targetField }
  if (!perModel) throughCache.set(model, (perModel = new Map()))
  perModel.set(field.name, info)
  return info
}
