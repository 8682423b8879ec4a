/**
 * @module Paginator and Page: split a list into numbered pages, as django.core.paginator.
 */

/**
 * A page number that is not a number, or out of range. ListView turns it into a 404.
 *
 * @example
 * ```ts
 * try { paginator.page('x') } catch (error) { if (error instanceof InvalidPage) throw new Http404(error.message) }
 * ```
 */
export class InvalidPage extends Error {
  override name = 'InvalidPage'
  readonly code: 'paginator.not_an_integer' | 'paginator.empty_page'
  constructor(message: string, code: 'paginator.not_an_integer' | 'paginator.empty_page') {
    super(message)
    this.code = code
  }
}

/**
 * Splits `items` into pages of `perPage`.
 *
 * @example
 * ```ts
 * const paginator = new Paginator(polls, 10)
 * const page = paginator.page(request.GET.get('page', '1'))
 * page.objectList // the polls of that page
 * ```
 */
export class Paginator<T> {
  readonly items: readonly T[]
  readonly perPage: number
  /** Whether page 1 of an empty list is valid (an empty first page), as Django's default. */
  readonly allowEmptyFirstPage: boolean

  constructor(
    items: readonly T[],
    perPage: number,
    options: { allowEmptyFirstPage?: boolean } = {},
  ) {
    if (!Number.isInteger(perPage) || perPage < 1) {
      throw Object.assign(
        new RangeError(`Paginator perPage must be a positive integer, got ${String(perPage)}.`),
        { code: 'paginator.bad_per_page' },
      )
    }
    this.items = items
    this.perPage = perPage
    this.allowEmptyFirstPage = options.allowEmptyFirstPage ?? true
  }

  get count(): number {
    return this.items.length
  }

  get numPages(): number {
    if (this.count === 0) return this.allowEmptyFirstPage ? 1 : 0
    return Math.ceil(this.count / this.perPage)
  }

  /** Page numbers, 1-based. */
  get pageRange(): number[] {
    return Array.from({ length: this.numPages }, (_, i) => i + 1)
  }

  /** Checks a page number (text or number); InvalidPage when it is not a page. */
  validateNumber(number: unknown): number {
    const text = String(number).trim()
    if (!/^[0-9]+$/.test(text))
      throw new InvalidPage(
        `Page ${JSON.stringify(String(number))} is not a whole number.`,
        'paginator.not_an_integer',
      )
    const n = Number(text)
    if (n < 1) throw new InvalidPage(`Page ${n} is less than 1.`, 'paginator.empty_page')
    if (n > this.numPages)
      throw new InvalidPage(
        `Page ${n} is past the last page (${this.numPages}).`,
        'paginator.empty_page',
      )
    return n
  }

  /** The page `number`; InvalidPage when out of range or not a number. */
  page(number: unknown): Page<T> {
    const n = this.validateNumber(number)
    const start = (n - 1) * this.perPage
    return new Page(this.items.slice(start, start + this.perPage), n, this)
  }
}

/** One page of a Paginator, with what templates need to draw page links. */
export class Page<T> {
  readonly objectList: readonly T[]
  readonly number: number
  readonly paginator: Paginator<T>

  constructor(objectList: readonly T[], number: number, paginator: Paginator<T>) {
    this.objectList = objectList
    this.number = number
    this.paginator = paginator
  }

  hasNext(): boolean {
    return this.number < this.paginator.numPages
  }
  hasPrevious(): boolean {
    return this.number > 1
  }
  hasOtherPages(): boolean {
    return this.hasNext() || this.hasPrevious()
  }
  nextPageNumber(): number {
    return this.paginator.validateNumber(this.number + 1)
  }
  previousPageNumber(): number {
    return this.paginator.validateNumber(this.number - 1)
  }
  /** 1-based index of the first item on this page (0 for an empty list). */
  startIndex(): number {
    return this.paginator.count === 0 ? 0 : (this.number - 1) * this.paginator.perPage + 1
  }
  endIndex(): number {
    return this.startIndex() === 0 ? 0 : this.startIndex() + this.objectList.length - 1
  }
}
