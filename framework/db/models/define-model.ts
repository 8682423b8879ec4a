/**
 * @module `defineModel`: declares a model once and derives everything else from the declaration:
 * the instance class, `Model.objects` (a QuerySet), the kysely table type, the zod schema, and
 * the serialisable state migrations diff against.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { z } from 'zod'
import { DoesNotExist, MultipleObjectsReturned, QuerySetError } from '../errors.ts'
import { ManyRelatedManager, RelatedManager } from '../query/related-managers.ts'
import { QuerySet } from '../query/query-set.ts'
import { fields as fieldFactories, type AnyField } from './fields.ts'
import { ModelBase, stateOf } from './model-base.ts'
import {
  allModels,
  buildMeta,
  manyToManyInfo,
  registerModel,
  resolveTarget,
  reverseRelations,
  setAutoThroughFactory,
  type FieldMeta,
  type ModelMeta,
  type ModelOptions,
  type ModelRuntime,
} from './model-meta.ts'
import { modelState, type ModelState } from './model-state.ts'
import { registerConstraints } from '../schema/schema-editor.ts'
import type { CreateInput, FieldsShape, Instance, KyselyTable, RowOf } from './types.ts'
import { zodSchemaFor } from './zod-schema.ts'

type TableName<N extends string, O> = O extends { dbTable: infer T extends string }
  ? T
  : O extends { appLabel: infer A extends string }
    ? `${A}_${Lowercase<N>}`
    : Lowercase<N>

/** A model: construct instances with `new`, query with `objects`. */
export interface Model<
  N extends string = string,
  F extends FieldsShape = FieldsShape,
  T extends string = string,
> {
  new (values?: CreateInput<F>): Instance<F>
  readonly modelName: N
  readonly fields: F
  readonly dbTable: T
  readonly meta: ModelMeta
  /** The default manager: a QuerySet over every row. */
  readonly objects: QuerySet<Model<N, F, T>>
  /** Thrown by `get()` when nothing matches (a subclass of the ORM's DoesNotExist). */
  readonly DoesNotExist: typeof DoesNotExist
  readonly MultipleObjectsReturned: typeof MultipleObjectsReturned
  /** The serialisable state (fields, columns, indexes, constraints, relations) for migrations. */
  toState(): ModelState
  /** A zod schema of the writable fields, for forms and API input. */
  zodSchema(): z.ZodObject<any>
  /** Phantom types: `typeof Question.$row`, `typeof Question.$table`. */
  readonly $row: RowOf<F>
  readonly $table: KyselyTable<F>
}

/** Any model. */
export type AnyModelClass = Model<string, any, string>

/**
 * Declares a model. Fields are camelCase; columns are their snake_case (`pubDate` → `pub_date`,
 * foreign key `question` → `question_id`); the table is `<appLabel>_<modelname>`. An `id`
 * AutoField is added unless a field has `primaryKey: true`.
 *
 * @example
 * ```ts
 * export const Question = defineModel('Question', {
 *   questionText: fields.char({ maxLength: 200 }),
 *   pubDate: fields.dateTime(),
 * }, { appLabel: 'polls', ordering: ['-pubDate'] })
 *
 * const recent = await Question.objects.filter({ pubDate__year: 2024 }).list()
 * ```
 */
export function defineModel<
  const N extends string,
  const F extends FieldsShape,
  const O extends ModelOptions = {},
>(name: N, declared: F, options?: O): Model<N, F, TableName<N, O>> {
  const meta = buildMeta(name, declared as unknown as Record<string, AnyField>, options ?? {})
  class ModelDoesNotExist extends DoesNotExist {}
  class ModelMultipleObjectsReturned extends MultipleObjectsReturned {}
  Object.defineProperty(ModelDoesNotExist, 'name', { value: `${name}.DoesNotExist` })
  const model = class extends ModelBase {
    static readonly meta = meta
    static readonly modelName = name
    static readonly fields = declared
    static readonly dbTable = meta.dbTable
    static readonly DoesNotExist = ModelDoesNotExist
    static readonly MultipleObjectsReturned = ModelMultipleObjectsReturned
    static objects: QuerySet<any, any>
    static toState(): ModelState {
      return modelState(model as unknown as ModelRuntime)
    }
    static zodSchema(): z.ZodObject<any> {
      return zodSchemaFor(meta)
    }
    /** Reverse foreign key manager: `question.relatedSet(Choice)`. */
    relatedSet(other: ModelRuntime, fieldName?: string): unknown {
      return relatedManager(this, other, fieldName)
    }
  }
  Object.defineProperty(model, 'name', { value: name })
  model.objects = QuerySet.manager(model)
  installAccessors(model as unknown as ModelRuntime)
  registerModel(model as unknown as ModelRuntime)
  // Why at definition: another process may have created the tables; SQLite errors still get names.
  registerConstraints(modelState(model as unknown as ModelRuntime))
  installReverseAccessors()
  return model as unknown as Model<N, F, TableName<N, O>>
}

/**
 * Django's reverse accessors at runtime: `question.choiceSet`, `author.profile` (one-to-one,
 * a Promise of the object), `tag.articleSet`. Installed on the target's prototype once the
 * relation's thunk resolves (so after both models exist). TypeScript cannot see them (the target
 * is declared first); typed code uses `question.relatedSet(Choice)`; templates can use either.
 */
