/**
 * @module The delete page of one object: GET shows everything the delete would remove (the
 * cascade, as a nested list) or what protects the object; POST deletes and logs it.
 */
import { atomic, ProtectedError, RestrictedError } from '../../../db/index.ts'
import type { HttpResponseBase } from '../../../http/index.ts'
import type { ModelAdmin } from '../model-admin.ts'
import type { DeletedNode, DeletionPreview } from '../deletion-preview.ts'
import { previewDeletion } from '../deletion-preview.ts'
import { logAction } from '../log-entries.ts'
import { capfirst, deletionName, urlName, verboseName } from '../model-info.ts'
import type { AdminRequest } from './admin-request.ts'
import { getObject, modelContext, requirePermission } from './lookup.ts'

/** A node of the cascade as the template draws it. */
export interface DeletedItem {
  readonly text: string
  /** The object's change page when the user may open it. */
  readonly url: string | undefined
  readonly children: DeletedItem[]
}

function item(request: AdminRequest, node: DeletedNode): DeletedItem {
  const admin = request.site.adminFor(node.model)
  const text = `${capfirst(deletionName(node.model, false))}: ${request.site.reprOf(node.model, node.obj)}`
  const url = admin
    ? request.url('change', {
        appLabel: admin.appLabel,
        modelName: urlName(node.model),
        objectId: String((node.obj as { pk: unknown }).pk),
      })
    : undefined
  return { text, url, children: node.children.map((child) => item(request, child)) }
}

/** What the confirmation templates show about a preview. */
export function deletionContext(request: AdminRequest, preview: DeletionPreview) {
  return {
    deletedObjects: preview.roots.map((node) => item(request, node)),
    summary: preview.summary.map((entry) => ({ name: entry.name, count: entry.count })),
    protectedObjects: preview.protectedObjects.map(
      (entry) =>
        `${capfirst(verboseName(entry.model))}: ${request.site.reprOf(entry.model, entry.obj)} (${entry.reason})`,
    ),
    unlisted: preview.unlisted,
  }
}

/**
 * Logs and deletes in one transaction, so the history never records a delete that did not
 * happen. Returns the refusal when PROTECT or RESTRICT stopped it (nothing is deleted then).
 */
export async function deleteLogged(
  request: AdminRequest,
  admin: ModelAdmin,
  objects: readonly object[],
  remove: () => Promise<unknown>,
): Promise<ProtectedError | RestrictedError | undefined> {
  try {
    await atomic(async () => {
      // Logged first: the entry needs the row's name, which is gone after the delete.
      for (const obj of objects) await logAction(request.user, admin, obj, 'deletion')
      await remove()
    })
    return undefined
  } catch (error) {
    if (error instanceof ProtectedError || error instanceof RestrictedError) {
      request.message(`Cannot delete: ${error.message}`, 'error')
      return error
    }
    throw error
  }
}

/** GET and POST /admin/<app>/<model>/<id>/delete/ */
export async function deleteView(
  request: AdminRequest,
  params: { appLabel: string; modelName: string; objectId: string },
): Promise<HttpResponseBase> {
  const { admin, perms } = await modelContext(request, params)
  requirePermission(perms.delete, `delete ${admin.verboseNamePlural}`)
  const obj = await getObject(admin, params.objectId)
  let preview = await previewDeletion(admin.model, [obj])
  const modelParams = { appLabel: admin.appLabel, modelName: admin.modelName }
  if (request.request.method === 'POST' && preview.protectedObjects.length === 0) {
    const repr = admin.repr(obj)
    const refused = await deleteLogged(request, admin, [obj], () =>
      (obj as { delete(): Promise<number> }).delete(),
    )
    if (!refused) {
      request.message(`The ${admin.verboseName} “${repr}” was deleted successfully.`)
      return perms.view ? request.redirect('changelist', modelParams) : request.redirect('index')
    }
    // A row protecting it appeared between the preview and the delete: show the page again.
    preview = await previewDeletion(admin.model, [obj])
  }
  return request.render(
    'admin/delete_confirmation.html',
    {
      title: 'Are you sure?',
      admin,
      object: obj,
      objectRepr: admin.repr(obj),
      ...deletionContext(request, preview),
      appName: capfirst(admin.appLabel),
      appUrl: request.url('app_list', { appLabel: admin.appLabel }),
      changelistUrl: request.url('changelist', modelParams),
      changeUrl: request.url('change', { ...modelParams, objectId: params.objectId }),
      modelTitle: capfirst(admin.verboseNamePlural),
    },
    // A POST that the protection refused is a conflict, not a success.
    request.request.method === 'POST' ? 409 : 200,
  )
}
