/**
 * @module The admin's view functions, each wrapped the same way: CSRF checked on every POST
 * (csrfProtect, so the admin is protected even where the project lists no CSRF middleware),
 * never cached, and, except for the login page, only for active staff users: anyone else is
 * sent to the admin's login page with `next`.
 */
import {
  HttpResponseRedirect,
  type HttpRequest,
  type HttpResponseBase,
} from '../../../http/index.ts'
import { neverCache } from '../../../views/index.ts'
import { csrfProtect } from '../../csrf/index.ts'
import type { AdminSite } from '../admin-site.ts'
import { isAdminUser, requestUser } from '../permissions.ts'
import { AdminRequest } from './admin-request.ts'
import { addView, changeView } from './change-form-view.ts'
import { changelistView } from './changelist-view.ts'
import { deleteView } from './delete-view.ts'
import { historyView } from './history-view.ts'
import { appIndexView, indexView } from './index-view.ts'
import { loginView, logoutView } from './login-view.ts'
import { reverseName } from '../render-admin.ts'
import type { ResolverMatch } from '../../../urls/index.ts'

/** The parameters of the model pages' routes. */
export interface ModelParams {
  appLabel: string
  modelName: string
}
export interface ObjectParams extends ModelParams {
  objectId: string
}

type Handler<P> = (admin: AdminRequest, params: P) => Promise<HttpResponseBase> | HttpResponseBase

/** The admin's login URL with `next` set to where the user was going. */
function toLogin(site: AdminSite, request: HttpRequest): HttpResponseRedirect {
  const match = request.resolverMatch as ResolverMatch | undefined
  const login = reverseName(`${match?.namespace || site.name}:login`)
  return new HttpResponseRedirect(`${login}?next=${encodeURIComponent(request.getFullPath())}`)
}

/** Builds the view functions of `site`. */
export function adminViews(site: AdminSite) {
  const protect = <P>(view: (request: HttpRequest, params: P) => Promise<HttpResponseBase>) =>
    csrfProtect<P>(neverCache<P>(view) as never)
  const staff = <P>(handler: Handler<P>) =>
    protect<P>(async (request, params) => {
      const user = requestUser(request)
      if (!isAdminUser(user)) return toLogin(site, request)
      return handler(new AdminRequest(site, request, user), params)
    })
  return {
    index: staff<Record<string, never>>(indexView),
    appIndex: staff<{ appLabel: string }>(appIndexView),
    changelist: staff<ModelParams>(changelistView),
    add: staff<ModelParams>(addView),
    change: staff<ObjectParams>(changeView),
    delete: staff<ObjectParams>(deleteView),
    history: staff<ObjectParams>(historyView),
    objectRedirect: staff<ObjectParams>((admin, params) => admin.redirect('change', { ...params })),
    login: protect<Record<string, never>>((request) =>
      loginView(new AdminRequest(site, request, requestUser(request))),
    ),
    logout: protect<Record<string, never>>((request) =>
      logoutView(new AdminRequest(site, request, requestUser(request))),
    ),
  }
}
