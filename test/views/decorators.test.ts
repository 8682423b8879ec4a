import { describe, expect, it } from 'vitest'
import { HttpResponse } from '../../framework/http/index.ts'
import {
  cacheControl,
  cacheControlHeader,
  neverCache,
  requireGet,
  requireHttpMethods,
  requirePost,
} from '../../framework/views/index.ts'
import { makeRequest } from './support.ts'

const ok = () => new HttpResponse('ok')

describe('view decorators', () => {
  it('requireHttpMethods lets listed methods through and answers others 405 with Allow', async () => {
    const view = requireHttpMethods(['get', 'PUT'])(ok)
    expect((await view(makeRequest(undefined, { method: 'PUT' }), {})).status).toBe(200)
    const refused = await view(makeRequest(undefined, { method: 'POST' }), {})
    expect([refused.status, refused.headers.get('Allow')]).toEqual([405, 'GET, PUT'])
  })

  it('requirePost and requireGet restrict to their methods', async () => {
    expect((await requirePost(ok)(makeRequest(undefined), {})).status).toBe(405)
    expect((await requirePost(ok)(makeRequest(undefined, { method: 'POST' }), {})).status).toBe(200)
    expect((await requireGet(ok)(makeRequest(undefined, { method: 'HEAD' }), {})).status).toBe(200)
    expect((await requireGet(ok)(makeRequest(undefined, { method: 'POST' }), {})).status).toBe(405)
  })

  it('cacheControl sets the directives it is given', async () => {
    const response = await cacheControl({ public: true, maxAge: 300, immutable: true })(ok)(
      makeRequest(undefined),
      {},
    )
    expect(response.headers.get('Cache-Control')).toBe('public, max-age=300, immutable')
  })

  it('cacheControl refuses public with private, unknown directives and bad numbers when decorating', () => {
    expect(() => cacheControlHeader({ public: true, private: true })).toThrow(
      expect.objectContaining({ code: 'views.cache_public_private' }),
    )
    expect(() => cacheControlHeader({ maxAge: -1 })).toThrow(
      expect.objectContaining({ code: 'views.cache_bad_value' }),
    )
    expect(() => cacheControlHeader({ maxAeg: 1 } as never)).toThrow(
      expect.objectContaining({ code: 'views.cache_unknown' }),
    )
  })

  it('neverCache makes the response uncacheable', async () => {
    const response = await neverCache(ok)(makeRequest(undefined), {})
    expect(response.headers.get('Cache-Control')).toBe(
      'max-age=0, no-cache, no-store, must-revalidate, private',
    )
    expect(response.headers.get('Expires')).toBe('Thu, 01 Jan 1970 00:00:00 GMT')
  })

  it('keeps the view name for error messages and showurls', () => {
    function articleList() {
      return new HttpResponse('')
    }
    expect(neverCache(requirePost(articleList)).name).toBe('articleList')
  })
})
