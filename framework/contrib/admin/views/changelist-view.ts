/**
 * @module The change list page (GET) and its actions (POST): "Delete selected" with its
 * confirmation page, and the model admin's own actions, each behind its permissions.
 */
import {
  BadRequest,
  Http404,
  HttpResponseBase,
  HttpResponseRedirect,
  PermissionDenied,
  type HttpRequest,
} from '../../../http/index.ts'
import type { AnyModelClass } from '../../../db/index.ts'
import { buildChangeList, ChangeListError } from '../change-list.ts'
import { previewDeletion } from '../deletion-preview.ts'
import type { ModelAdmin } from '../model-admin.ts'
import { capfirst, verboseNamePlural } from '../model-info.ts'
import type { ModelPermissions } from '../permissions.ts'
import type { AdminRequest } from './admin-request.ts'
import { modelContext, requirePermission } from './lookup.ts'
import { deleteLogged, deletionContext } from './delete-view.ts'

/** The built-in action's name, as in Django. */
export const DELETE_SELECTED = 'delete_selected'

/** Most rows one action may touch (a bound on a single POST's work). */
const MAX_SELECTED = 10_000

/** The last value of each query parameter. */
function lastValues(request: HttpRequest): Map<string, string> {
  const out = new Map<string, string>()
  for (const key of request.GET.keys()) out.set(key, request.GET.get(key) ?? '')
  return out
}

/** How a foreign key filter lists the related objects: every one, named by its admin. */
function relatedOptions(request: AdminRequest) {
  return async (model: AnyModelClass) => {
    const objects = (await model.objects.all().slice(0, 1000).list()) as object[]
    return objects.map((obj) => ({
      pk: (obj as { pk: unknown }).pk,
      label: request.site.reprOf(model, obj),
    }))
  }
}

/** The actions this user may run: [name, description]. */
function availableActions(admin: ModelAdmin, perms: ModelPermissions): [string, string][] {
  const out: [string, string][] = []
  if (admin.options.deleteSelected !== false && perms.delete) {
    out.push([DELETE_SELECTED, `Delete selected ${verboseNamePlural(admin.model)}`])
  }
  for (const act of admin.actionsFor((p) => perms[p])) out.push([act.name, act.description])
  return out
}

/** GET and POST /admin/<app>/<model>/ */
export async function changelistView(
  request: AdminRequest,
  params: { appLabel: string; modelName: string },
): Promise<HttpResponseBase> {
  const { admin, perms } = await modelContext(request, params)
  requirePermission(perms.view, `view ${admin.verboseNamePlural}`)
  const actions = availableActions(admin, perms)
  if (request.request.method === 'POST') {
    return runAction(request, admin, perms, actions)
  }
  let changeList
  try {
    changeList = await buildChangeList(admin, {
      params: lastValues(request.request),
      reprOf: (model, obj) => request.site.reprOf(model, obj),
      relatedOptions: relatedOptions(request),
    })
  } catch (error) {
    if (error instanceof ChangeListError) {
      if (error.status === 404) throw new Http404(error.message)
      throw new BadRequest(error.message, 'admin.bad_changelist_query')
    }
    throw error
  }
  const modelParams = { appLabel: admin.appLabel, modelName: admin.modelName }
  return request.render('admin/change_list.html', {
    title: `Select ${admin.verboseName} to ${perms.change ? 'change' : 'view'}`,
    admin,
    perms,
    cl: changeList,
    actions,
    hasSearch: (admin.options.searchFields ?? []).length > 0,
    addUrl: perms.add ? request.url('add', modelParams) : undefined,
    changeUrl: (pk: string) => request.url('change', { ...modelParams, objectId: pk }),
    appUrl: request.url('app_list', { appLabel: admin.appLabel }),
    appName: capfirst(admin.appLabel),
    modelTitle: capfirst(admin.verboseNamePlural),
  })
}

async function runAction(
  request: AdminRequest,
  admin: ModelAdmin,
  perms: ModelPermissions,
  actions: [string, string][],
): Promise<HttpResponseBase> {
  const post = request.request.POST
  const name = post.get('action') ?? ''
  if (!actions.some(([known]) => known === name)) {
    if (name === DELETE_SELECTED || admin.actions.some((a) => a.name === name)) {
      throw new PermissionDenied(
        `You do not have permission to run the action ${JSON.stringify(name)}.`,
      )
    }
    throw new BadRequest(
      `No action ${JSON.stringify(name)} on ${admin.verboseNamePlural}: choose one from the list.`,
      'admin.unknown_action',
    )
  }
  const back = request.request.getFullPath()
  const selected = [...new Set(post.getAll('_selected_action'))]
  if (selected.length === 0) {
    request.message(
      'Items must be selected in order to perform actions on them. No items have been changed.',
      'warning',
    )
    return redirectTo(back)
  }
  if (selected.length > MAX_SELECTED) {
    throw new BadRequest(
      `At most ${MAX_SELECTED} objects can be selected for one action.`,
      'admin.too_many_selected',
    )
  }
  const pkField = admin.model.meta.pk
  const numeric =
    pkField.kind === 'AutoField' ||
    pkField.kind === 'BigAutoField' ||
    pkField.kind.endsWith('IntegerField')
  if (numeric && selected.some((pk) => !/^[0-9]{1,15}$/.test(pk))) {
    throw new BadRequest('A selected id is not a number.', 'admin.bad_selection')
  }
  const pks = numeric ? selected.map(Number) : selected
  const objects = (await admin.model.objects.filter({ pk__in: pks } as never).list()) as object[]
  if (objects.length === 0) {
    request.message(
      'None of the selected objects exist any more. No items have been changed.',
      'warning',
    )
    return redirectTo(back)
  }

  if (name === DELETE_SELECTED) {
    requirePermission(perms.delete, `delete ${admin.verboseNamePlural}`)
    const preview = await previewDeletion(admin.model, objects)
    if (post.get('post') !== 'yes' || preview.protectedObjects.length) {
      return request.render('admin/delete_selected_confirmation.html', {
        title: 'Are you sure?',
        admin,
        objects,
        ...deletionContext(request, preview),
        selected,
        appName: capfirst(admin.appLabel),
        appUrl: request.url('app_list', { appLabel: admin.appLabel }),
        changelistUrl: back,
        modelTitle: capfirst(admin.verboseNamePlural),
      })
    }
    const total = objects.length
    const refused = await deleteLogged(request, admin, objects, () =>
      admin.model.objects
        .filter({ pk__in: objects.map((o) => (o as { pk: unknown }).pk) } as never)
        .delete(),
    )
    if (refused) return redirectTo(back)
    request.message(
      `Successfully deleted ${total} ${total === 1 ? admin.verboseName : admin.verboseNamePlural}.`,
    )
    return redirectTo(back)
  }

  const act = admin.actions.find((a) => a.name === name)!
  const result = await act.run({
    request: request.request,
    objects: objects as never,
    model: admin.model,
  })
  if (result instanceof HttpResponseBase) return result
  if (typeof result === 'string' && result) request.message(result)
  return redirectTo(back)
}

function redirectTo(url: string): HttpResponseBase {
  return new HttpResponseRedirect(url)
}
