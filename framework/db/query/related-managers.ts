/**
 * @module Related managers: `question.relatedSet(Choice)` (reverse foreign key) and
 * `article.tags` (many-to-many). Each is a QuerySet restricted to the related rows, plus the
 * methods that change the relation; prefetched rows are served without a query.
 */
import { getConnection } from '../connection/connections.ts'
import { QuerySetError } from '../errors.ts'
import { defaultFor, stateOf } from '../models/model-base.ts'
import { type FieldMeta, type ManyToManyInfo, type ModelRuntime } from '../models/model-meta.ts'
import type { CreateInput, FieldsOf, InstanceOf } from '../models/types.ts'
import { atomic } from '../transaction/atomic.ts'
import { QuerySet } from './query-set.ts'

type Saved = { pk: unknown; save(options?: object): Promise<void> }

function pkOf(value: unknown): unknown {
  return value && typeof value === 'object' && 'pk' in value ? (value as { pk: unknown }).pk : value
}

function requireSaved(instance: object, what: string): unknown {
  const pk = (instance as { pk: unknown }).pk
  if (pk === undefined || pk === null) {
    throw new QuerySetError(
      `${(instance.constructor as ModelRuntime).meta.modelName} instance needs a pk before ${what}: save() it first`,
    )
  }
  return pk
}

/**
 * The rows of `model` whose foreign key `field` points at `instance`.
 *
 * @example
 * ```ts
 * const choices = question.relatedSet(Choice)
 * await choices.create({ choiceText: 'Not much', votes: 0 })
 * const list = await choices.all().list()
 * ```
 */
export class RelatedManager<M> extends QuerySet<M> {
  readonly #instance: object
  readonly #field: FieldMeta
  readonly #accessor: string

  constructor(model: M, field: FieldMeta, instance: object, accessor: string) {
    const pk = requireSaved(instance, `using its ${accessor}`)
    super(model, {
      where: [{ kind: 'leaf', args: { [field.attname]: pk } }],
      using: stateOf(instance).db,
    })
    this.#instance = instance
    this.#field = field
    this.#accessor = accessor
  }

