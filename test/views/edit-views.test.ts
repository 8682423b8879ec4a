import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { Http404 } from '../../framework/http/index.ts'
import { CreateView, DeleteView, getListOr404, getObjectOr404, UpdateView } from '../../framework/views/index.ts'
import { modelForm } from '../../framework/forms/index.ts'
import { createModelTables, openTestDatabase, truncate, type TestDatabase } from '../db/backends.ts'
import { allModels, Author, Post, Question } from '../forms/models.ts'
import { bodyText, makeRequest, templateSite } from './support.ts'

const site = templateSite({
  'formstest/question_form.html': '<h1><%= it.object ? "Edit " + it.question.questionText : "New question" %></h1><%~ it.form %>',
  'formstest/question_confirm_delete.html': 'Delete “<%= it.question.questionText %>”? <form method="post"><button>Yes</button></form>',
  'custom.html': 'custom <%~ it.form %>',
})
const { settings } = site

let database: TestDatabase
beforeAll(async () => {
  database = await openTestDatabase('sqlite')
  await createModelTables(allModels)
})
afterAll(async () => {
  await database.dispose()
  site.cleanup()
})
beforeEach(async () => {
  await truncate(allModels)
})

const post = (body: string) =>
  makeRequest(settings, { method: 'POST', body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } })

describe('CreateView', () => {
  const create = CreateView.asView({ model: Question, fields: ['questionText'] })

  it('shows an empty ModelForm in <app>/<model>_form.html', async () => {
    const response = await create(makeRequest(settings), {})
    expect(response.templateName).toBe('formstest/question_form.html')
    const html = await bodyText(response)
    expect(html).toContain('<h1>New question</h1>')
    expect(html).toContain('<input type="text" name="questionText" maxlength="100" id="id_questionText" required>')
  })

  it('saves a valid POST and redirects to the object’s getAbsoluteUrl()', async () => {
    const response = await create(post('questionText=Why%3F'), {})
    const saved = await Question.objects.get({ questionText: 'Why?' })
    expect([response.status, response.headers.get('Location')]).toEqual([302, `/questions/${saved.id}/`])
  })

  it('fills {field} placeholders of successUrl from the new object', async () => {
    const response = await CreateView.asView({ model: Question, fields: ['questionText'], successUrl: '/done/{id}/' })(post('questionText=Q'), {})
    const saved = await Question.objects.get({ questionText: 'Q' })
    expect(response.headers.get('Location')).toBe(`/done/${saved.id}/`)
  })

  it('re-renders an invalid POST with its errors and saves nothing', async () => {
    const response = await create(post('questionText='), {})
    expect(response.status).toBe(200)
    expect(await bodyText(response)).toContain('This field is required.')
    expect(await Question.objects.count()).toBe(0)
  })

  it('shows unique errors from the database', async () => {
    await Author.objects.create({ name: 'A', email: 'a@example.com' })
    const response = await CreateView.asView({ model: Author, fields: '__all__', templateName: 'custom.html', successUrl: '/' })(
      post('name=B&email=a%40example.com'),
      {},
    )
    expect(await bodyText(response)).toContain('author with this email already exists.')
  })

  it('accepts a formClass instead of fields', async () => {
    const QuestionForm = modelForm(Question, { fields: ['questionText'], labels: { questionText: 'Your question' } })
    const response = await CreateView.asView({ model: Question, formClass: QuestionForm })(makeRequest(settings), {})
    expect(await bodyText(response)).toContain('>Your question</label>')
  })

  it('fails with coded errors when it has no model, or neither fields nor formClass', async () => {
    await expect(CreateView.asView({ fields: ['x'] })(makeRequest(settings), {})).rejects.toMatchObject({ code: 'views.no_model' })
    await expect(CreateView.asView({ model: Question })(makeRequest(settings), {})).rejects.toMatchObject({ code: 'views.no_fields' })
  })
})

