/**
 * Odd input never crashes the admin: repeated and missing fields, tampered inline counts,
 * huge and malformed values answer with a page that says what is wrong (200 with errors) or a
 * 4xx with a reason, and never write a half-saved object.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Client } from '../../../framework/testing/index.ts'
import { startAdminProject, type AdminProject } from './project/harness.ts'
import { Choice, Question } from './project/models.ts'
import { csrfFrom, loggedInClient } from './support.ts'

let project: AdminProject
let client: Client
let token: string

beforeAll(async () => {
  project = await startAdminProject()
  client = await loggedInClient(project, 'root')
  token = csrfFrom((await client.get('/admin/adminpolls/question/add/')).text)
})
afterAll(() => project.dispose())

const valid = {
  questionText: 'Fine?',
  pubDate: '2024-05-01T10:30',
  status: 'd',
  'choice_set-TOTAL_FORMS': '1',
  'choice_set-INITIAL_FORMS': '0',
  'choice_set-0-choiceText': 'A choice',
  'choice_set-0-votes': '0',
}

describe('bad input to the add page', () => {
  const cases: [string, Record<string, string | string[]>][] = [
    ['inline counts missing', { 'choice_set-TOTAL_FORMS': '', 'choice_set-INITIAL_FORMS': '' }],
    [
      'inline counts not numbers',
      { 'choice_set-TOTAL_FORMS': '1e9', 'choice_set-INITIAL_FORMS': '-1' },
    ],
    ['more rows than maxNum', { 'choice_set-TOTAL_FORMS': '999999' }],
    ['initial rows on an add page', { 'choice_set-INITIAL_FORMS': '1', 'choice_set-0-id': '1' }],
    ['a repeated single-valued field', { questionText: ['one', 'two'], status: ['d', 'p', 'x'] }],
    ['a huge text', { questionText: 'x'.repeat(100_000) }],
    ['a malformed date', { pubDate: '2024-13-45T99:99' }],
    ['an unknown choice', { status: '<script>' }],
    ['a category that is not a number', { category: 'DROP TABLE' }],
    ['tags that do not exist', { tags: ['999', 'abc'] }],
    ['votes out of range', { 'choice_set-0-votes': '99999999999999999999' }],
  ]
  for (const [name, changes] of cases) {
    it(`answers with errors and saves nothing: ${name}`, async () => {
      const before = [await Question.objects.count(), await Choice.objects.count()]
      const response = await client.post('/admin/adminpolls/question/add/', {
        csrfmiddlewaretoken: token,
        ...valid,
        ...changes,
      })
      expect([200, 400]).toContain(response.status)
      if (response.status === 200)
        expect(response.text).toMatch(/Please correct the error|errorlist/)
      expect([await Question.objects.count(), await Choice.objects.count()]).toEqual(before)
    })
  }

  it('saves the same data once it is valid', async () => {
    const response = await client.post('/admin/adminpolls/question/add/', {
      csrfmiddlewaretoken: token,
      ...valid,
    })
    expect(response.status).toBe(302)
    expect(await Question.objects.filter({ questionText: 'Fine?' }).count()).toBe(1)
  })
})

describe('bad input to the change list', () => {
  const urls = [
    '/admin/adminpolls/question/?p=0',
    '/admin/adminpolls/question/?p=-1',
    '/admin/adminpolls/question/?p=1e3',
    '/admin/adminpolls/question/?o=,',
    '/admin/adminpolls/question/?o=--questionText',
    '/admin/adminpolls/question/?category__id__exact=1%20OR%201',
    '/admin/adminpolls/question/?category__isnull=maybe',
    '/admin/adminpolls/question/?pubDate__gte=2024-02-30x',
    '/admin/adminpolls/question/?status__exact=%00',
  ]
  for (const url of urls) {
    it(`answers 4xx with a reason: ${url}`, async () => {
      const response = await client.get(url)
      expect(response.status).toBeGreaterThanOrEqual(400)
      expect(response.status).toBeLessThan(500)
    })
  }

  it('treats a search with quotes, percent signs and a huge length as plain text', async () => {
    for (const q of [
      '"unclosed',
      '100%',
      '_',
      'a'.repeat(10_000),
      "'; DROP TABLE adminpolls_question; --",
    ]) {
      const response = await client.get(`/admin/adminpolls/question/?q=${encodeURIComponent(q)}`)
      expect(response.status, q.slice(0, 20)).toBe(200)
    }
    expect(await Question.objects.count()).toBeGreaterThan(0)
  })
})
