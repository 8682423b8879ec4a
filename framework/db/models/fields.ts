/**
 * @module Field declarations: `fields.char({ maxLength: 200 })` and friends. A field is plain data
 * (its kind and options); the TypeScript value type rides along as a phantom so that
 * `defineModel` can derive the row type, the kysely table type and the zod schema from it.
 */

/** Every field kind the ORM knows; the string is also the `type` in a model's state. */
export type FieldKind =
  | 'AutoField'
  | 'BigAutoField'
  | 'CharField'
  | 'TextField'
  | 'IntegerField'
  | 'BigIntegerField'
  | 'SmallIntegerField'
  | 'FloatField'
  | 'DecimalField'
  | 'BooleanField'
  | 'DateField'
  | 'DateTimeField'
  | 'TimeField'
  | 'DurationField'
  | 'UUIDField'
  | 'JSONField'
  | 'EmailField'
  | 'URLField'
  | 'SlugField'
  | 'BinaryField'
  | 'ForeignKey'
  | 'OneToOneField'
  | 'ManyToManyField'

/** A validator returns an error message, or nothing when the value is valid. */
export type Validator<T> = (value: T) => string | undefined | void

/** Options every field accepts (Django's names, camelCased). */
export interface BaseOptions<T> {
  /** The column accepts NULL and the value type gains `| null`. */
  readonly null?: boolean
  /** Forms and `fullClean()` accept an empty value. */
  readonly blank?: boolean
  /** A value, or a function called for each new instance. */
  readonly default?: T | null | (() => T)
  readonly unique?: boolean
  readonly dbIndex?: boolean
  readonly primaryKey?: boolean
  readonly choices?: readonly (readonly [T, string])[]
  /** The column name; by default the field name in snake_case. */
  readonly dbColumn?: string
  readonly verboseName?: string
  readonly helpText?: string
  readonly validators?: readonly Validator<T>[]
}

/** What onDelete does to rows that reference a deleted row. */
export type OnDelete =
  'CASCADE' | 'PROTECT' | 'RESTRICT' | 'SET_NULL' | 'SET_DEFAULT' | 'DO_NOTHING'

/**
 * A declared field. `T` is the value type in TypeScript; `O` the literal options, kept so that
 * `null: true` can widen the type and `default` can make the field optional in `create()`.
 */
export interface Field<K extends FieldKind = FieldKind, T = unknown, O = unknown> {
  readonly kind: K
  readonly options: O & BaseOptions<T> & Record<string, unknown>
  /** Phantom: never set at runtime. */
  readonly __value?: T
  /** Phantom: the literal options, for the type machinery. */
  readonly __options?: O
}

/** Any field. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyField = Field<FieldKind, any, any>

/** A relation field: `to` returns the target model (a thunk, so models may be declared in any order). */
export interface RelationField<K extends FieldKind, M, O> extends Field<K, number, O> {
  readonly to: () => M
}

type Opts<T, Extra = object> = BaseOptions<T> & Extra

function make<K extends FieldKind, T, O>(kind: K, options: O | undefined): Field<K, T, O> {
  return Object.freeze({ kind, options: Object.freeze({ ...(options ?? {}) }) }) as Field<K, T, O>
}

/** A JSON value. */
export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue }

/**
 * The field factories. Each mirrors the Django field of the same name.
 *
 * @example
 * ```ts
 * const Question = defineModel('Question', {
 *   questionText: fields.char({ maxLength: 200 }),
 *   pubDate: fields.dateTime({ autoNowAdd: true }),
 * }, { appLabel: 'polls' })
 * ```
 */
