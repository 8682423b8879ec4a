/**
 * @module What every admin view works with: the site, the settings, the user, URL building in
 * the site's namespace (taken from the request's resolver match, so a site included under any
 * namespace works), messages, and the context every admin template receives.
 */
import type { Settings } from '../../../conf/index.ts'
import { HttpResponseRedirect, type HttpRequest, type HttpResponse } from '../../../http/index.ts'
import type { ResolverMatch } from '../../../urls/index.ts'
import { requestSettings } from '../../../views/index.ts'
import { addMessage, pendingMessages, type AdminMessageLevel } from '../admin-messages.ts'
import type { AdminSite } from '../admin-site.ts'
import type { AdminUser } from '../permissions.ts'
import { renderAdmin, reverseName } from '../render-admin.ts'

/** The per-request helper the admin views share. */
export class AdminRequest {
  readonly site: AdminSite
  readonly request: HttpRequest
  readonly settings: Settings
  readonly user: AdminUser | undefined
  readonly #namespace: string

  constructor(site: AdminSite, request: HttpRequest, user: AdminUser | undefined) {
    this.site = site
    this.request = request
    this.settings = requestSettings(request)
    this.user = user
    const match = request.resolverMatch as ResolverMatch | undefined
    this.#namespace = match?.namespace || site.name
  }

  /** An admin URL by its short name: `url('changelist', { appLabel, modelName })`. */
  url(name: string, params?: Record<string, unknown>): string {
    return reverseName(`${this.#namespace}:${name}`, params)
  }

  /** A redirect to an admin page. */
  redirect(name: string, params?: Record<string, unknown>, query = ''): HttpResponseRedirect {
    return new HttpResponseRedirect(this.url(name, params) + query)
  }

  /** Queues a message for the next page (the messages framework when installed). */
  message(text: string, level: AdminMessageLevel = 'success'): void {
    addMessage(this.request, text, level)
  }

  /** The token a POST form must carry (CSRF middleware's csrfToken), or ''. */
  csrfToken(): string {
    const holder = this.request as unknown as { csrfToken?: unknown }
    const token = holder.csrfToken ?? this.request.state['csrfToken']
    if (typeof token === 'function') return String((token as () => unknown).call(this.request))
    return typeof token === 'string' ? token : ''
  }

  /** Renders an admin template with the context every admin page gets. */
  render(templateName: string, context: Record<string, unknown>, status = 200): HttpResponse {
    const full = {
      site: this.site,
      siteHeader: this.site.siteHeader,
      siteTitle: this.site.siteTitle,
      siteUrl: this.site.siteUrl,
      adminUser: this.user,
      adminUrl: (name: string, params?: Record<string, unknown>) => this.url(name, params),
      csrfField: this.csrfToken(),
      adminMessages: pendingMessages(this.request),
      ...context,
    }
    return renderAdmin(this.request, templateName, full, status)
  }
}
