/**
 * The change list through the test Client, on SQLite and PostgreSQL: columns, search, filters, sortable headers,
 * pagination, and the query count that stays fixed on 10,000 rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { assertNumQueries, Client } from '../../../framework/testing/index.ts'
import { backends } from '../../db/backends.ts'
import { startAdminProject, type AdminProject } from './project/harness.ts'
import { Category, Choice, Question } from './project/models.ts'
import { loggedInClient } from './support.ts'

describe.each(backends)('on $name', (backend) => {
  describe.skipIf(!backend.available)(backend.reason || 'the admin change list', () => {
    let project: AdminProject
    let client: Client

    beforeAll(async () => {
      project = await startAdminProject({ backend: backend.name })
      client = await loggedInClient(project, 'root')
      const sport = await Category.objects.create({ name: 'Sport' })
      await Category.objects.create({ name: 'Science' })
      const now = Date.now()
      await Question.objects.create({
        questionText: 'Who won the cup?',
        pubDate: new Date(now),
        category: sport,
        featured: true,
        status: 'p',
      })
      await Question.objects.create({
        questionText: 'What is a quark?',
        pubDate: new Date(now - 40 * 86_400_000),
        status: 'd',
      })
      await Question.objects.create({
        questionText: 'Who is the <b>fastest</b> runner of all time, really?',
        pubDate: new Date(now - 400 * 86_400_000),
        category: sport,
      })
    })
    afterAll(() => project?.dispose())

    describe('the change list', () => {
      it('shows one row per object with the declared columns', async () => {
        const response = await client.get('/admin/adminpolls/question/')
        expect(response.status).toBe(200)
        expect(response.templateName).toBe('admin/change_list.html')
        expect(response.text).toContain('Who won the cup?')
        expect(response.text).toContain('What is a quark?')
        expect(response.text).toContain('Date published')
        expect(response.text).toContain('Published') // choice label, not 'p'
        expect(response.text).toContain('Sport') // the FK's repr
      })

      it('escapes object text', async () => {
        const response = await client.get('/admin/adminpolls/question/')
        expect(response.text).toContain('&lt;b&gt;fastest&lt;/b&gt;')
        expect(response.text).not.toContain('<b>fastest</b>')
      })

      it('searches the search fields case-insensitively, across a relation too', async () => {
        const byText = await client.get('/admin/adminpolls/question/?q=QUARK')
        expect(byText.text).toContain('What is a quark?')
        expect(byText.text).not.toContain('Who won the cup?')
        const byCategory = await client.get('/admin/adminpolls/question/?q=sport')
        expect(byCategory.text).toContain('Who won the cup?')
        expect(byCategory.text).not.toContain('What is a quark?')
      })

      it('filters by boolean, choices, date range and foreign key', async () => {
        const featured = await client.get('/admin/adminpolls/question/?featured__exact=1')
        expect(featured.text).toContain('Who won the cup?')
        expect(featured.text).not.toContain('What is a quark?')
        const drafts = await client.get('/admin/adminpolls/question/?status__exact=d')
        expect(drafts.text).not.toContain('Who won the cup?')
        expect(drafts.text).toContain('What is a quark?')
        const sport = await Category.objects.get({ name: 'Sport' })
        const byCategory = await client.get(
          `/admin/adminpolls/question/?category__id__exact=${sport.id}`,
        )
        expect(byCategory.text).toContain('fastest')
        expect(byCategory.text).not.toContain('What is a quark?')
        const today = new Date().toISOString().slice(0, 10)
        const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10)
        const recent = await client.get(
          `/admin/adminpolls/question/?pubDate__gte=${today}&pubDate__lt=${tomorrow}`,
        )
        expect(recent.text).toContain('Who won the cup?')
        expect(recent.text).not.toContain('What is a quark?')
      })

      it('refuses unknown parameters and malformed filter values with a 400 that says why', async () => {
        const unknown = await client.get('/admin/adminpolls/question/?password__startswith=a')
        expect(unknown.status).toBe(400)
        expect(unknown.text).toContain('password__startswith')
        const bad = await client.get('/admin/adminpolls/question/?featured__exact=maybe')
        expect(bad.status).toBe(400)
        const badDate = await client.get('/admin/adminpolls/question/?pubDate__gte=yesterday')
        expect(badDate.status).toBe(400)
        const badOrder = await client.get('/admin/adminpolls/question/?o=password')
        expect(badOrder.status).toBe(400)
      })

      it('orders by a sortable header, both ways', async () => {
        const asc = await client.get('/admin/adminpolls/question/?o=questionText')
        const desc = await client.get('/admin/adminpolls/question/?o=-questionText')
        const order = (html: string) =>
          ['What is a quark?', 'Who is the', 'Who won the cup?'].sort(
            (a, b) => html.indexOf(a) - html.indexOf(b),
          )
        expect(order(asc.text)).toEqual(['What is a quark?', 'Who is the', 'Who won the cup?'])
        expect(order(desc.text)).toEqual(['Who won the cup?', 'Who is the', 'What is a quark?'])
        expect(asc.text).toContain('aria-sort="ascending"')
      })

      it('answers 404 for a page past the end, and for an unregistered model', async () => {
        expect((await client.get('/admin/adminpolls/question/?p=99')).status).toBe(404)
        expect((await client.get('/admin/adminpolls/nothing/')).status).toBe(404)
      })
    })

    describe('the change list on 10,000 rows', () => {
      beforeAll(async () => {
        const category = await Category.objects.get({ name: 'Science' })
        const base = Date.now() - 1000 * 86_400_000
        const rows = Array.from(
          { length: 10_000 },
          (_, i) =>
            new Question({
              questionText: `Generated question ${i}`,
              pubDate: new Date(base + i * 60_000),
              category: i % 2 ? category : null,
              status: i % 3 ? 'd' : 'p',
            }),
        )
        await Question.objects.bulkCreate(rows, { batchSize: 500 })
        const first = await Question.objects.orderBy('pk').first()
        await Choice.objects.create({ question: first!, choiceText: 'x' })
      }, 60_000)

      it('is paginated by listPerPage and runs the same number of queries on every page', async () => {
        const total = await Question.objects.count()
        expect(total).toBeGreaterThan(10_000)
        // session + user (middleware), count, page (with the category joined), category filter's choices
        const first = await assertNumQueries(5, () => client.get('/admin/adminpolls/question/'))
        expect(first.status).toBe(200)
        expect((first.text.match(/name="_selected_action"/g) ?? []).length).toBe(20)
        // The category column shows the related object's name, loaded in the same query.
        expect(first.text).toMatch(/<td>\s*Science\s*<\/td>/)
        const pages = Math.ceil(total / 20)
        const last = await assertNumQueries(5, () =>
          client.get(`/admin/adminpolls/question/?p=${pages}`),
        )
        expect(last.status).toBe(200)
        const filtered = await assertNumQueries(5, () =>
          client.get('/admin/adminpolls/question/?status__exact=p&q=question&o=-questionText&p=3'),
        )
        expect(filtered.status).toBe(200)
        expect(filtered.text).toContain('Generated question')
      }, 60_000)
    })
  })
})
