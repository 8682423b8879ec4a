/**
 * @module DetailView: a template rendered for one object, found by getObject().
 */
import { Http404 } from '../http/index.ts'
import { TemplateView } from './template-view.ts'

/**
 * Shows one object. getObject() is the seam: by default it looks in getQueryset() for the item
 * whose `pk`/`id` equals the `pk` or `id` URL param, or whose `slug` equals `slug`; override it
 * (the ORM issue will plug a QuerySet in). Missing → 404. Context: `object` and
 * `contextObjectName` when set.
 *
 * @example
 * ```ts
 * class PollDetail extends DetailView<Poll> {
 *   override templateName = 'polls/detail.html'
 *   override getObject() { return polls.find((p) => p.id === this.params.id) }
 * }
 * ```
 */
export class DetailView<T = unknown> extends TemplateView {
  queryset: readonly T[] | undefined = undefined
  contextObjectName: string | undefined = undefined
  slugField = 'slug'
  slugUrlKwarg = 'slug'
  pkUrlKwarg = 'pk'

  getQueryset(): readonly T[] | Promise<readonly T[]> {
    if (!this.queryset) {
      throw Object.assign(
        new Error(
          `${this.constructor.name} has no queryset: set queryset or override getObject().`,
        ),
        { code: 'views.no_queryset' },
      )
    }
    return this.queryset
  }

  /** The object, or undefined (then 404). */
  async getObject(): Promise<T | undefined> {
    const items = await this.getQueryset()
    const pk = this.params[this.pkUrlKwarg] ?? this.params['id']
    const slug = this.params[this.slugUrlKwarg]
    if (pk === undefined && slug === undefined) {
      throw Object.assign(
        new Error(
          `${this.constructor.name} needs a <int:pk> (or id) or <slug:slug> URL parameter, or an overridden getObject().`,
        ),
        {
          code: 'views.no_lookup',
        },
      )
    }
    return items.find((item) => {
      const record = item as Record<string, unknown>
      return pk !== undefined
        ? record['pk'] === pk || record['id'] === pk
        : record[this.slugField] === slug
    })
  }

  override async getContextData(
    extra: Record<string, unknown> = {},
  ): Promise<Record<string, unknown>> {
    const object = await this.getObject()
    if (object === undefined || object === null)
      throw new Http404(`No ${this.contextObjectName ?? 'object'} found matching the query.`)
    const context: Record<string, unknown> = { object }
    if (this.contextObjectName) context[this.contextObjectName] = object
    return super.getContextData({ ...context, ...extra })
  }
}
