/**
 * @module The default permissions (add, change, delete, view) of every installed model, created
 * after migrating, as Django's post_migrate handler does. Idempotent: existing rows are kept.
 */
import type { AnyModelClass } from '../../db/index.ts'
import { Permission } from './models.ts'

/** Django's default permission actions, in its order. */
export const DEFAULT_PERMISSIONS = ['add', 'change', 'delete', 'view'] as const

/** Anything that lists models: the app registry (`getApps()`), or an array of models. */
export type ModelSource = { models(): readonly unknown[] } | readonly unknown[]

interface ModelLike {
  meta: {
    appLabel: string
    modelName: string
    verboseName: string
    options: { autoCreated?: boolean }
  }
}

/** `polls.question`: the content type label a permission of `model` carries. */
export function contentTypeOf(model: ModelLike | AnyModelClass): string {
  return `${model.meta.appLabel}.${model.meta.modelName.toLowerCase()}`
}

/**
 * Creates the missing default permissions of every model; returns how many were created.
 *
 * @example
 * ```ts
 * await setup(settings)
 * await createPermissions(getApps()) // 'polls.add_question', 'polls.change_question', ...
 * ```
 */
export async function createPermissions(source: ModelSource): Promise<number> {
  const models = (
    Array.isArray(source) ? source : (source as { models(): unknown[] }).models()
  ) as ModelLike[]
  const wanted = models
    .filter((model) => model.meta.options.autoCreated !== true)
    .flatMap((model) =>
      DEFAULT_PERMISSIONS.map((action) => ({
        contentType: contentTypeOf(model),
        codename: `${action}_${model.meta.modelName.toLowerCase()}`,
        name: `Can ${action} ${model.meta.verboseName}`,
      })),
    )
  if (wanted.length === 0) return 0
  const existing = new Set(
    (await Permission.objects.values('contentType', 'codename').list()).map(
      (row) => `${row.contentType}|${row.codename}`,
    ),
  )
  const missing = wanted.filter((p) => !existing.has(`${p.contentType}|${p.codename}`))
  if (missing.length) await Permission.objects.bulkCreate(missing.map((p) => new Permission(p)))
  return missing.length
}
