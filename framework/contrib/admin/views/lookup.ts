/**
 * @module Finding what a model page is about: the registered admin named in the URL (404 when
 * there is none, or when the user holds no permission on it, so a URL does not reveal which
 * models exist), the user's permissions on it, and the object (404 when missing).
 */
import { Http404, PermissionDenied } from '../../../http/index.ts'
import type { ModelAdmin } from '../model-admin.ts'
import { modelPermissions, type ModelPermissions } from '../permissions.ts'
import type { AdminRequest } from './admin-request.ts'

/** A model page's admin and the user's permissions on it. */
export interface ModelContext {
  readonly admin: ModelAdmin
  readonly perms: ModelPermissions
}

/** The admin of the URL's model, with permissions; Http404 when unknown or wholly forbidden. */
export async function modelContext(
  request: AdminRequest,
  params: { appLabel: string; modelName: string },
): Promise<ModelContext> {
  const admin = request.site.find(params.appLabel, params.modelName)
  if (!admin)
    throw new Http404(
      `No model ${params.appLabel}.${params.modelName} is registered with the admin.`,
    )
  const perms = await modelPermissions(request.user!, admin, request.settings)
  if (!perms.view && !perms.add && !perms.change && !perms.delete) {
    throw new Http404(
      `No model ${params.appLabel}.${params.modelName} is registered with the admin.`,
    )
  }
  return { admin, perms }
}

/** Throws PermissionDenied (403) unless `allowed`. */
export function requirePermission(allowed: boolean, what: string): void {
  if (!allowed) throw new PermissionDenied(`You do not have permission to ${what}.`)
}

/** The object with primary key `objectId` (text from the URL), or Http404. */
export async function getObject(admin: ModelAdmin, objectId: string): Promise<object> {
  const pkField = admin.model.meta.pk
  const numeric =
    pkField.kind === 'AutoField' ||
    pkField.kind === 'BigAutoField' ||
    pkField.kind.endsWith('IntegerField')
  if (numeric && !/^[0-9]{1,15}$/.test(objectId)) {
    throw new Http404(`${admin.verboseName} with ID ${JSON.stringify(objectId)} does not exist.`)
  }
  const pk = numeric ? Number(objectId) : objectId
  const found = (await admin.model.objects.filter({ pk } as never).first()) as object | undefined
  if (!found)
    throw new Http404(
      `${admin.verboseName} with ID ${JSON.stringify(objectId)} does not exist. Perhaps it was deleted?`,
    )
  return found
}
