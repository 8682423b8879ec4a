/**
 * The admin mounted at /admin/ in the example project (project/urls.ts), on a database of its own
 * built by the migrations (the admin's LogEntry included): a superuser logs in through the admin's
 * login form and sees the polls change list (and the blog's posts); an anonymous visitor is sent
 * to the login page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Application } from '../../framework/gateway/index.ts'
import { createSuperuser } from '../../framework/contrib/auth/index.ts'
import { Client } from '../../framework/testing/index.ts'
import { createQuestion, csrfToken, projectWithDatabase } from './project-database.ts'

let application: Application
let cleanup: () => Promise<void>
const password = 'admin-password-long-enough-7'

beforeAll(async () => {
  ;({ application, cleanup } = await projectWithDatabase())
  // Imported only now: the settings read DATABASE_URL, which projectWithDatabase() just set.
  const { settings } = await import('../../project/settings.ts')
  await createSuperuser({ username: 'boss', email: 'boss@example.com', password }, settings)
  await createQuestion('Which admin?', 1, ['This one'])
  await createQuestion('Unpublished yet?', -3)
})
afterAll(() => cleanup())

describe('the admin of the example project', () => {
  it('lets a superuser log in and shows the polls questions change list', async () => {
    const client = new Client(application)
    const login = await client.post('/admin/login/?next=/admin/polls/question/', {
      username: 'boss',
      password,
      next: '/admin/polls/question/',
      csrfmiddlewaretoken: await csrfToken(client, '/admin/login/'),
    })
    expect([login.status, login.headers.get('Location')]).toEqual([302, '/admin/polls/question/'])

    const list = await client.get('/admin/polls/question/')
    expect(list.status).toBe(200)
    expect(list.templateName).toBe('admin/change_list.html')
    // The admin lists every question, the future one too (only the public pages hide it).
    expect(list.text).toContain('Which admin?')
    expect(list.text).toContain('Unpublished yet?')
    expect(list.text).toContain('<table class="result-list">')
  })

  it('lists the polls app on the admin index for the superuser', async () => {
    const client = new Client(application)
    await client.post('/admin/login/', {
      username: 'boss',
      password,
      csrfmiddlewaretoken: await csrfToken(client, '/admin/login/'),
    })
    const index = await client.get('/admin/')
    expect(index.status).toBe(200)
    expect(index.text).toContain('href="/admin/polls/question/"')
    // The site's nav links staff to the admin.
    expect((await client.get('/')).text).toContain('<a href="/admin/">Admin</a>')
  })

  it("lists the blog's seeded posts, searchable by title", async () => {
    const client = new Client(application)
    await client.post('/admin/login/', {
      username: 'boss',
      password,
      csrfmiddlewaretoken: await csrfToken(client, '/admin/login/'),
    })
    const list = await client.get('/admin/blog/post/')
    expect(list.status).toBe(200)
    expect(list.text).toContain('Forms without a form library')
    expect(list.text).toContain('Hello, gateway')
    const found = await client.get('/admin/blog/post/', { q: 'eta' })
    expect(found.text).toContain('Templates on eta')
    expect(found.text).not.toContain('Hello, gateway')
    const { Post } = await import('../../project/blog/models.ts')
    const post = await Post.objects.filter({ slug: 'hello-gateway' }).first()
    const change = await client.get(`/admin/blog/post/${post!.id}/change/`)
    expect(change.status).toBe(200)
    expect(change.text).toContain('value="hello-gateway"')
  })

  it('redirects an anonymous visitor to the admin login page, with next', async () => {
    const client = new Client(application)
    for (const url of ['/admin/', '/admin/polls/question/']) {
      const response = await client.get(url)
      expect([response.status, response.headers.get('Location')], url).toEqual([
        302,
        `/admin/login/?next=${encodeURIComponent(url)}`,
      ])
    }
  })

  it('refuses a login without the CSRF token (403)', async () => {
    const client = new Client(application)
    const response = await client.post('/admin/login/', { username: 'boss', password })
    expect(response.status).toBe(403)
    expect((await client.get('/admin/')).status).toBe(302)
  })
})
