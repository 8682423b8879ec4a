/**
 * @module What deleting some objects would remove, without removing anything: the rows the
 * ORM's onDelete rules would cascade to (followed recursively), and the rows that PROTECT or
 * RESTRICT would refuse to delete. The admin's confirmation page lists both, as Django's does.
 *
 * It walks the same rules as framework/db's deletion collector (which deletes as it collects,
 * so it cannot be asked for a preview): CASCADE is followed, PROTECT and RESTRICT block unless
 * (for RESTRICT) the blocking row is itself in the cascade, SET_NULL, SET_DEFAULT and
 * DO_NOTHING remove nothing.
 */
import { allModels, type AnyModelClass } from '../../db/index.ts'
import type { FieldInfo } from './model-info.ts'
import { deletionName, isForeignKey } from './model-info.ts'

/** Most objects of one model named on the page; the rest are counted. */
const LISTED_PER_MODEL = 100

/** One object in the preview, with what it drags along. */
export interface DeletedNode {
  readonly model: AnyModelClass
  readonly obj: object
  readonly children: DeletedNode[]
}

/** The preview of a delete. */
export interface DeletionPreview {
  /** The objects asked for, each with its cascade below it. */
  readonly roots: readonly DeletedNode[]
  /** Objects per model, the asked-for ones included: `[{ name: 'choices', count: 3 }]`. */
  readonly summary: readonly { model: AnyModelClass; name: string; count: number }[]
  /** Rows that block the delete: `Choice 'x' (PROTECT on Choice.question)`. */
  readonly protectedObjects: readonly { model: AnyModelClass; obj: object; reason: string }[]
  /** Objects beyond LISTED_PER_MODEL that are deleted but not listed one by one. */
  readonly unlisted: number
}

interface Referrer {
  readonly model: AnyModelClass
  readonly field: FieldInfo
}

/** Foreign keys (and one-to-ones) of every registered model that point at `model`. */
function referrers(model: AnyModelClass): Referrer[] {
  const out: Referrer[] = []
  for (const candidate of allModels() as unknown as AnyModelClass[]) {
    for (const field of candidate.meta.fields) {
      if (isForeignKey(field) && field.relation!.target() === (model as unknown)) {
        out.push({ model: candidate, field })
      }
    }
  }
  return out
}

function pkOf(obj: object): unknown {
  return (obj as { pk: unknown }).pk
}

/**
 * Previews deleting `objects` of `model`. One query per (referring model, level) pair, in
 * batches of 500 keys.
 *
 * @example
 * ```ts
 * const preview = await previewDeletion(Question, [question])
 * preview.summary // [{ name: 'questions', count: 1 }, { name: 'choices', count: 3 }]
 * ```
 */
export async function previewDeletion(
  model: AnyModelClass,
  objects: readonly object[],
): Promise<DeletionPreview> {
  const seen = new Map<AnyModelClass, Map<unknown, DeletedNode>>()
  const restricted: { model: AnyModelClass; obj: object; reason: string }[] = []
  const protectedObjects: { model: AnyModelClass; obj: object; reason: string }[] = []
  const roots = objects.map((obj) => ({ model, obj, children: [] as DeletedNode[] }))
  seen.set(model, new Map(roots.map((node) => [pkOf(node.obj), node])))

  let level: { model: AnyModelClass; nodes: DeletedNode[] }[] = [{ model, nodes: roots }]
  while (level.length) {
    const next: { model: AnyModelClass; nodes: DeletedNode[] }[] = []
    for (const { model: parentModel, nodes } of level) {
      const byPk = new Map(nodes.map((node) => [pkOf(node.obj), node]))
      for (const { model: child, field } of referrers(parentModel)) {
        const rule = field.relation!.onDelete
        if (rule !== 'CASCADE' && rule !== 'PROTECT' && rule !== 'RESTRICT') continue
        const keys = [...byPk.keys()]
        const fresh: DeletedNode[] = []
        for (let start = 0; start < keys.length; start += 500) {
          const rows = (await child.objects
            .filter({ [`${field.attname}__in`]: keys.slice(start, start + 500) } as never)
            .orderBy('pk' as never)
            .list()) as object[]
          for (const row of rows) {
            const parent = byPk.get((row as Record<string, unknown>)[field.attname])
            const reason = `${rule} on ${child.meta.modelName}.${field.name}`
            if (rule === 'PROTECT') {
              protectedObjects.push({ model: child, obj: row, reason })
              continue
            }
            if (rule === 'RESTRICT') {
              restricted.push({ model: child, obj: row, reason })
              continue
            }
            const known = seen.get(child) ?? new Map<unknown, DeletedNode>()
            seen.set(child, known)
            if (known.has(pkOf(row))) continue
            const node: DeletedNode = { model: child, obj: row, children: [] }
            known.set(pkOf(row), node)
            parent?.children.push(node)
            fresh.push(node)
          }
        }
        if (fresh.length) next.push({ model: child, nodes: fresh })
      }
    }
    level = next
  }

  // RESTRICT blocks only rows the cascade does not delete anyway (Django's rule).
  for (const entry of restricted) {
    if (!seen.get(entry.model)?.has(pkOf(entry.obj))) protectedObjects.push(entry)
  }
  let unlisted = 0
  const summary = [...seen.entries()].map(([counted, nodes]) => {
    unlisted += Math.max(0, nodes.size - LISTED_PER_MODEL)
    return {
      model: counted,
      name: deletionName(counted, nodes.size !== 1),
      count: nodes.size,
    }
  })
  return { roots: trim(roots, new Map()), summary, protectedObjects, unlisted }
}

/** Keeps at most LISTED_PER_MODEL nodes per model in the tree (the summary keeps the counts). */
function trim(nodes: DeletedNode[], listed: Map<AnyModelClass, number>): DeletedNode[] {
  const out: DeletedNode[] = []
  for (const node of nodes) {
    const count = listed.get(node.model) ?? 0
    if (count >= LISTED_PER_MODEL) continue
    listed.set(node.model, count + 1)
    out.push({ ...node, children: trim(node.children, listed) })
  }
  return out
}