  /** The related rows; served from the prefetch cache when `prefetchRelated` loaded them. */
  override all(): QuerySet<M> {
    const cached = stateOf(this.#instance).related.get(this.#accessor)
    return Array.isArray(cached) ? super.all().withCache(cached as InstanceOf<M>[]) : super.all()
  }

  /** Creates a related object pointing at the instance. */
  override async create(values: Omit<CreateInput<FieldsOf<M>>, never>): Promise<InstanceOf<M>> {
    stateOf(this.#instance).related.delete(this.#accessor)
    return super.create({
      ...values,
      [this.#field.attname]: (this.#instance as { pk: unknown }).pk,
    } as CreateInput<FieldsOf<M>>)
  }

  /** Points the given saved objects at the instance (one UPDATE). */
  async add(...objects: InstanceOf<M>[]): Promise<void> {
    stateOf(this.#instance).related.delete(this.#accessor)
    const pk = (this.#instance as { pk: unknown }).pk
    for (const object of objects) (object as Record<string, unknown>)[this.#field.attname] = pk
    const model = this.model as unknown as ModelRuntime & { objects: QuerySet<unknown> }
    await model.objects
      .using(this.db)
      .filter({ pk__in: objects.map((object) => requireSaved(object as object, 'add()')) } as never)
      .update({ [this.#field.attname]: pk } as never)
  }

  /** Unlinks objects (sets the foreign key to NULL; only for `null: true` foreign keys). */
  async remove(...objects: InstanceOf<M>[]): Promise<void> {
    if (!this.#field.nullable) {
      throw new QuerySetError(
        `remove() would set ${this.#field.name} to NULL, but it is not null: true; delete the objects instead`,
      )
    }
    stateOf(this.#instance).related.delete(this.#accessor)
    for (const object of objects) (object as Record<string, unknown>)[this.#field.attname] = null
    await this.filter({ pk__in: objects.map((object) => pkOf(object)) } as never).update({
      [this.#field.attname]: null,
    } as never)
  }

  /** Unlinks every related object (nullable foreign keys only). */
  async clear(): Promise<void> {
    if (!this.#field.nullable)
      throw new QuerySetError(`clear() needs ${this.#field.name} to be null: true`)
    stateOf(this.#instance).related.delete(this.#accessor)
    await this.update({ [this.#field.attname]: null } as never)
  }
}

/**
 * Both sides of a many-to-many relation: `article.tags.add(tag)`, `tag.relatedSet(Article)`.
 *
 * @example
 * ```ts
 * await article.tags.add(news, tech)
 * const names = await article.tags.all().valuesList(['name'], { flat: true }).list()
 * ```
 */
export class ManyRelatedManager<M> extends QuerySet<M> {
  readonly #instance: object
  readonly #info: ManyToManyInfo
  readonly #forward: boolean
  readonly #accessor: string
  readonly #queryName: string

  constructor(
    model: M,
    info: ManyToManyInfo,
    instance: object,
    forward: boolean,
    accessor: string,
    queryName: string,
  ) {
    const pk = requireSaved(instance, `using its ${accessor}`)
    super(model, {
      where: [{ kind: 'leaf', args: { [queryName]: pk } }],
      using: stateOf(instance).db,
    })
    this.#instance = instance
    this.#info = info
    this.#forward = forward
    this.#accessor = accessor
    this.#queryName = queryName
  }

  get #near(): FieldMeta {
    return this.#forward ? this.#info.sourceField : this.#info.targetField
  }

  get #far(): FieldMeta {
    return this.#forward ? this.#info.targetField : this.#info.sourceField
  }

  override all(): QuerySet<M> {
    const cached = stateOf(this.#instance).related.get(this.#accessor)
    return Array.isArray(cached) ? super.all().withCache(cached as InstanceOf<M>[]) : super.all()
  }

  /** Links objects (or pks); links that exist already are left alone. */
  async add(...objects: (InstanceOf<M> | number)[]): Promise<void> {
    stateOf(this.#instance).related.delete(this.#accessor)
    const near = (this.#instance as { pk: unknown }).pk
    const ids = [...new Set(objects.map((object) => pkOf(object)))]
    if (ids.length === 0) return
    const connection = getConnection(this.db)
    const through = this.#info.through.meta
    await atomic(
      async () => {
        const existing = new Set(
          (
            await connection.execute<Record<string, unknown>>(
              connection.backend.kysely
                .selectFrom(through.dbTable)
                .select(this.#far.column!)
                .where(this.#near.column!, '=', near as never)
                .where(this.#far.column!, 'in', ids as never)
                .compile(),
            )
          ).rows.map((row) => row[this.#far.column!]),
        )
        // Why: an explicit through model's other fields take their defaults (Django's through_defaults).
        const extra = Object.fromEntries(
          through.concreteFields
            .filter((field) => !field.primaryKey && field !== this.#near && field !== this.#far)
            .map((field) => [
              field.column!,
              connection.backend.toDb(
                field.relation ? 'IntegerField' : field.kind,
                defaultFor(field),
                field.options,
              ),
            ]),
        )
        const rows = ids
          .filter((id) => !existing.has(id))
          .map((id) => ({ ...extra, [this.#near.column!]: near, [this.#far.column!]: id }))
        if (rows.length)
          await connection.execute(
            connection.backend.kysely.insertInto(through.dbTable).values(rows).compile(),
          )
      },
      { using: this.db },
    )
  }

  /** Unlinks objects (or pks). */
  async remove(...objects: (InstanceOf<M> | number)[]): Promise<void> {
    stateOf(this.#instance).related.delete(this.#accessor)
    const ids = objects.map((object) => pkOf(object))
    if (ids.length === 0) return
    const connection = getConnection(this.db)
    await connection.execute(
      connection.backend.kysely
        .deleteFrom(this.#info.through.meta.dbTable)
        .where(this.#near.column!, '=', (this.#instance as { pk: unknown }).pk as never)
        .where(this.#far.column!, 'in', ids as never)
        .compile(),
    )
  }

  /** Unlinks everything. */
  async clear(): Promise<void> {
    stateOf(this.#instance).related.delete(this.#accessor)
    const connection = getConnection(this.db)
    await connection.execute(
      connection.backend.kysely
        .deleteFrom(this.#info.through.meta.dbTable)
        .where(this.#near.column!, '=', (this.#instance as { pk: unknown }).pk as never)
        .compile(),
    )
  }

  /** Makes the links exactly `objects`. */
  async set(objects: readonly (InstanceOf<M> | number)[]): Promise<void> {
    await atomic(
      async () => {
        await this.clear()
        await this.add(...objects)
      },
      { using: this.db },
    )
  }

  /** Creates a far object and links it. */
  override async create(values: CreateInput<FieldsOf<M>>): Promise<InstanceOf<M>> {
    return atomic(
      async () => {
        const created = await super.create(values)
        await this.add(created)
        return created
      },
      { using: this.db },
    )
  }

  /** The lookup name this manager filters on (for debugging). */
  get queryName(): string {
    return this.#queryName
  }
}

export type { Saved }