function installReverseAccessors(): void {
  for (const model of allModels()) {
    for (const relation of reverseRelations(model)) {
      if (relation.accessor.startsWith('+')) continue
      const prototype = (model as unknown as { prototype: object }).prototype
      if (Object.prototype.hasOwnProperty.call(prototype, relation.accessor)) continue
      if (model.meta.byName.has(relation.accessor)) continue
      const oneToOne = relation.field.relation!.kind === 'OneToOneField'
      Object.defineProperty(prototype, relation.accessor, {
        configurable: true,
        get(this: object) {
          if (!oneToOne) return relatedManager(this, relation.model, relation.field.name)
          const cached = stateOf(this).related
          if (cached.has(relation.accessor)) return Promise.resolve(cached.get(relation.accessor))
          const manager = relatedManager(this, relation.model, relation.field.name) as {
            first(): Promise<unknown>
          }
          return manager.first().then((found) => found ?? null)
        },
      })
    }
  }
}

/** Foreign key getters/setters and many-to-many managers on the prototype. */
function installAccessors(model: ModelRuntime): void {
  const prototype = (model as unknown as { prototype: object }).prototype
  for (const field of model.meta.fields) {
    if (!field.relation) continue
    if (field.relation.kind === 'ManyToManyField') {
      Object.defineProperty(prototype, field.name, {
        get(this: object) {
          const info = manyToManyInfo(model, field)
          const reverse = reverseRelations(info.target).find(
            (relation) => relation.field === field,
          )!
          return new ManyRelatedManager(
            info.target,
            info,
            this,
            true,
            field.name,
            reverse.queryName,
          )
        },
      })
      continue
    }
    Object.defineProperty(prototype, field.name, {
      get(this: Record<string, unknown>) {
        const related = stateOf(this).related
        if (related.has(field.name)) return related.get(field.name)
        if (this[field.attname] === null) return null
        throw new QuerySetError(
          `${model.meta.modelName}.${field.name} is not loaded: use selectRelated('${field.name}') or prefetchRelated('${field.name}'), or await obj.getRelated('${field.name}'); the id is obj.${field.attname}`,
        )
      },
      set(this: Record<string, unknown>, value: unknown) {
        stateOf(this).related.set(field.name, value)
        this[field.attname] = value === null ? null : (value as { pk: unknown }).pk
      },
    })
  }
}

/** The reverse manager for `other`'s relation (FK or M2M) pointing at `instance`'s model. */
function relatedManager(instance: object, other: ModelRuntime, fieldName?: string): unknown {
  const model = instance.constructor as ModelRuntime
  const candidates = reverseRelations(model).filter(
    (relation) => relation.model === other && (!fieldName || relation.field.name === fieldName),
  )
  if (candidates.length !== 1) {
    throw new QuerySetError(
      candidates.length === 0
        ? `${other.meta.modelName} has no relation to ${model.meta.modelName}${fieldName ? ` named ${fieldName}` : ''}`
        : `${other.meta.modelName} has several relations to ${model.meta.modelName}: pass the field name, relatedSet(${other.meta.modelName}, '${candidates[0]!.field.name}')`,
    )
  }
  const relation = candidates[0]!
  if (relation.field.relation!.kind === 'ManyToManyField') {
    const info = manyToManyInfo(other, relation.field)
    return new ManyRelatedManager(
      other,
      info,
      instance,
      false,
      relation.accessor,
      relation.field.name,
    )
  }
  return new RelatedManager(other, relation.field, instance, relation.accessor)
}

/** Auto-created through models: `<table>_<field>` with `<source>Id` and `<target>Id` (from/to when self-referential). */
setAutoThroughFactory((model: ModelRuntime, field: FieldMeta): ModelRuntime => {
  const target = resolveTarget(model, field)
  const lower = (name: string): string => name[0]!.toLowerCase() + name.slice(1)
  const self = target === model
  const sourceName = self ? `from${model.meta.modelName}` : lower(model.meta.modelName)
  const targetName = self ? `to${target.meta.modelName}` : lower(target.meta.modelName)
  const through = defineModel(
    `${model.meta.modelName}${field.name[0]!.toUpperCase()}${field.name.slice(1)}`,
    {
      [sourceName]: fieldFactories.foreignKey(() => model, {
        onDelete: 'CASCADE',
        relatedName: `+${sourceName}`,
      }),
      [targetName]: fieldFactories.foreignKey(() => target, {
        onDelete: 'CASCADE',
        relatedName: `+${targetName}`,
      }),
    },
    {
      appLabel: model.meta.appLabel,
      dbTable: `${model.meta.dbTable}_${field.column ?? field.name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`,
      uniqueTogether: [[sourceName, targetName]],
      autoCreated: true,
    },
  )
  return through as unknown as ModelRuntime
})

/** The auto-created through models of `model` (declares them if needed), for schema creation. */
export function throughModels(model: ModelRuntime): ModelRuntime[] {
  return model.meta.fields
    .filter((field) => field.relation?.kind === 'ManyToManyField' && !field.relation.through)
    .map((field) => manyToManyInfo(model, field).through)
}
