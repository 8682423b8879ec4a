import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { HttpResponse } from '../../framework/http/index.ts'
import { path, setRootResolver, URLResolver } from '../../framework/urls/index.ts'
import { redirect, render } from '../../framework/views/index.ts'
import { bodyText, makeRequest, templateSite } from './support.ts'

const site = templateSite({
  'hello.html': 'Hi <%= it.name %> <%= it.debug %> <%= url("item", { id: 4 }) %>',
})
afterAll(() => site.cleanup())
afterEach(() => setRootResolver(undefined))

describe('render()', () => {
  it('renders with the context processors and the url() helper, recording template and context', async () => {
    setRootResolver(
      new URLResolver([path('items/<int:id>/', () => new HttpResponse(''), { name: 'item' })]),
    )
    const response = render(makeRequest(site.settings), 'hello.html', { name: '<Ann>' })
    expect(await bodyText(response)).toBe('Hi &lt;Ann&gt; true /items/4/')
    expect(response.templateName).toBe('hello.html')
    expect(response.context).toEqual({ name: '<Ann>' })
    expect(response.headers.get('Content-Type')).toBe('text/html; charset=utf-8')
  })

  it('takes a status and a content type', () => {
    setRootResolver(
      new URLResolver([path('items/<int:id>/', () => new HttpResponse(''), { name: 'item' })]),
    )
    const response = render(
      makeRequest(site.settings),
      'hello.html',
      {},
      { status: 422, contentType: 'text/plain' },
    )
    expect([response.status, response.headers.get('Content-Type')]).toEqual([422, 'text/plain'])
  })

  it('explains with a coded error when the request carries no settings', () => {
    expect(() => render(makeRequest(undefined), 'hello.html')).toThrow(
      expect.objectContaining({ code: 'views.no_settings' }),
    )
  })

  it('propagates TemplateDoesNotExist for a missing template', () => {
    expect(() => render(makeRequest(site.settings), 'nope.html')).toThrow(
      expect.objectContaining({ code: 'templates.does_not_exist' }),
    )
  })
})

describe('redirect()', () => {
  it('redirects to a route name with params, to a URL, and to an object with getAbsoluteUrl()', () => {
    setRootResolver(
      new URLResolver([path('items/<int:id>/', () => new HttpResponse(''), { name: 'item' })]),
    )
    // 'item' is not a name of the project's UrlNames, which types redirect() in this program.
    const untyped = redirect as (to: string, params?: object) => ReturnType<typeof redirect>
    expect(untyped('item', { id: 7 }).headers.get('Location')).toBe('/items/7/')
    expect(redirect('/plain/path/').headers.get('Location')).toBe('/plain/path/')
    expect(redirect('https://example.com/').headers.get('Location')).toBe('https://example.com/')
    expect(redirect({ getAbsoluteUrl: () => '/obj/1/' }).headers.get('Location')).toBe('/obj/1/')
  })

  it('is permanent (301) when asked, temporary (302) otherwise', () => {
    expect(redirect('/a/').status).toBe(302)
    expect(redirect('/a/', {}, { permanent: true }).status).toBe(301)
  })

  it('throws NoReverseMatch for a bare word that names no route', () => {
    setRootResolver(new URLResolver([]))
    // @ts-expect-error not a URL name of the project, and not URL-like: the compiler says so too
    expect(() => redirect('itme')).toThrow(
      expect.objectContaining({ code: 'urls.no_reverse_match' }),
    )
    setRootResolver(undefined)
    // @ts-expect-error as above
    expect(() => redirect('itme')).toThrow(
      expect.objectContaining({ code: 'urls.no_reverse_match' }),
    )
  })
})