export const fields = {
  /** An auto-incrementing integer primary key (added as `id` when a model declares none). */
  auto: <const O extends Opts<number> = {}>(o?: O) =>
    make<'AutoField', number, O>('AutoField', { primaryKey: true, ...o } as O),
  bigAuto: <const O extends Opts<number> = {}>(o?: O) =>
    make<'BigAutoField', number, O>('BigAutoField', { primaryKey: true, ...o } as O),
  char: <const O extends Opts<string, { maxLength: number }>>(o: O) =>
    make<'CharField', string, O>('CharField', o),
  text: <const O extends Opts<string> = {}>(o?: O) => make<'TextField', string, O>('TextField', o),
  integer: <const O extends Opts<number> = {}>(o?: O) =>
    make<'IntegerField', number, O>('IntegerField', o),
  /** Numbers up to 2^53 round-trip exactly; beyond that, use a decimal. */
  bigInteger: <const O extends Opts<number> = {}>(o?: O) =>
    make<'BigIntegerField', number, O>('BigIntegerField', o),
  smallInteger: <const O extends Opts<number> = {}>(o?: O) =>
    make<'SmallIntegerField', number, O>('SmallIntegerField', o),
  float: <const O extends Opts<number> = {}>(o?: O) =>
    make<'FloatField', number, O>('FloatField', o),
  /** Values are strings (`'12.50'`) so no precision is lost to floating point. */
  decimal: <const O extends Opts<string, { maxDigits: number; decimalPlaces: number }>>(o: O) =>
    make<'DecimalField', string, O>('DecimalField', o),
  boolean: <const O extends Opts<boolean> = {}>(o?: O) =>
    make<'BooleanField', boolean, O>('BooleanField', o),
  /** A calendar date as `'YYYY-MM-DD'` (no time zone to get wrong). */
  date: <const O extends Opts<string, { autoNow?: boolean; autoNowAdd?: boolean }> = {}>(o?: O) =>
    make<'DateField', string, O>('DateField', o),
  /** An instant, as a `Date`; stored in UTC. */
  dateTime: <const O extends Opts<Date, { autoNow?: boolean; autoNowAdd?: boolean }> = {}>(o?: O) =>
    make<'DateTimeField', Date, O>('DateTimeField', o),
  /** A time of day as `'HH:MM:SS'` (or `'HH:MM:SS.ffffff'`). */
  time: <const O extends Opts<string> = {}>(o?: O) => make<'TimeField', string, O>('TimeField', o),
  /** A duration in milliseconds, stored as a big integer on both backends. */
  duration: <const O extends Opts<number> = {}>(o?: O) =>
    make<'DurationField', number, O>('DurationField', o),
  uuid: <const O extends Opts<string> = {}>(o?: O) => make<'UUIDField', string, O>('UUIDField', o),
  json: <const O extends Opts<JsonValue> = {}>(o?: O) =>
    make<'JSONField', JsonValue, O>('JSONField', o),
  email: <const O extends Opts<string, { maxLength?: number }> = {}>(o?: O) =>
    make<'EmailField', string, O>('EmailField', { maxLength: 254, ...o } as O),
  url: <const O extends Opts<string, { maxLength?: number }> = {}>(o?: O) =>
    make<'URLField', string, O>('URLField', { maxLength: 200, ...o } as O),
  slug: <const O extends Opts<string, { maxLength?: number }> = {}>(o?: O) =>
    make<'SlugField', string, O>('SlugField', { maxLength: 50, dbIndex: true, ...o } as O),
  binary: <const O extends Opts<Uint8Array> = {}>(o?: O) =>
    make<'BinaryField', Uint8Array, O>('BinaryField', o),
  /**
   * A many-to-one relation; the column is `<field>_id` and instances get `<field>Id`.
   *
   * @example
   * ```ts
   * question: fields.foreignKey(() => Question, { onDelete: 'CASCADE', relatedName: 'choiceSet' })
   * ```
   */
  foreignKey: <M, const O extends Opts<number, { onDelete: OnDelete; relatedName?: string }>>(
    to: () => M,
    o: O,
  ) =>
    ({ ...make<'ForeignKey', number, O>('ForeignKey', o), to }) as RelationField<
      'ForeignKey',
      M,
      O
    >,
  /** A foreign key that is also unique; the reverse side is a single object. */
  oneToOne: <M, const O extends Opts<number, { onDelete: OnDelete; relatedName?: string }>>(
    to: () => M,
    o: O,
  ) =>
    ({
      ...make<'OneToOneField', number, O>('OneToOneField', { ...o, unique: true } as O),
      to,
    }) as RelationField<'OneToOneField', M, O>,
  /**
   * A many-to-many relation through an automatic table (`<table>_<field>`) or an explicit
   * `through` model that has foreign keys to both sides.
   */
  manyToMany: <
    M,
    const O extends {
      through?: () => unknown
      relatedName?: string
      blank?: boolean
      verboseName?: string
      helpText?: string
    } = {},
  >(
    to: () => M,
    o?: O,
  ) =>
    ({ ...make<'ManyToManyField', number, O>('ManyToManyField', o), to }) as RelationField<
      'ManyToManyField',
      M,
      O
    >,
}

/** camelCase to snake_case: `pubDate` → `pub_date`, `questionText` → `question_text`. */
export function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)
}

/** The same conversion at the type level, so kysely table types carry the real column names. */
export type SnakeCase<S extends string> = S extends `${infer H}${infer T}`
  ? `${H extends Lowercase<H> ? H : `_${Lowercase<H>}`}${SnakeCase<T>}`
  : S
