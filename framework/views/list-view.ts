/**
 * @module ListView: a template rendered over a list of objects, paginated when `paginateBy` is set.
 */
import { Http404 } from '../http/index.ts'
import { InvalidPage, Paginator, type Page } from './paginator.ts'
import { TemplateView } from './template-view.ts'

/**
 * Lists `getQueryset()` (an array, or a promise of one, until the ORM's QuerySet lands). With
 * `paginateBy`, the page comes from the `page` URL param or `?page=` (`last` allowed); a page that
 * is not a number or out of range is a 404. Context: objectList, paginator, pageObj, isPaginated,
 * and `contextObjectName` when set.
 *
 * @example
 * ```ts
 * class PollList extends ListView<Poll> {
 *   override templateName = 'polls/list.html'
 *   override paginateBy = 10
 *   override getQueryset() { return polls }
 * }
 * ```
 */
export class ListView<T = unknown> extends TemplateView {
  /** The objects to list, when getQueryset() is not overridden. */
  queryset: readonly T[] | undefined = undefined
  paginateBy: number | undefined = undefined
  pageKwarg = 'page'
  contextObjectName: string | undefined = undefined
  allowEmpty = true

  getQueryset(): readonly T[] | Promise<readonly T[]> {
    if (!this.queryset) {
      throw Object.assign(
        new Error(
          `${this.constructor.name} has no queryset: set queryset or override getQueryset().`,
        ),
        { code: 'views.no_queryset' },
      )
    }
    return this.queryset
  }

  /** The page for this request; Http404 for an invalid one. */
  paginateQueryset(
    items: readonly T[],
    perPage: number,
  ): { paginator: Paginator<T>; page: Page<T> } {
    const paginator = new Paginator(items, perPage, { allowEmptyFirstPage: this.allowEmpty })
    const raw = this.params[this.pageKwarg] ?? this.request.GET.get(this.pageKwarg) ?? '1'
    const number = raw === 'last' ? paginator.numPages : raw
    try {
      return { paginator, page: paginator.page(number) }
    } catch (error) {
      if (error instanceof InvalidPage)
        throw new Http404(`Invalid page: ${error.message}`, { cause: error })
      throw error
    }
  }

  override async getContextData(
    extra: Record<string, unknown> = {},
  ): Promise<Record<string, unknown>> {
    const items = await this.getQueryset()
    if (!this.allowEmpty && items.length === 0)
      throw new Http404(`Empty list and ${this.constructor.name}.allowEmpty is false.`)
    let context: Record<string, unknown>
    if (this.paginateBy) {
      const { paginator, page } = this.paginateQueryset(items, this.paginateBy)
      context = {
        paginator,
        pageObj: page,
        isPaginated: page.hasOtherPages(),
        objectList: page.objectList,
      }
    } else {
      context = { paginator: undefined, pageObj: undefined, isPaginated: false, objectList: items }
    }
    if (this.contextObjectName) context[this.contextObjectName] = context['objectList']
    return super.getContextData({ ...context, ...extra })
  }
}
