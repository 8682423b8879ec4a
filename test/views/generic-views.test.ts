import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { Http404, HttpResponse } from '../../framework/http/index.ts'
import { path, setRootResolver, URLResolver } from '../../framework/urls/index.ts'
import {
  DetailView,
  ListView,
  RedirectView,
  TemplateView,
} from '../../framework/views/index.ts'
import { bodyText, makeRequest, templateSite } from './support.ts'

const site = templateSite({
  'about.html': 'About <%= it.who %> <%= it.params.x %>',
  'list.html':
    '<% for (const n of it.objectList) { %><%= n %>,<% } %>|<%= it.isPaginated %>|<%= it.pageObj ? it.pageObj.number : "-" %>',
  'detail.html': '<%= it.object.title %>/<%= it.item.title %>',
  'form.html':
    'errors=<%= JSON.stringify(it.errors) %> email=<%= it.data ? it.data.get("email") : "" %>',
})
afterAll(() => site.cleanup())
afterEach(() => setRootResolver(undefined))
const { settings } = site

describe('TemplateView', () => {
  it('renders its template with the params and extra context, recording both on the response', async () => {
    const response = await TemplateView.asView({
      templateName: 'about.html',
      extraContext: { who: 'us' },
    })(makeRequest(settings), { x: 1 })
    expect(await bodyText(response)).toBe('About us 1')
    expect(response.templateName).toBe('about.html')
    expect(response.context).toMatchObject({ who: 'us', params: { x: 1 } })
  })

  it('fails with a coded error when no template name was given', async () => {
    await expect(TemplateView.asView()(makeRequest(settings), {})).rejects.toMatchObject({
      code: 'views.no_template_name',
    })
  })
})

describe('RedirectView', () => {
  it('redirects to a URL with params filled in, temporary or permanent', async () => {
    const temporary = await RedirectView.asView({ url: '/new/{id}/' })(makeRequest(settings), {
      id: 5,
    })
    expect([temporary.status, temporary.headers.get('Location')]).toEqual([302, '/new/5/'])
    const permanent = await RedirectView.asView({ url: '/x/', permanent: true })(
      makeRequest(settings),
      {},
    )
    expect(permanent.status).toBe(301)
  })

  it('redirects to a named route and keeps the query string when asked', async () => {
    setRootResolver(
      new URLResolver([path('items/<int:id>/', () => new HttpResponse(''), { name: 'item' })]),
    )
    const response = await RedirectView.asView({ patternName: 'item', queryString: true })(
      makeRequest(settings, { query: 'a=1' }),
      { id: 3 },
    )
    expect(response.headers.get('Location')).toBe('/items/3/?a=1')
  })

  it('answers 410 Gone when it has no target', async () => {
    expect((await RedirectView.asView()(makeRequest(settings), {})).status).toBe(410)
  })
})

class Numbers extends ListView<number> {
  override templateName = 'list.html'
  override getQueryset() {
    return Array.from({ length: 7 }, (_, i) => i + 1)
  }
}

describe('ListView', () => {
  it('lists everything without paginateBy', async () => {
    expect(await bodyText(await Numbers.asView()(makeRequest(settings), {}))).toBe(
      '1,2,3,4,5,6,7,|false|-',
    )
  })

  it('paginates by ?page= and by a page URL param, with "last"', async () => {
    const view = Numbers.asView({ paginateBy: 3 })
    expect(await bodyText(await view(makeRequest(settings, { query: 'page=2' }), {}))).toBe(
      '4,5,6,|true|2',
    )
    expect(await bodyText(await view(makeRequest(settings), { page: 3 }))).toBe('7,|true|3')
    expect(await bodyText(await view(makeRequest(settings, { query: 'page=last' }), {}))).toBe(
      '7,|true|3',
    )
  })

  it('turns an invalid or out-of-range page into Http404', async () => {
    const view = Numbers.asView({ paginateBy: 3 })
    for (const page of ['0', '4', 'abc', '2.5']) {
      await expect(
        view(makeRequest(settings, { query: `page=${page}` }), {}),
        page,
      ).rejects.toBeInstanceOf(Http404)
    }
  })

  it('is a 404 for an empty list when allowEmpty is false', async () => {
    class Empty extends ListView<number> {
      override templateName = 'list.html'
      override allowEmpty = false
      override queryset = []
    }
    await expect(Empty.asView()(makeRequest(settings), {})).rejects.toBeInstanceOf(Http404)
  })
})

const items = [
  { id: 1, slug: 'first', title: 'First' },
  { id: 2, slug: 'second', title: 'Second' },
]

describe('DetailView', () => {
  class ItemDetail extends DetailView<(typeof items)[number]> {
    override templateName = 'detail.html'
    override contextObjectName = 'item'
    override queryset = items
  }

  it('finds the object by pk/id or slug from the URL params', async () => {
    expect(await bodyText(await ItemDetail.asView()(makeRequest(settings), { id: 2 }))).toBe(
      'Second/Second',
    )
    expect(
      await bodyText(await ItemDetail.asView()(makeRequest(settings), { slug: 'first' })),
    ).toBe('First/First')
  })

  it('is a 404 when the object does not exist', async () => {
    await expect(ItemDetail.asView()(makeRequest(settings), { id: 99 })).rejects.toBeInstanceOf(
      Http404,
    )
  })

  it('uses an overridden getObject()', async () => {
    class Custom extends ItemDetail {
      override async getObject() {
        return { id: 0, slug: '', title: 'Custom' }
      }
    }
    expect(await bodyText(await Custom.asView()(makeRequest(settings), {}))).toBe('Custom/Custom')
  })
})

