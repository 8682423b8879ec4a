/**
 * @module The type machinery that turns a field declaration into the row type, the instance
 * type, `create()`'s input, the kysely table type, and the lookup keys `filter()` accepts (so a
 * typo in a field or lookup name is a compile error). Nothing here exists at runtime.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { ColumnType, Generated } from 'kysely'
import type { ManyRelatedManager, RelatedManager } from '../query/related-managers.ts'
import type { FieldKind, RelationField, SnakeCase } from './fields.ts'

/**
 * A model's field declarations. Why not `Record<string, AnyField>`: its `any` options would be
 * inferred as the options of `fields.dateTime()` called without arguments (contextual typing).
 */
export type FieldsShape = Record<string, { readonly kind: FieldKind }>

/** Flattens intersections for readable hovers. */
export type Simplify<T> = { [K in keyof T]: T[K] } & {}

type Opt<F> = F extends { readonly __options?: infer O } ? O : never
type ValueType<F> = F extends { readonly __value?: infer T } ? T : never
type IsNullable<F> = Opt<F> extends { null: true } ? true : false

/** The TypeScript value of a field (`| null` when declared `null: true`). */
export type FieldValue<F> = IsNullable<F> extends true ? ValueType<F> | null : ValueType<F>

type RelKind = 'ForeignKey' | 'OneToOneField'
/** Names of ForeignKey and OneToOne fields. */
export type ForwardKeys<F> = {
  [K in keyof F & string]: F[K] extends { kind: RelKind } ? K : never
}[keyof F & string]
/** Names of ManyToMany fields. */
export type ManyKeys<F> = {
  [K in keyof F & string]: F[K] extends { kind: 'ManyToManyField' } ? K : never
}[keyof F & string]
/** Names of fields with a column of their own (not relations). */
export type PlainKeys<F> = Exclude<keyof F & string, ForwardKeys<F> | ManyKeys<F>>
type PkKeys<F> = {
  [K in keyof F & string]: Opt<F[K]> extends { primaryKey: true } ? K : never
}[keyof F & string]
type IdPart<F> = [PkKeys<F>] extends [never] ? { id: number } : unknown
/** The model a relation field points to. */
export type TargetOf<F> = F extends RelationField<any, infer M, any> ? M : never
/** The fields of a model type. */
export type FieldsOf<M> = M extends { readonly fields: infer F extends FieldsShape } ? F : never

/** One row as plain data: column fields plus `<fk>Id` for each foreign key, plus `id`. */
export type RowOf<F> = Simplify<
  IdPart<F> & { [K in PlainKeys<F>]: FieldValue<F[K]> } & {
    [K in ForwardKeys<F> as `${K}Id`]: IsNullable<F[K]> extends true ? number | null : number
  }
>

/** The methods every model instance has. */
export interface InstanceMethods {
  /** The primary key value (`undefined` before the first save). */
  readonly pk: number | string | undefined
  /** INSERT when new, UPDATE otherwise (only `updateFields` when given). */
  save(options?: {
    updateFields?: readonly string[]
    using?: string
    forceInsert?: boolean
  }): Promise<void>
  /** Deletes the row, applying onDelete rules to rows that reference it. */
  delete(options?: { using?: string }): Promise<number>
  /** Reloads the fields from the database. */
  refreshFromDb(options?: { fields?: readonly string[]; using?: string }): Promise<void>
  /** Runs field validators, choices, blank and unique checks (the last against the database). */
  fullClean(options?: {
    exclude?: readonly string[]
    validateUnique?: boolean
    using?: string
  }): Promise<void>
  /** The URL of this object, from the model's `getAbsoluteUrl` option. */
  getAbsoluteUrl(): string
  /** Loads a foreign key's target (cached on the instance). */
  getRelated(field: string): Promise<unknown>
  /** The reverse manager of `model`'s foreign key to this instance (`question.relatedSet(Choice)`). */
  relatedSet<M extends AnyModel>(model: M, field?: string): RelatedManagerOf<M>
  /** The column values as plain data. */
  toJSON(): Record<string, unknown>
}

/** A model instance: its row, its loaded relations, many-to-many managers and the methods. */
export type Instance<F> = RowOf<F> & {
  [K in ForwardKeys<F>]: IsNullable<F[K]> extends true
    ? InstanceOf<TargetOf<F[K]>> | null
    : InstanceOf<TargetOf<F[K]>>
} & { readonly [K in ManyKeys<F>]: ManyRelatedManagerOf<TargetOf<F[K]>> } & InstanceMethods

/** The instance type of a model. */
export type InstanceOf<M> = M extends { readonly fields: infer F extends FieldsShape }
  ? Instance<F>
  : never

type IsOptional<F> = F extends {
  kind:
    | 'AutoField'
    | 'BigAutoField'
    | 'CharField'
    | 'TextField'
    | 'EmailField'
    | 'URLField'
    | 'SlugField'
}
  ? true
  : Opt<F> extends
        | { null: true }
        | { default: unknown }
        | { autoNow: true }
        | { autoNowAdd: true }
        | { primaryKey: true }
    ? true
    : false
type RequiredPlain<F> = {
  [K in PlainKeys<F>]: IsOptional<F[K]> extends true ? never : K
}[PlainKeys<F>]

/**
 * What `create()` and the constructor accept: required fields, optional ones, relations by object or id.
 * Text fields are optional because, as in Django, they default to `''` (and fullClean rejects a
 * blank one unless `blank: true`).
 */
