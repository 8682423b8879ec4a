/**
 * The index and app pages, many-to-many and large foreign keys on the forms, and templates a
 * project overrides from its own templates/admin/ folder.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Client } from '../../../framework/testing/index.ts'
import { RAW_ID_THRESHOLD_FOR_TESTS } from './support.ts'
import { startAdminProject, type AdminProject } from './project/harness.ts'
import { Category, Question, Tag } from './project/models.ts'
import { csrfFrom, loggedInClient } from './support.ts'

let project: AdminProject
let client: Client
let templates: string

beforeAll(async () => {
  templates = mkdtempSync(join(tmpdir(), 'admin-templates-'))
  mkdirSync(join(templates, 'admin'), { recursive: true })
  writeFileSync(
    join(templates, 'admin', 'object_history.html'),
    `<% layout('admin/base.html') %><h1>Project history of <%= it.objectRepr %></h1>`,
  )
  project = await startAdminProject({ templateDirs: [templates] })
  client = await loggedInClient(project, 'root')
})
afterAll(async () => {
  await project.dispose()
  rmSync(templates, { recursive: true, force: true })
})

describe('the index', () => {
  it('lists each app with its models and their add and change links', async () => {
    const index = await client.get('/admin/')
    expect(index.status).toBe(200)
    expect(index.templateName).toBe('admin/index.html')
    expect(index.headers.get('cache-control')).toContain('no-store')
    expect(index.text).toContain('href="/admin/adminpolls/"')
    expect(index.text).toContain('href="/admin/adminpolls/question/add/"')
    expect(index.text).toContain('href="/admin/adminpolls/category/"')
    expect(index.text).toContain('>Categories<')
    const app = await client.get('/admin/adminpolls/')
    expect(app.status).toBe(200)
    expect(app.text).toContain('Adminpolls administration')
    expect((await client.get('/admin/nosuchapp/')).status).toBe(404)
  })
})

describe('the forms', () => {
  it('saves many-to-many choices', async () => {
    const news = await Tag.objects.create({ name: 'news' })
    const tech = await Tag.objects.create({ name: 'tech' })
    await Tag.objects.create({ name: 'other' })
    const page = await client.get('/admin/adminpolls/question/add/')
    expect(page.text).toMatch(/<select[^>]*name="tags"[^>]*multiple/)
    const response = await client.post('/admin/adminpolls/question/add/', {
      csrfmiddlewaretoken: csrfFrom(page.text),
      questionText: 'Tagged?',
      pubDate: '2024-05-01T10:30',
      status: 'd',
      tags: [String(news.id), String(tech.id)],
      'choice_set-TOTAL_FORMS': '0',
      'choice_set-INITIAL_FORMS': '0',
    })
    expect(response.status, response.text.slice(0, 2000)).toBe(302)
    const question = await Question.objects.get({ questionText: 'Tagged?' })
    const names = (await question.tags.all().list()).map((t) => t.name).sort()
    expect(names).toEqual(['news', 'tech'])
    // Deleting it removes the two links too, and the confirmation says so in words.
    const confirm = await client.get(`/admin/adminpolls/question/${question.id}/delete/`)
    expect(confirm.text).toContain('question-tag relationships: 2')
    expect(confirm.text).toContain('Question-tag relationship: ')
  })

  it('edits a foreign key to a large table with an id input and a look-up link, not a select', async () => {
    const small = await client.get('/admin/adminpolls/question/add/')
    expect(small.text).toMatch(/<select[^>]*name="category"/)
    const rows = Array.from(
      { length: RAW_ID_THRESHOLD_FOR_TESTS + 1 },
      (_, i) => new Category({ name: `Category ${i}` }),
    )
    await Category.objects.bulkCreate(rows)
    const large = await client.get('/admin/adminpolls/question/add/')
    expect(large.text).not.toMatch(/<select[^>]*name="category"/)
    expect(large.text).toMatch(
      /<input[^>]*type="number"[^>]*name="category"|<input[^>]*name="category"[^>]*type="number"/,
    )
    expect(large.text).toContain('href="/admin/adminpolls/category/"')
    const target = await Category.objects.get({ name: 'Category 150' })
    const response = await client.post('/admin/adminpolls/question/add/', {
      csrfmiddlewaretoken: csrfFrom(large.text),
      questionText: 'In a big category?',
      pubDate: '2024-05-01T10:30',
      status: 'd',
      category: String(target.id),
      'choice_set-TOTAL_FORMS': '0',
      'choice_set-INITIAL_FORMS': '0',
    })
    expect(response.status).toBe(302)
    expect((await Question.objects.get({ questionText: 'In a big category?' })).categoryId).toBe(
      target.id,
    )
    const missing = await client.post('/admin/adminpolls/question/add/', {
      csrfmiddlewaretoken: csrfFrom(large.text),
      questionText: 'In no category?',
      pubDate: '2024-05-01T10:30',
      status: 'd',
      category: '99999999',
      'choice_set-TOTAL_FORMS': '0',
      'choice_set-INITIAL_FORMS': '0',
    })
    expect(missing.status).toBe(200)
    expect(missing.text).toContain('Select a valid choice.')
  })
})

describe('templates', () => {
  it('come from the project templates/admin/ folder first', async () => {
    const question = await Question.objects.create({
      questionText: 'Overridden?',
      pubDate: new Date(),
    })
    const page = await client.get(`/admin/adminpolls/question/${question.id}/history/`)
    expect(page.status).toBe(200)
    expect(page.text).toContain('Project history of Overridden?')
    expect(page.text).toContain('Site administration') // still inside the admin's base layout
  })
})
