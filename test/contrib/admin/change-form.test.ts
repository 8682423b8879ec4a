/**
 * The add and change pages through the test Client, on SQLite and PostgreSQL: a question with three choices added
 * inline, errors shown next to their fields, a change logged in the history, inline rows of
 * another question refused, and the delete page listing the cascade.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Client } from '../../../framework/testing/index.ts'
import { LogEntry } from '../../../framework/contrib/admin/index.ts'
import { preDelete, ProtectedError } from '../../../framework/db/index.ts'
import { backends } from '../../db/backends.ts'
import { startAdminProject, type AdminProject } from './project/harness.ts'
import { Choice, Note, Question } from './project/models.ts'
import { csrfFrom, loggedInClient } from './support.ts'

describe.each(backends)('on $name', (backend) => {
  describe.skipIf(!backend.available)(backend.reason || 'the admin forms', () => {
    let project: AdminProject
    let client: Client

    beforeAll(async () => {
      project = await startAdminProject({ backend: backend.name })
      client = await loggedInClient(project, 'root')
    })
    afterAll(() => project?.dispose())

    const management = (total: number, initial: number) => ({
      'choice_set-TOTAL_FORMS': String(total),
      'choice_set-INITIAL_FORMS': String(initial),
    })

    async function addQuestion(text: string, choices: string[]): Promise<number> {
      const page = await client.get('/admin/adminpolls/question/add/')
      const data: Record<string, string> = {
        csrfmiddlewaretoken: csrfFrom(page.text),
        questionText: text,
        pubDate: '2024-05-01T10:30',
        status: 'p',
        category: '',
        ...management(3, 0),
      }
      // As a browser does: every row posts its fields, the blank ones with their initial values.
      for (let i = 0; i < 3; i++) {
        data[`choice_set-${i}-choiceText`] = choices[i] ?? ''
        data[`choice_set-${i}-votes`] = '0'
      }
      const response = await client.post('/admin/adminpolls/question/add/', data)
      expect(
        response.status,
        (response.text.match(/<ul class="errorlist[^]*?<\/ul>/g) ?? []).join('\n'),
      ).toBe(302)
      const question = await Question.objects.get({ questionText: text })
      return question.id
    }

    describe('the add page', () => {
      it('renders the model form and three blank inline rows', async () => {
        const page = await client.get('/admin/adminpolls/question/add/')
        expect(page.status).toBe(200)
        expect(page.templateName).toBe('admin/change_form.html')
        expect(page.text).toContain('name="questionText"')
        expect(page.text).toContain('name="choice_set-TOTAL_FORMS" value="3"')
        expect(page.text).toContain('name="choice_set-2-choiceText"')
        expect(page.text).toContain('<option value="d"')
      })

      it('creates a question with its choices and logs the addition', async () => {
        const id = await addQuestion('Which colour?', ['Red', 'Green', 'Blue'])
        const choices = await Choice.objects.filter({ question: id }).orderBy('id').list()
        expect(choices.map((c) => c.choiceText)).toEqual(['Red', 'Green', 'Blue'])
        const log = await LogEntry.objects
          .filter({ contentType: 'adminpolls.Question', objectId: String(id) })
          .list()
        expect(log).toHaveLength(1)
        expect(log[0]!.actionFlag).toBe(1)
        expect(log[0]!.userRepr).toBe('root')
        expect(log[0]!.changeMessage).toContain('Added 3 choice(s).')
      })

      it('shows errors inline and saves nothing when a field is invalid', async () => {
        const before = await Question.objects.count()
        const page = await client.get('/admin/adminpolls/question/add/')
        const response = await client.post('/admin/adminpolls/question/add/', {
          csrfmiddlewaretoken: csrfFrom(page.text),
          questionText: '',
          pubDate: 'not a date',
          status: 'x',
          ...management(3, 0),
          'choice_set-0-choiceText': 'Orphan',
          'choice_set-0-votes': 'many',
        })
        expect(response.status).toBe(200)
        expect(response.text).toContain('Please correct the errors below.')
        expect(response.text).toContain('This field is required.')
        expect(response.text).toContain('aria-invalid="true"')
        expect(await Question.objects.count()).toBe(before)
        expect(await Choice.objects.filter({ choiceText: 'Orphan' }).count()).toBe(0)
      })
    })

    describe('the change page', () => {
      it('edits the question and its rows, and the history shows both actions', async () => {
        const id = await addQuestion('Best season?', ['Spring', 'Summer'])
        const choices = await Choice.objects.filter({ question: id }).orderBy('id').list()
        const url = `/admin/adminpolls/question/${id}/change/`
        const page = await client.get(url)
        expect(page.text).toContain('value="Best season?"')
        expect(page.text).toContain(`href="/polls/${id}/" class="viewsitelink"`)
        expect(page.text).toContain('name="choice_set-INITIAL_FORMS" value="2"')
        const response = await client.post(url, {
          csrfmiddlewaretoken: csrfFrom(page.text),
          questionText: 'Best season of the year?',
          pubDate: '2024-05-01T10:30',
          status: 'p',
          category: '',
          ...management(5, 2),
          'choice_set-0-id': String(choices[0]!.id),
          'choice_set-0-choiceText': 'Spring',
          'choice_set-0-votes': '4',
          'choice_set-1-id': String(choices[1]!.id),
          'choice_set-1-choiceText': 'Summer',
          'choice_set-1-votes': '0',
          'choice_set-1-DELETE': 'on',
          'choice_set-2-choiceText': 'Autumn',
          'choice_set-2-votes': '0',
          'choice_set-3-votes': '0',
          'choice_set-4-votes': '0',
          _continue: '1',
        })
        expect(response.status, response.text.slice(0, 3000)).toBe(302)
        expect(response.headers.get('location')).toBe(url)
        // The notice survives the redirect (messages framework) and is shown once.
        const next = await client.get(url)
        expect(next.text).toContain('was changed successfully. You may edit it again below.')
        expect((await client.get(url)).text).not.toContain('was changed successfully')
        const after = await Choice.objects.filter({ question: id }).orderBy('id').list()
        expect(after.map((c) => [c.choiceText, c.votes])).toEqual([
          ['Spring', 4],
          ['Autumn', 0],
        ])
        const history = await client.get(`/admin/adminpolls/question/${id}/history/`)
        expect(history.status).toBe(200)
        expect(history.text).toContain('Added')
        expect(history.text).toContain('Changed question text.')
        expect(history.text).toContain('Deleted 1 choice(s).')
      })

      it('refuses an inline row id that belongs to another question', async () => {
        const mine = await addQuestion('Mine?', ['A'])
        const theirs = await addQuestion('Theirs?', ['B'])
        const foreign = await Choice.objects.get({ question: theirs })
        const url = `/admin/adminpolls/question/${mine}/change/`
        const page = await client.get(url)
        const response = await client.post(url, {
          csrfmiddlewaretoken: csrfFrom(page.text),
          questionText: 'Mine?',
          pubDate: '2024-05-01T10:30',
          status: 'p',
          ...management(1, 1),
          'choice_set-0-id': String(foreign.id),
          'choice_set-0-choiceText': 'Hijacked',
          'choice_set-0-votes': '0',
        })
        expect(response.status).toBe(200)
        expect(response.text).toContain('not part of this object')
        expect((await Choice.objects.get({ id: foreign.id })).choiceText).toBe('B')
      })

      it('answers 404 for a missing object and for an id that is not a number', async () => {
        expect((await client.get('/admin/adminpolls/question/999999/change/')).status).toBe(404)
        expect((await client.get('/admin/adminpolls/question/abc/change/')).status).toBe(404)
      })
    })

    describe('the delete page', () => {
      it('lists the cascade, then deletes after confirmation and logs it', async () => {
        const id = await addQuestion('Delete me?', ['One', 'Two', 'Three'])
        const url = `/admin/adminpolls/question/${id}/delete/`
        const page = await client.get(url)
        expect(page.status).toBe(200)
        expect(page.text).toContain('Are you sure?')
        expect(page.text).toContain('Choice: One')
        expect(page.text).toContain('Choice: Three')
        expect(page.text).toMatch(/choices: 3/)
        expect(await Question.objects.filter({ id }).count()).toBe(1) // GET deletes nothing
        const response = await client.post(url, {
          csrfmiddlewaretoken: csrfFrom(page.text),
          post: 'yes',
        })
        expect(response.status).toBe(302)
        expect(await Question.objects.filter({ id }).count()).toBe(0)
        expect(await Choice.objects.filter({ question: id }).count()).toBe(0)
        const log = await LogEntry.objects.filter({ objectId: String(id), actionFlag: 3 }).count()
        expect(log).toBe(1)
      })

      it('keeps no history of a delete that the database refused at the last moment', async () => {
        const id = await addQuestion('Raced?', ['x'])
        const url = `/admin/adminpolls/question/${id}/delete/`
        const page = await client.get(url)
        // As if a protecting row appeared between the confirmation page and the delete.
        const stop = preDelete.connect(
          () => {
            throw new ProtectedError('A note now protects it', [])
          },
          { sender: Question },
        )
        try {
          const response = await client.post(url, {
            csrfmiddlewaretoken: csrfFrom(page.text),
            post: 'yes',
          })
          expect(response.status).toBe(409)
          expect(response.text).toContain('Cannot delete: A note now protects it')
        } finally {
          stop()
        }
        expect(await Question.objects.filter({ id }).count()).toBe(1)
        expect(await Choice.objects.filter({ question: id }).count()).toBe(1)
        expect(await LogEntry.objects.filter({ objectId: String(id), actionFlag: 3 }).count()).toBe(
          0,
        )
      })

      it('names the protected rows and refuses to delete', async () => {
        const id = await addQuestion('Protected?', ['x'])
        await Note.objects.create({ question: await Question.objects.get({ id }), text: 'keep me' })
        const url = `/admin/adminpolls/question/${id}/delete/`
        const page = await client.get(url)
        expect(page.text).toContain('protected related objects')
        expect(page.text).toContain('keep me')
        const response = await client.post(url, {
          csrfmiddlewaretoken: csrfFrom(page.text),
          post: 'yes',
        })
        expect(response.status).toBe(409)
        expect(await Question.objects.filter({ id }).count()).toBe(1)
      })
    })
  })
})
