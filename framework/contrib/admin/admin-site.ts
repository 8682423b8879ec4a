/**
 * @module AdminSite: the registry of model admins and the URL patterns of the admin pages
 * (Django's AdminSite). `site` is the default instance; a project may make others.
 *
 * The routes are generic (`<appLabel>/<modelName>/...`) and look the model up per request, so
 * models registered after urls.ts built its patterns still appear, and the URL names are few and
 * fixed: `admin:index`, `admin:app_list`, `admin:changelist`, `admin:add`, `admin:change`,
 * `admin:delete`, `admin:history`, `admin:login`, `admin:logout`.
 */
import type { AnyModelClass } from '../../db/index.ts'
import { include, path } from '../../urls/index.ts'
import { AdminError } from './admin-error.ts'
import { ModelAdmin, reprDefault } from './model-admin.ts'
import type { ModelAdminOptions } from './options.ts'
import { adminViews } from './views/admin-views.ts'

/** A set of registered models served under one URL prefix. */
export class AdminSite {
  /** The URL namespace (`admin`), so `reverse('admin:index')` finds the site. */
  readonly name: string
  /** Shown in the page header and titles. */
  siteHeader = 'Site administration'
  siteTitle = 'Admin'
  /** The "View site" link in the header; null hides it. */
  siteUrl: string | null = '/'
  readonly #registry = new Map<AnyModelClass, ModelAdmin>()

  constructor(name = 'admin') {
    this.name = name
  }

  /**
   * Registers a model with its admin options; throws an AdminError (with a code) when an option
   * names a field the model lacks, or the model is registered already.
   *
   * @example
   * ```ts
   * site.register(Question, {
   *   listDisplay: ['questionText', 'pubDate'],
   *   listFilter: ['pubDate'],
   *   searchFields: ['questionText'],
   *   inlines: [inline(Choice, { extra: 3 })],
   * })
   * ```
   */
  register<M extends AnyModelClass>(model: M, options: ModelAdminOptions<M> = {}): ModelAdmin<M> {
    if (this.#registry.has(model)) {
      throw new AdminError(
        'admin.E006',
        `${model.meta.label} is registered with the admin site ${JSON.stringify(this.name)} already; call unregister() first to replace its options.`,
      )
    }
    const admin = new ModelAdmin(model, options)
    this.#registry.set(model, admin as unknown as ModelAdmin)
    return admin
  }

  /** Removes a model from the site. */
  unregister(model: AnyModelClass): void {
    this.#registry.delete(model)
  }

  isRegistered(model: AnyModelClass): boolean {
    return this.#registry.has(model)
  }

  /** The admin of a registered model, or undefined. */
  adminFor(model: AnyModelClass): ModelAdmin | undefined {
    return this.#registry.get(model)
  }

  /** The admin of `appLabel`/`modelName` (lower case) as they appear in URLs. */
  find(appLabel: string, modelName: string): ModelAdmin | undefined {
    for (const admin of this.#registry.values()) {
      if (admin.appLabel === appLabel && admin.modelName === modelName) return admin
    }
    return undefined
  }

  /** Every registered admin, by app label then verbose name. */
  admins(): ModelAdmin[] {
    return [...this.#registry.values()].sort(
      (a, b) =>
        a.appLabel.localeCompare(b.appLabel) ||
        a.verboseNamePlural.localeCompare(b.verboseNamePlural),
    )
  }

  /** How an object of `model` is named: its admin's repr, else Django's default. */
  reprOf(model: AnyModelClass, obj: object): string {
    const admin = this.#registry.get(model)
    return admin ? admin.repr(obj) : reprDefault(model, obj)
  }

  /** The URL patterns of the site, without namespace (see `urls`). */
  urlpatterns() {
    const views = adminViews(this)
    return [
      path('', views.index, { name: 'index' }),
      path('login/', views.login, { name: 'login' }),
      path('logout/', views.logout, { name: 'logout' }),
      path('<str:appLabel>/', views.appIndex, { name: 'app_list' }),
      path('<str:appLabel>/<str:modelName>/', views.changelist, { name: 'changelist' }),
      path('<str:appLabel>/<str:modelName>/add/', views.add, { name: 'add' }),
      path('<str:appLabel>/<str:modelName>/<str:objectId>/change/', views.change, {
        name: 'change',
      }),
      path('<str:appLabel>/<str:modelName>/<str:objectId>/delete/', views.delete, {
        name: 'delete',
      }),
      path('<str:appLabel>/<str:modelName>/<str:objectId>/history/', views.history, {
        name: 'history',
      }),
      path('<str:appLabel>/<str:modelName>/<str:objectId>/', views.objectRedirect),
    ] as const
  }

  /**
   * The site mounted in one line, in the site's namespace.
   *
   * @example
   * ```ts
   * // project/urls.ts
   * export const urlpatterns = [path('admin/', site.urls)]
   * ```
   */
  get urls() {
    return include(this.urlpatterns(), { namespace: this.name })
  }
}

/** The default admin site (Django's `admin.site`). */
export const site = new AdminSite()
