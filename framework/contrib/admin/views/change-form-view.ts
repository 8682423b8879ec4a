import type { HttpResponseBase } from '../../../http/index.ts'
import type { AdminRequest } from './admin-request.ts'
export async function addView(request: AdminRequest, params: { appLabel: string; modelName: string }): Promise<HttpResponseBase> {
  return request.redirect('changelist', params)
}
export async function changeView(request: AdminRequest, params: { appLabel: string; modelName: string; objectId: string }): Promise<HttpResponseBase> {
  return request.redirect('changelist', params)
}
