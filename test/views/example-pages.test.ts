/**
 * The example project's pages through the test Client (in process, wrapped in the gateway
 * validator): routing with converters, the paginated list, the template hierarchy, the comment
 * form POST, static files, and the debug 404/500 pages. The blog is in the ORM, so the project
 * runs on a fresh SQLite file built by its migrations (the posts come from the blog's data
 * migration).
 */
import { afterAll, describe, expect, it } from 'vitest'
import { Client, type ClientResponse } from '../../framework/testing/index.ts'
import { projectWithDatabase } from '../project/project-database.ts'

// Before anything imports the settings: they read DATABASE_URL when first imported.
const { application, cleanup } = await projectWithDatabase()
afterAll(() => cleanup())

const client = new Client(application)

/**
 * Posts the comment form as a browser does: GET the post's page (which sets the CSRF cookie the
 * Client keeps), then POST with the token from the form's hidden field.
 */
async function postComment(
  slug: string,
  data: Record<string, string>,
  options: { follow?: boolean } = {},
): Promise<ClientResponse> {
  const page = await client.get(`/blog/${slug}/`)
  const token = /name="csrfmiddlewaretoken" value="([^"]+)"/.exec(page.text)?.[1]
  if (!token) throw new Error(`no CSRF input on /blog/${slug}/ (status ${page.status})`)
  return client.post(`/blog/${slug}/comment/`, { ...data, csrfmiddlewaretoken: token }, options)
}

