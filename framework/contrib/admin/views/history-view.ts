/**
 * @module The history page of one object: every add, change and delete the admin logged for it.
 */
import type { HttpResponseBase } from '../../../http/index.ts'
import { actionLabel, historyOf } from '../log-entries.ts'
import { capfirst, formatDateTime } from '../model-info.ts'
import type { AdminRequest } from './admin-request.ts'
import { getObject, modelContext, requirePermission } from './lookup.ts'

/** GET /admin/<app>/<model>/<id>/history/ */
export async function historyView(
  request: AdminRequest,
  params: { appLabel: string; modelName: string; objectId: string },
): Promise<HttpResponseBase> {
  const { admin, perms } = await modelContext(request, params)
  requirePermission(perms.view, `view ${admin.verboseNamePlural}`)
  const obj = await getObject(admin, params.objectId)
  const entries = await historyOf(admin, params.objectId)
  const modelParams = { appLabel: admin.appLabel, modelName: admin.modelName }
  return request.render('admin/object_history.html', {
    title: `Change history: ${admin.repr(obj)}`,
    admin,
    objectRepr: admin.repr(obj),
    entries: entries.map((entry) => ({
      when: formatDateTime(entry.actionTime),
      user: entry.userRepr || '-',
      action: actionLabel(entry.actionFlag),
      message: entry.changeMessage,
    })),
    appName: capfirst(admin.appLabel),
    appUrl: request.url('app_list', { appLabel: admin.appLabel }),
    changelistUrl: request.url('changelist', modelParams),
    changeUrl: request.url('change', { ...modelParams, objectId: params.objectId }),
    modelTitle: capfirst(admin.verboseNamePlural),
  })
}
