/**
 * @module The admin's home page (every app and model the user may see, with add and change
 * links) and the page of one app.
 */
import { Http404, type HttpResponseBase } from '../../../http/index.ts'
import { capfirst } from '../model-info.ts'
import { modelPermissions } from '../permissions.ts'
import type { AdminRequest } from './admin-request.ts'

/** One model row on the index. */
export interface IndexModel {
  readonly name: string
  readonly changelistUrl: string | undefined
  readonly addUrl: string | undefined
  /** True when the user may only view (the link says "View" instead of "Change"). */
  readonly viewOnly: boolean
}

/** One app block on the index. */
export interface IndexApp {
  readonly label: string
  readonly name: string
  readonly url: string
  readonly models: IndexModel[]
}

/** The apps and models `request.user` may see, optionally one app only. */
export async function appList(request: AdminRequest, only?: string): Promise<IndexApp[]> {
  const apps = new Map<string, IndexApp>()
  for (const admin of request.site.admins()) {
    if (only !== undefined && admin.appLabel !== only) continue
    const perms = await modelPermissions(request.user!, admin, request.settings)
    if (!perms.view && !perms.add && !perms.change && !perms.delete) continue
    const params = { appLabel: admin.appLabel, modelName: admin.modelName }
    let app = apps.get(admin.appLabel)
    if (!app) {
      app = {
        label: admin.appLabel,
        name: capfirst(admin.appLabel.replace(/_/g, ' ')),
        url: request.url('app_list', { appLabel: admin.appLabel }),
        models: [],
      }
      apps.set(admin.appLabel, app)
    }
    app.models.push({
      name: capfirst(admin.verboseNamePlural),
      changelistUrl: perms.view ? request.url('changelist', params) : undefined,
      addUrl: perms.add ? request.url('add', params) : undefined,
      viewOnly: perms.view && !perms.change,
    })
  }
  return [...apps.values()]
}

/** GET /admin/ */
export async function indexView(request: AdminRequest): Promise<HttpResponseBase> {
  return request.render('admin/index.html', {
    title: request.site.siteHeader,
    appList: await appList(request),
  })
}

/** GET /admin/<appLabel>/ */
export async function appIndexView(
  request: AdminRequest,
  params: { appLabel: string },
): Promise<HttpResponseBase> {
  const apps = await appList(request, params.appLabel)
  if (!apps.length) throw new Http404(`No app ${JSON.stringify(params.appLabel)} in the admin.`)
  return request.render('admin/app_index.html', {
    title: `${apps[0]!.name} administration`,
    appList: apps,
    app: apps[0],
  })
}