describe('example project pages', () => {
  it('renders the home page through the base layout, its blocks and the nav include', async () => {
    const response = await client.get('/')
    expect(response.status).toBe(200)
    expect(response.templateName).toBe('home.html')
    expect(response.text).toContain('<title>Home · Example project</title>')
    expect(response.text).toContain('<a href="/blog/">Blog</a>')
    expect(response.text).toContain('<link rel="stylesheet" href="/static/css/site.css">')
  })

  it('paginates the class-based blog list, three posts a page, with page links', async () => {
    const page2 = await client.get('/blog/', { page: 2 })
    expect(page2.status).toBe(200)
    expect(page2.templateName).toBe('blog/post_list.html')
    expect((page2.context?.['posts'] as unknown[]).length).toBe(3)
    expect(page2.text).toContain('<a rel="prev" href="?page=1">previous</a>')
    expect(page2.text).toContain('<strong>2</strong>')
  })

  it('answers 404 for a page number that is out of range or not a number', async () => {
    expect((await client.get('/blog/', { page: 99 })).status).toBe(404)
    expect((await client.get('/blog/', { page: 'abc' })).status).toBe(404)
  })

  it('lists the seeded posts newest first, from the database', async () => {
    const page1 = await client.get('/blog/')
    const titles = (page1.context?.['posts'] as { title: string }[]).map((post) => post.title)
    expect(titles).toEqual([
      'Forms without a form library',
      'Error pages, debug and not',
      'Static files and hashes',
    ])
    expect(page1.text).toContain('<a rel="next" href="?page=2">next</a>')
  })

  it('routes a slug to the detail view and an int year to the archive', async () => {
    const detail = await client.get('/blog/hello-gateway/')
    expect([detail.status, detail.templateName]).toEqual([200, 'blog/post_detail.html'])
    expect(detail.text).toContain('<h1>Hello, gateway</h1>')
    expect((await client.get('/blog/no-such-post/')).status).toBe(404)
    const archive = await client.get('/blog/archive/2025/')
    expect(archive.context?.['year']).toBe(2025)
    const titles = (archive.context?.['posts'] as { title: string }[]).map((post) => post.title)
    expect(titles).toEqual(['Static files and hashes', 'Paginating a list', 'Class-based views'])
    expect((await client.get('/blog/archive/twenty/')).status).toBe(404)
  })

  it('accepts a comment by form POST, redirects to the post and shows it escaped', async () => {
    const response = await postComment(
      'templates-on-eta',
      { author: 'Ann', text: '<script>hi</script>' },
      { follow: true },
    )
    expect(response.redirectChain).toEqual([['/blog/templates-on-eta/', 302]])
    expect(response.status).toBe(200)
    expect(response.text).toContain('<strong>Ann</strong>: &lt;script&gt;hi&lt;/script&gt;')
    // Stored in blog_comment (every worker sees it), not in the process's memory.
    const { Comment } = await import('../../project/blog/models.ts')
    const stored = await Comment.objects.filter({ author: 'Ann' }).list()
    expect(stored.map((comment) => comment.text)).toEqual(['<script>hi</script>'])
  })

  it('refuses a comment without the CSRF token (403) and stores nothing', async () => {
    const forged = await new Client(application).post('/blog/templates-on-eta/comment/', {
      author: 'Mallory',
      text: 'forged',
    })
    expect(forged.status).toBe(403)
    expect((await client.get('/blog/templates-on-eta/')).text).not.toContain('Mallory')
  })

  it('re-renders the form with errors (400) for an empty comment, and refuses GET on the form URL', async () => {
    const invalid = await postComment('templates-on-eta', { author: '', text: '' })
    expect(invalid.status).toBe(400)
    expect(invalid.text).toContain('Please give your name.')
    const get = await client.get('/blog/templates-on-eta/comment/')
    expect([get.status, get.headers.get('Allow')]).toEqual([405, 'POST'])
  })

  it('serves the CSS file in DEBUG and nothing outside the static roots', async () => {
    const css = await client.get('/static/css/site.css')
    expect([css.status, css.headers.get('Content-Type')]).toEqual([200, 'text/css; charset=utf-8'])
    for (const attack of [
      '/static/../project/settings.ts',
      '/static/%2e%2e/project/settings.ts',
      '/static/%252e%252e/project/settings.ts',
      '/static/css/%00.css',
      '/static//etc/passwd',
    ]) {
      const response = await client.get(attack)
      expect([400, 404], attack).toContain(response.status)
      expect(response.text, attack).not.toContain('defineSettings')
    }
  })

  it('shows the DEBUG 404 page listing the patterns tried', async () => {
    const response = await client.get('/this/page/does/not/exist/')
    expect(response.status).toBe(404)
    expect(response.text).toContain(
      'blog/&#60;slug:slug&#62;/comment/ [name=&#39;blog:comment&#39;]',
    )
  })

  it('shows the debug page for a view that throws, and serves the next request normally', async () => {
    const boom = await client.get('/blog/boom/')
    expect(boom.status).toBe(500)
    expect(boom.text).toContain('This view fails on purpose')
    expect((await client.get('/about/')).status).toBe(200)
  })

  it('redirects a path without its slash when the slashed one exists (APPEND_SLASH)', async () => {
    const response = await client.get('/about')
    expect([response.status, response.headers.get('Location')]).toEqual([301, '/about/'])
  })
})

describe('example project pages with DEBUG off', async () => {
  const { settings } = await import('../../project/settings.ts')
  const { defineSettings, getGatewayApplication } = await import('../../framework/index.ts')
  const production = new Client(
    getGatewayApplication(
      defineSettings({ ...settings, DEBUG: false, SECRET_KEY: 'p'.repeat(60) }),
    ),
  )

  it("renders the project's 404.html inside the base layout", async () => {
    const response = await production.get('/missing/')
    expect(response.status).toBe(404)
    expect(response.text).toContain('<title>Page not found · Example project</title>')
    expect(response.text).toContain('<code>/missing/</code>')
  })

  it("renders the project's 500.html and shows nothing internal", async () => {
    const response = await production.get('/blog/boom/')
    expect(response.status).toBe(500)
    expect(response.text).toContain('Something went wrong')
    expect(response.text).not.toContain('fails on purpose')
  })

  it('does not serve static files from the application', async () => {
    expect((await production.get('/static/css/site.css')).status).toBe(404)
  })
})