describe('UpdateView', () => {
  const update = UpdateView.asView({ model: Question, fields: ['questionText'], successUrl: '/questions/' })

  it('shows the object in the form, found by pk', async () => {
    const question = await Question.objects.create({ questionText: 'Old <text>' })
    const response = await update(makeRequest(settings), { pk: question.id })
    const html = await bodyText(response)
    expect(html).toContain('<h1>Edit Old &lt;text&gt;</h1>')
    expect(html).toContain('value="Old &lt;text&gt;"')
  })

  it('updates the row on a valid POST (no new row)', async () => {
    const question = await Question.objects.create({ questionText: 'Old' })
    const response = await update(post('questionText=New'), { pk: question.id })
    expect(response.headers.get('Location')).toBe('/questions/')
    expect((await Question.objects.get({ pk: question.id })).questionText).toBe('New')
    expect(await Question.objects.count()).toBe(1)
  })

  it('answers 404 for a missing object, on GET and on POST', async () => {
    await expect(update(makeRequest(settings), { pk: 12345 })).rejects.toBeInstanceOf(Http404)
    await expect(update(post('questionText=x'), { pk: 12345 })).rejects.toBeInstanceOf(Http404)
  })

  it('excludes the edited row from unique checks', async () => {
    const author = await Author.objects.create({ name: 'A', email: 'a@example.com' })
    const response = await UpdateView.asView({ model: Author, fields: '__all__', successUrl: '/', templateName: 'custom.html' })(
      post('name=Renamed&email=a%40example.com'),
      { pk: author.id },
    )
    expect(response.status).toBe(302)
  })
})

describe('DeleteView', () => {
  const remove = DeleteView.asView({ model: Question, successUrl: '/questions/' })

  it('asks for confirmation on GET and deletes nothing', async () => {
    const question = await Question.objects.create({ questionText: 'Doomed' })
    const response = await remove(makeRequest(settings), { pk: question.id })
    expect(response.templateName).toBe('formstest/question_confirm_delete.html')
    expect(await bodyText(response)).toContain('Delete “Doomed”?')
    expect(await Question.objects.count()).toBe(1)
  })

  it('deletes on POST and redirects', async () => {
    const question = await Question.objects.create({ questionText: 'Doomed' })
    const response = await remove(post(''), { pk: question.id })
    expect([response.status, response.headers.get('Location')]).toEqual([302, '/questions/'])
    expect(await Question.objects.count()).toBe(0)
  })

  it('refuses other methods with 405 and answers 404 for a missing object', async () => {
    const question = await Question.objects.create({ questionText: 'Kept' })
    const response = await remove(makeRequest(settings, { method: 'DELETE' }), { pk: question.id })
    expect(response.status).toBe(405)
    expect(await Question.objects.count()).toBe(1)
    await expect(remove(post(''), { pk: 999 })).rejects.toBeInstanceOf(Http404)
  })

  it('deletes nothing when it has no successUrl to go to', async () => {
    const question = await Question.objects.create({ questionText: 'Kept' })
    await expect(DeleteView.asView({ model: Question })(post(''), { pk: question.id })).rejects.toMatchObject({ code: 'views.no_success_url' })
    expect(await Question.objects.count()).toBe(1)
  })
})

describe('getObjectOr404 and getListOr404', () => {
  it('return the object(s) or raise Http404', async () => {
    const question = await Question.objects.create({ questionText: 'Here' })
    expect((await getObjectOr404(Question, { pk: question.id })).questionText).toBe('Here')
    expect((await getObjectOr404(Question.objects.filter({ questionText: 'Here' }), { pk: question.id })).id).toBe(question.id)
    await expect(getObjectOr404(Question, { pk: question.id + 1 })).rejects.toBeInstanceOf(Http404)
    await expect(getObjectOr404(Question.objects.filter({ questionText: 'Elsewhere' }), { pk: question.id })).rejects.toBeInstanceOf(Http404)
    expect(await getListOr404(Question, { questionText: 'Here' })).toHaveLength(1)
    await expect(getListOr404(Post, {})).rejects.toBeInstanceOf(Http404)
  })

  it('answer 404, not a database error, for a key the column cannot hold', async () => {
    await expect(getObjectOr404(Question, { pk: 'abc' })).rejects.toBeInstanceOf(Http404)
    await expect(getObjectOr404(Question, { pk: '1e400' })).rejects.toBeInstanceOf(Http404)
    await expect(getObjectOr404(Question, { pk: 99999999999 })).rejects.toBeInstanceOf(Http404)
  })
})
