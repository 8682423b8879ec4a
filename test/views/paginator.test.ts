import { describe, expect, it } from 'vitest'
import { InvalidPage, Paginator } from '../../framework/views/index.ts'

const items = Array.from({ length: 23 }, (_, i) => i + 1)

describe('Paginator', () => {
  it('splits a list into pages of perPage with the last one shorter', () => {
    const paginator = new Paginator(items, 10)
    expect([paginator.count, paginator.numPages, paginator.pageRange]).toEqual([23, 3, [1, 2, 3]])
    expect(paginator.page(3).objectList).toEqual([21, 22, 23])
    expect(paginator.page('2').objectList[0]).toBe(11)
  })

  it('gives a page what templates need for links', () => {
    const page = new Paginator(items, 10).page(2)
    expect([
      page.hasPrevious(),
      page.hasNext(),
      page.previousPageNumber(),
      page.nextPageNumber(),
      page.startIndex(),
      page.endIndex(),
    ]).toEqual([true, true, 1, 3, 11, 20])
    const first = new Paginator(items, 10).page(1)
    expect([first.hasPrevious(), first.hasOtherPages()]).toEqual([false, true])
    expect(() => first.previousPageNumber()).toThrow(InvalidPage)
  })

  it('rejects a page that is not a whole number, zero, or past the end', () => {
    const paginator = new Paginator(items, 10)
    for (const bad of ['x', '1.5', '-1', '', ' ', '0', '4', 'Infinity', '1e2']) {
      expect(() => paginator.page(bad), bad).toThrow(InvalidPage)
    }
    expect(() => paginator.page('x')).toThrow(
      expect.objectContaining({ code: 'paginator.not_an_integer' }),
    )
    expect(() => paginator.page(4)).toThrow(
      expect.objectContaining({ code: 'paginator.empty_page' }),
    )
  })

  it('allows an empty first page by default and none when told not to', () => {
    expect(new Paginator([], 5).page(1).objectList).toEqual([])
    expect(() => new Paginator([], 5, { allowEmptyFirstPage: false }).page(1)).toThrow(InvalidPage)
  })

  it('refuses a perPage that is not a positive integer', () => {
    expect(() => new Paginator(items, 0)).toThrow(
      expect.objectContaining({ code: 'paginator.bad_per_page' }),
    )
  })
})
