/**
 * @module Deletion with Django's onDelete rules, applied by the ORM (the database's own foreign
 * keys are plain, so DO_NOTHING leaves the database to object). Everything runs in one atomic
 * block: a PROTECT or RESTRICT found late rolls back what was already done.
 */
import { sql } from 'kysely'
import { getConnection } from '../connection/connections.ts'
import { ProtectedError, RestrictedError } from '../errors.ts'
import { defaultFor, instanceFromDb } from '../models/model-base.ts'
import { manyToManyInfo, reverseRelations, type ModelRuntime } from '../models/model-meta.ts'
import { postDelete, preDelete } from '../signals.ts'
import { atomic } from '../transaction/atomic.ts'

const BATCH = 500

/**
 * Deletes rows of `model` by pk, cascading first; returns how many rows were deleted in all.
 *
 * @example
 * ```ts
 * await deleteCollected(Question, [1, 2], 'default')
 * ```
 */
export async function deleteCollected(
  model: ModelRuntime,
  pks: readonly unknown[],
  using: string,
): Promise<number> {
  return atomic(
    async () => {
      const collector: Collector = { deleting: new Map(), plan: [], restricts: [] }
      await collect(model, [...pks], using, collector)
      // Why after collecting: RESTRICT allows a row that is itself being deleted by a cascade.
      checkRestricts(collector)
      const plan = collector.plan
      let total = 0
      for (const step of plan.reverse()) total += await deleteRows(step.model, step.pks, using)
      return total
    },
    { using },
  )
}

async function selectPks(
  model: ModelRuntime,
  column: string,
  values: readonly unknown[],
  using: string,
): Promise<unknown[]> {
  const connection = getConnection(using)
  const out: unknown[] = []
  for (let start = 0; start < values.length; start += BATCH) {
    const query = connection.backend.kysely
      .selectFrom(model.meta.dbTable)
      .select(model.meta.pk.column!)
      .where(column, 'in', values.slice(start, start + BATCH) as never)
      .compile()
    out.push(
      ...(await connection.execute<Record<string, unknown>>(query)).rows.map(
        (row) => row[model.meta.pk.column!],
      ),
    )
  }
  return out
}

interface Collector {
  readonly deleting: Map<ModelRuntime, Set<unknown>>
  readonly plan: { model: ModelRuntime; pks: unknown[] }[]
  readonly restricts: {
    relation: ModelRuntime
    field: string
    pks: unknown[]
    from: ModelRuntime
  }[]
}

async function collect(
  model: ModelRuntime,
  pks: unknown[],
  using: string,
  collector: Collector,
): Promise<void> {
  const { deleting, plan } = collector
  const seen = deleting.get(model) ?? new Set()
  deleting.set(model, seen)
  const fresh = pks.filter((pk) => !seen.has(pk))
  if (fresh.length === 0) return
  for (const pk of fresh) seen.add(pk)
  plan.push({ model, pks: fresh })
  const connection = getConnection(using)
  for (const relation of reverseRelations(model)) {
    const field = relation.field
    if (field.relation!.kind === 'ManyToManyField') continue
    const onDelete = field.relation!.onDelete
    if (onDelete === 'DO_NOTHING') continue
    const related = await selectPks(relation.model, field.column!, fresh, using)
    if (related.length === 0) continue
    switch (onDelete) {
      case 'CASCADE':
        await collect(relation.model, related, using, collector)
        break
      case 'PROTECT':
        throw new ProtectedError(
          `Cannot delete ${model.meta.modelName} ${JSON.stringify(fresh)}: ${related.length} ${relation.model.meta.modelName} row(s) reference it through the protected foreign key ${relation.model.meta.modelName}.${field.name}; delete or reassign them first`,
          related,
        )
      case 'RESTRICT':
        collector.restricts.push({
          relation: relation.model,
          field: field.name,
          pks: related,
          from: model,
        })
        break
      case 'SET_NULL':
      case 'SET_DEFAULT': {
        const value = onDelete === 'SET_NULL' ? null : defaultFor(field)
        const query = connection.backend.kysely
          .updateTable(relation.model.meta.dbTable)
          .set({ [field.column!]: value ?? null })
          .where(field.column!, 'in', fresh as never)
          .compile()
        await connection.execute(query)
        break
      }
    }
  }
  // Many-to-many rows go with either side.
  for (const field of model.meta.fields) {
    if (field.relation?.kind !== 'ManyToManyField') continue
    const info = manyToManyInfo(model, field)
    await deleteWhere(info.through, info.sourceField.column!, fresh, using)
  }
  for (const relation of reverseRelations(model)) {
    if (relation.field.relation!.kind !== 'ManyToManyField') continue
    const info = manyToManyInfo(relation.model, relation.field)
    await deleteWhere(info.through, info.targetField.column!, fresh, using)
  }
}

/** RESTRICT: allowed only if every referencing row is itself being deleted. */
function checkRestricts(collector: Collector): void {
  for (const check of collector.restricts) {
    const doomed = collector.deleting.get(check.relation) ?? new Set()
    const blocking = check.pks.filter((pk) => !doomed.has(pk))
    if (blocking.length) {
      throw new RestrictedError(
        `Cannot delete ${check.from.meta.modelName}: ${blocking.length} ${check.relation.meta.modelName} row(s) reference it through the restricted foreign key ${check.relation.meta.modelName}.${check.field}; delete them first`,
        blocking,
      )
    }
  }
}

async function deleteWhere(
  model: ModelRuntime,
  column: string,
  values: readonly unknown[],
  using: string,
): Promise<void> {
  const connection = getConnection(using)
  for (let start = 0; start < values.length; start += BATCH) {
    const query = connection.backend.kysely
      .deleteFrom(model.meta.dbTable)
      .where(column, 'in', values.slice(start, start + BATCH) as never)
      .compile()
    await connection.execute(query)
  }
}

async function deleteRows(
  model: ModelRuntime,
  pks: readonly unknown[],
  using: string,
): Promise<number> {
  if (pks.length === 0) return 0
  const connection = getConnection(using)
  const withSignals = preDelete.hasReceivers(model) || postDelete.hasReceivers(model)
  let instances: object[] = []
  if (withSignals) {
    const fields = model.meta.concreteFields
    for (let start = 0; start < pks.length; start += BATCH) {
      const query = connection.backend.kysely
        .selectFrom(model.meta.dbTable)
        .select(
          fields.map(
            (field) => sql`${sql.ref(field.column!)} as ${sql.ref(field.attname)}`,
          ) as never,
        )
        .where(model.meta.pk.column!, 'in', pks.slice(start, start + BATCH) as never)
        .compile()
      const rows = (await connection.execute<Record<string, unknown>>(query)).rows
      instances.push(
        ...rows.map((row) => {
          for (const field of fields)
            row[field.attname] = connection.backend.fromDb(
              field.relation ? 'IntegerField' : field.kind,
              row[field.attname],
              field.options,
            )
          return instanceFromDb(model, row, using)
        }),
      )
    }
    for (const instance of instances) await preDelete.send({ sender: model, instance, using })
  }
  let count = 0
  for (let start = 0; start < pks.length; start += BATCH) {
    const query = connection.backend.kysely
      .deleteFrom(model.meta.dbTable)
      .where(model.meta.pk.column!, 'in', pks.slice(start, start + BATCH) as never)
      .compile()
    count += Number((await connection.execute(query)).numAffectedRows ?? 0n)
  }
  for (const instance of instances) await postDelete.send({ sender: model, instance, using })
  instances = []
  return count
}
