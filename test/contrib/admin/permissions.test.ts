/**
 * Who may do what: anonymous and non-staff users are sent to the login page, a view-only staff
 * user sees lists and objects but no add, change or delete (and is refused when trying), every
 * admin POST needs a CSRF token, and actions run only with their permissions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Client } from '../../../framework/testing/index.ts'
import { startAdminProject, type AdminProject } from './project/harness.ts'
import { Choice, Question } from './project/models.ts'
import { csrfFrom, loggedInClient } from './support.ts'

let project: AdminProject
let questionId: number

beforeAll(async () => {
  project = await startAdminProject()
  const q = await Question.objects.create({ questionText: 'Visible?', pubDate: new Date() })
  await Choice.objects.create({ question: q, choiceText: 'Yes' })
  questionId = q.id
})
afterAll(() => project.dispose())

describe('anonymous users', () => {
  it('are sent to the admin login page with next, from every admin page', async () => {
    const client = new Client(project.application)
    for (const url of [
      '/admin/',
      '/admin/adminpolls/',
      '/admin/adminpolls/question/',
      `/admin/adminpolls/question/${questionId}/change/`,
      `/admin/adminpolls/question/${questionId}/delete/`,
    ]) {
      const response = await client.get(url)
      expect(response.status, url).toBe(302)
      expect(response.headers.get('location')).toBe(`/admin/login/?next=${encodeURIComponent(url)}`)
    }
  })

  it('cannot delete with a POST either', async () => {
    const client = new Client(project.application)
    const page = await client.get('/admin/login/')
    const response = await client.post(`/admin/adminpolls/question/${questionId}/delete/`, {
      csrfmiddlewaretoken: csrfFrom(page.text),
      post: 'yes',
    })
    expect(response.status).toBe(302)
    expect(await Question.objects.filter({ id: questionId }).count()).toBe(1)
  })
})

describe('the login page', () => {
  it('refuses a wrong password and a user who is not staff', async () => {
    const client = new Client(project.application)
    const page = await client.get('/admin/login/')
    const token = csrfFrom(page.text)
    const wrong = await client.post('/admin/login/', {
      username: 'root',
      password: 'nope',
      csrfmiddlewaretoken: token,
    })
    expect(wrong.status).toBe(200)
    expect(wrong.text).toContain(
      'Please enter the correct username and password for a staff account.',
    )
    const plain = await client.post('/admin/login/', {
      username: 'plain',
      password: 'correct horse battery staple',
      csrfmiddlewaretoken: token,
    })
    expect(plain.status).toBe(200)
    expect((await client.get('/admin/')).status).toBe(302)
  })

  it('does not redirect off the site after login', async () => {
    const client = new Client(project.application)
    const page = await client.get('/admin/login/?next=https://evil.example/')
    const response = await client.post('/admin/login/', {
      username: 'root',
      password: 'correct horse battery staple',
      next: '//evil.example/',
      csrfmiddlewaretoken: csrfFrom(page.text),
    })
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toBe('/admin/')
  })

  it('logs out on POST only', async () => {
    const client = await loggedInClient(project, 'root')
    const page = await client.get('/admin/')
    expect((await client.get('/admin/logout/')).status).toBe(405)
    const out = await client.post('/admin/logout/', { csrfmiddlewaretoken: csrfFrom(page.text) })
    expect(out.status).toBe(200)
    expect((await client.get('/admin/')).status).toBe(302)
  })
})

describe('CSRF', () => {
  it('refuses every admin POST without a token with 403, and changes nothing', async () => {
    const client = await loggedInClient(project, 'root')
    const posts: [string, Record<string, string>][] = [
      ['/admin/login/', { username: 'root', password: 'x' }],
      ['/admin/logout/', {}],
      [
        '/admin/adminpolls/question/add/',
        { questionText: 'Forged', pubDate: '2024-01-01T00:00', status: 'd' },
      ],
      [
        `/admin/adminpolls/question/${questionId}/change/`,
        { questionText: 'Forged', pubDate: '2024-01-01T00:00', status: 'd' },
      ],
      [`/admin/adminpolls/question/${questionId}/delete/`, { post: 'yes' }],
      [
        '/admin/adminpolls/question/',
        { action: 'delete_selected', _selected_action: String(questionId), post: 'yes' },
      ],
    ]
    for (const [url, data] of posts) {
      const response = await client.post(url, data)
      expect(response.status, url).toBe(403)
    }
    expect(await Question.objects.filter({ questionText: 'Forged' }).count()).toBe(0)
    expect(await Question.objects.filter({ id: questionId }).count()).toBe(1)
    expect((await client.get('/admin/')).status).toBe(200) // still logged in
  })
})

describe('a staff user with only view permission', () => {
  let client: Client
  beforeAll(async () => {
    client = await loggedInClient(project, 'viewer')
  })

  it('sees the models on the index without add links', async () => {
    const index = await client.get('/admin/')
    expect(index.status).toBe(200)
    expect(index.text).toContain('Questions')
    expect(index.text).not.toContain('class="addlink"')
    expect(index.text).toContain('class="viewlink"')
    expect(index.text).not.toContain('Notes') // no permission at all on Note
  })

  it('sees the change list without an add button or actions', async () => {
    const list = await client.get('/admin/adminpolls/question/')
    expect(list.status).toBe(200)
    expect(list.text).toContain('Visible?')
    expect(list.text).not.toContain('addlink')
    expect(list.text).not.toContain('name="action"')
    expect(list.text).not.toContain('_selected_action')
  })

  it('sees an object read-only, with no save or delete', async () => {
    const page = await client.get(`/admin/adminpolls/question/${questionId}/change/`)
    expect(page.status).toBe(200)
    expect(page.text).toContain('View question')
    expect(page.text).toContain('Visible?')
    expect(page.text).not.toContain('name="questionText"')
    expect(page.text).not.toContain('name="_save"')
    expect(page.text).not.toContain('deletelink')
    expect(page.text).not.toContain('choice_set-TOTAL_FORMS')
  })

  it('is refused (403) add, change, delete and actions, and nothing changes', async () => {
    const page = await client.get('/admin/adminpolls/question/')
    const token = csrfFrom(page.text)
    expect((await client.get('/admin/adminpolls/question/add/')).status).toBe(403)
    expect((await client.get(`/admin/adminpolls/question/${questionId}/delete/`)).status).toBe(403)
    const change = await client.post(`/admin/adminpolls/question/${questionId}/change/`, {
      csrfmiddlewaretoken: token,
      questionText: 'Changed by a viewer',
      pubDate: '2024-01-01T00:00',
      status: 'd',
    })
    expect(change.status).toBe(403)
    const del = await client.post(`/admin/adminpolls/question/${questionId}/delete/`, {
      csrfmiddlewaretoken: token,
      post: 'yes',
    })
    expect(del.status).toBe(403)
    const bulk = await client.post('/admin/adminpolls/question/', {
      csrfmiddlewaretoken: token,
      action: 'delete_selected',
      _selected_action: String(questionId),
      post: 'yes',
    })
    expect(bulk.status).toBe(403)
    const custom = await client.post('/admin/adminpolls/question/', {
      csrfmiddlewaretoken: token,
      action: 'make_featured',
      _selected_action: String(questionId),
    })
    expect(custom.status).toBe(403)
    const q = await Question.objects.get({ id: questionId })
    expect(q.questionText).toBe('Visible?')
    expect(q.featured).toBe(false)
  })

  it('gets 404 for a model it has no permission on at all', async () => {
    expect((await client.get('/admin/adminpolls/note/')).status).toBe(404)
  })
})

describe('actions', () => {
  it('runs a custom action on the selected rows and a bulk delete after its confirmation', async () => {
    const client = await loggedInClient(project, 'root')
    const a = await Question.objects.create({ questionText: 'Bulk A', pubDate: new Date() })
    const b = await Question.objects.create({ questionText: 'Bulk B', pubDate: new Date() })
    await Choice.objects.create({ question: b, choiceText: 'b1' })
    const page = await client.get('/admin/adminpolls/question/')
    const token = csrfFrom(page.text)
    const featured = await client.post('/admin/adminpolls/question/', {
      csrfmiddlewaretoken: token,
      action: 'make_featured',
      _selected_action: [String(a.id)],
    })
    expect(featured.status).toBe(302)
    expect((await Question.objects.get({ id: a.id })).featured).toBe(true)
    expect((await Question.objects.get({ id: b.id })).featured).toBe(false)

    const confirm = await client.post('/admin/adminpolls/question/', {
      csrfmiddlewaretoken: token,
      action: 'delete_selected',
      _selected_action: [String(a.id), String(b.id)],
    })
    expect(confirm.status).toBe(200)
    expect(confirm.templateName).toBe('admin/delete_selected_confirmation.html')
    expect(confirm.text).toContain('Choice: b1')
    expect(await Question.objects.filter({ id__in: [a.id, b.id] }).count()).toBe(2)
    const done = await client.post('/admin/adminpolls/question/', {
      csrfmiddlewaretoken: token,
      action: 'delete_selected',
      _selected_action: [String(a.id), String(b.id)],
      post: 'yes',
    })
    expect(done.status).toBe(302)
    expect(await Question.objects.filter({ id__in: [a.id, b.id] }).count()).toBe(0)
  })

  it('answers 400 for an unknown action or a malformed selection', async () => {
    const client = await loggedInClient(project, 'root')
    const page = await client.get('/admin/adminpolls/question/')
    const token = csrfFrom(page.text)
    const unknown = await client.post('/admin/adminpolls/question/', {
      csrfmiddlewaretoken: token,
      action: 'drop_tables',
      _selected_action: '1',
    })
    expect(unknown.status).toBe(400)
    const bad = await client.post('/admin/adminpolls/question/', {
      csrfmiddlewaretoken: token,
      action: 'delete_selected',
      _selected_action: '1 OR 1=1',
    })
    expect(bad.status).toBe(400)
  })
})

describe('inlines and the child model permissions', () => {
  it('shows the rows of a child the user may only view as text, and ignores posted rows', async () => {
    const { createUser, Permission } = await import('../../../framework/contrib/auth/index.ts')
    const editor = await createUser(
      { username: 'editor', password: 'correct horse battery staple', isStaff: true },
      project.settings,
    )
    const perms = await Permission.objects
      .filter({ codename__in: ['view_question', 'change_question', 'view_choice'] })
      .list()
    await (
      editor as unknown as { userPermissions: { add(...p: unknown[]): Promise<void> } }
    ).userPermissions.add(...perms)
    const client = await loggedInClient(project, 'editor')
    const url = `/admin/adminpolls/question/${questionId}/change/`
    const page = await client.get(url)
    expect(page.status).toBe(200)
    expect(page.text).toContain('name="questionText"') // may change the question
    expect(page.text).not.toContain('choice_set-TOTAL_FORMS') // but not its choices
    expect(page.text).toContain('Yes') // which it sees as text
    const choice = await Choice.objects.get({ question: questionId })
    const response = await client.post(url, {
      csrfmiddlewaretoken: csrfFrom(page.text),
      questionText: 'Visible?',
      pubDate: '2024-01-01T00:00',
      status: 'd',
      'choice_set-TOTAL_FORMS': '1',
      'choice_set-INITIAL_FORMS': '1',
      'choice_set-0-id': String(choice.id),
      'choice_set-0-choiceText': 'Changed without permission',
      'choice_set-0-votes': '0',
    })
    expect(response.status).toBe(302)
    expect((await Choice.objects.get({ id: choice.id })).choiceText).toBe('Yes')
  })
})