export type CreateInput<F> = Simplify<
  { [K in RequiredPlain<F>]: FieldValue<F[K]> } & {
    [K in Exclude<PlainKeys<F>, RequiredPlain<F>>]?: FieldValue<F[K]>
  } & { [K in ForwardKeys<F>]?: InstanceOf<TargetOf<F[K]>> | null } & {
    [K in ForwardKeys<F> as `${K}Id`]?: number | null
  } & { id?: number }
>

/** What `update()` accepts: any column field, each value or an F() expression. */
export type UpdateInput<F> = {
  [K in PlainKeys<F> | `${ForwardKeys<F>}Id` | ForwardKeys<F>]?: unknown
}

type ColumnName<K extends string, FF> =
  Opt<FF> extends { dbColumn: infer C extends string } ? C : SnakeCase<K>
type FkColumnName<K extends string, FF> =
  Opt<FF> extends { dbColumn: infer C extends string } ? C : `${SnakeCase<K>}_id`
type StoredValue<T> = T extends Date ? Date | string : T extends boolean ? boolean | number : T

/** The kysely table type of a model: snake_case column names, generated primary key. */
export type KyselyTable<F> = Simplify<
  ([PkKeys<F>] extends [never] ? { id: Generated<number> } : unknown) & {
    [K in PlainKeys<F> as ColumnName<K, F[K]>]: F[K] extends { kind: 'AutoField' | 'BigAutoField' }
      ? Generated<number>
      : ColumnType<StoredValue<FieldValue<F[K]>>>
  } & {
    [
      K in keyof F & string as F[K] extends { kind: RelKind } ? FkColumnName<K, F[K]> : never
    ]: IsNullable<F[K]> extends true ? number | null : number
  }
>

// ---- lookups ---------------------------------------------------------------------------------

type Comparisons = 'exact' | 'in' | 'gt' | 'gte' | 'lt' | 'lte' | 'range' | 'isnull'
/** Lookups on text fields. */
export type TextLookup =
  | Comparisons
  | 'iexact'
  | 'contains'
  | 'icontains'
  | 'startswith'
  | 'istartswith'
  | 'endswith'
  | 'iendswith'
  | 'regex'
  | 'iregex'
/** Date parts usable as transforms (`pubDate__year`, `pubDate__month__gte`). */
export type DatePart =
  'year' | 'month' | 'day' | 'week_day' | 'quarter' | 'hour' | 'minute' | 'second'
type DateLookup = Comparisons | DatePart | `${DatePart}__${Exclude<Comparisons, 'isnull'>}` | 'date'
type LookupsFor<FF> = FF extends {
  kind: 'CharField' | 'TextField' | 'EmailField' | 'URLField' | 'SlugField' | 'UUIDField'
}
  ? TextLookup
  : FF extends { kind: 'DateField' | 'DateTimeField' | 'TimeField' }
    ? DateLookup
    : FF extends { kind: 'JSONField' }
      ? 'exact' | 'isnull' | 'has_key' | `${string}`
      : FF extends { kind: 'BooleanField' | 'BinaryField' }
        ? 'exact' | 'isnull' | 'in'
        : Comparisons

type Prev = [never, 0, 1, 2, 3]
type PkLookups<F> =
  ([PkKeys<F>] extends [never] ? 'id' | `id__${Comparisons}` : never) | 'pk' | `pk__${Comparisons}`

/**
 * Every key `filter()` accepts on a model: `field`, `field__lookup`, `fkId`, and paths across
 * forward relations (`question__pubDate__year`), up to 3 relations deep.
 */
export type LookupKey<F, D extends number = 3> = [D] extends [never]
  ? never
  : | PkLookups<F>
    | {
        [K in keyof F & string]: F[K] extends { kind: RelKind }
          ? | K
            | `${K}Id`
            | `${K}__${Comparisons}`
            | `${K}Id__${Comparisons}`
            | `${K}__${LookupKey<FieldsOf<TargetOf<F[K]>>, Prev[D]>}`
          : F[K] extends { kind: 'ManyToManyField' }
            ? K | `${K}__${Comparisons}` | `${K}__${LookupKey<FieldsOf<TargetOf<F[K]>>, Prev[D]>}`
            : K | `${K}__${LookupsFor<F[K]>}`
      }[keyof F & string]

/** The object `filter()`/`exclude()`/`get()` take. */
export type FilterArgs<F> = { [K in LookupKey<F>]?: unknown }

/** Field paths usable in orderBy/values: own fields, fk ids, one relation deep. */
export type FieldPath<F> =
  | PkLookups<F>
  | PlainKeys<F>
  | `${ForwardKeys<F>}Id`
  | ForwardKeys<F>
  | { [K in ForwardKeys<F>]: `${K}__${PlainKeys<FieldsOf<TargetOf<F[K]>>> | 'id'}` }[ForwardKeys<F>]

/** `orderBy()` keys: a path, `-path` for descending, `?` for random. */
export type OrderKey<F> = FieldPath<F> | `-${FieldPath<F>}` | '?'

// ---- model type -------------------------------------------------------------------------------

/** Any model (for generic code). */
export interface AnyModel {
  readonly modelName: string
  readonly fields: FieldsShape
  readonly dbTable: string
}

/** The reverse manager type for model `M`. */
export type RelatedManagerOf<M> = RelatedManager<M> | ManyRelatedManager<M>
/** The many-to-many manager type for model `M`. */
export type ManyRelatedManagerOf<M> = ManyRelatedManager<M>
