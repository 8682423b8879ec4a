/**
 * The polls app of the example project (Django's tutorial, parts 3 to 5) through the test Client,
 * on a SQLite file of its own: the index hides future questions, detail and results 404 for them,
 * voting counts atomically and redirects, a vote without a choice re-renders the form with 400.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Application } from '../../framework/gateway/index.ts'
import { Client } from '../../framework/testing/index.ts'
import { Choice, Question, wasPublishedRecently } from '../../project/polls/models.ts'
import { createQuestion, postForm, projectWithDatabase } from './project-database.ts'

let client: Client
let application: Application
let cleanup: () => Promise<void>

beforeAll(async () => {
  const project = await projectWithDatabase()
  application = project.application
  client = new Client(application)
  cleanup = project.cleanup
})
afterAll(() => cleanup())
beforeEach(async () => {
  await Question.objects.all().delete()
})

describe('wasPublishedRecently', () => {
  const now = new Date('2026-06-01T12:00:00Z')
  it('is false for a question dated in the future', () => {
    expect(wasPublishedRecently({ pubDate: new Date('2026-06-30T12:00:00Z') }, now)).toBe(false)
  })
  it('is false for a question older than a day', () => {
    expect(wasPublishedRecently({ pubDate: new Date('2026-05-31T11:59:59Z') }, now)).toBe(false)
  })
  it('is true for a question published within the last day', () => {
    expect(wasPublishedRecently({ pubDate: new Date('2026-05-31T12:00:01Z') }, now)).toBe(true)
  })
})

describe('the polls index', () => {
  it('says so when there are no polls', async () => {
    const response = await client.get('/polls/')
    expect(response.status).toBe(200)
    expect(response.text).toContain('No polls are available.')
    expect(response.context?.['latestQuestionList']).toEqual([])
  })

  it('lists past questions, newest first, and hides future ones', async () => {
    await createQuestion('Past question 1', 30)
    await createQuestion('Future question', -30)
    await createQuestion('Past question 2', 5)
    const response = await client.get('/polls/')
    const texts = (response.context?.['latestQuestionList'] as { questionText: string }[]).map(
      (q) => q.questionText,
    )
    expect(texts).toEqual(['Past question 2', 'Past question 1'])
    expect(response.text).not.toContain('Future question')
  })

  it('shows at most the five latest questions', async () => {
    for (let day = 1; day <= 7; day++) await createQuestion(`Q${day}`, day)
    const response = await client.get('/polls/')
    expect((response.context?.['latestQuestionList'] as unknown[]).length).toBe(5)
    expect(response.text).toContain('>Q1</a>')
    expect(response.text).not.toContain('>Q6</a>')
  })
})

describe('the detail and results pages', () => {
  it('shows a past question with a radio button per choice', async () => {
    const question = await createQuestion("What's up?", 1, ['Not much', 'The sky'])
    const response = await client.get(`/polls/${question.id}/`)
    expect(response.status).toBe(200)
    expect(response.text).toContain("<h1>What&#39;s up?</h1>")
    expect(response.text.match(/type="radio"/g)?.length).toBe(2)
    expect(response.text).toContain(`action="/polls/${question.id}/vote/"`)
  })

  it('answers 404 for a future question, on detail, results and vote', async () => {
    const future = await createQuestion('Not yet', -5, ['A'])
    expect((await client.get(`/polls/${future.id}/`)).status).toBe(404)
    expect((await client.get(`/polls/${future.id}/results/`)).status).toBe(404)
    expect((await postForm(client, `/polls/${future.id}/vote/`, { choice: '1' })).status).toBe(404)
  })

  it('answers 404 for a question that does not exist', async () => {
    expect((await client.get('/polls/999999/')).status).toBe(404)
  })
})

describe('voting', () => {
  it('counts the vote and redirects to the results, which show it', async () => {
    const question = await createQuestion('Tabs or spaces?', 1, ['Tabs', 'Spaces'])
    const [tabs] = await Choice.objects.filter({ question: question.id }).orderBy('id').list()
    const response = await postForm(
      client,
      `/polls/${question.id}/vote/`,
      { choice: String(tabs!.id) },
      { follow: true },
    )
    expect(response.redirectChain).toEqual([[`/polls/${question.id}/results/`, 302]])
    expect(response.text).toContain('<li class="success">Your vote was counted.</li>')
    expect(response.text).toContain('Tabs -- 1 vote</li>')
    expect(response.text).toContain('Spaces -- 0 votes</li>')
  })

  it('re-renders the form with a reason (400) when no choice was selected', async () => {
    const question = await createQuestion('Pick one', 1, ['A', 'B'])
    const response = await postForm(client, `/polls/${question.id}/vote/`, {})
    expect(response.status).toBe(400)
    expect(response.text).toContain("You didn&#39;t select a choice.")
    expect(await Choice.objects.valuesList(['votes'], { flat: true }).list()).toEqual([0, 0])
  })

  it("refuses a choice of another question and a choice that is not a number, counting nothing", async () => {
    const one = await createQuestion('One', 1, ['One-A'])
    const two = await createQuestion('Two', 1, ['Two-A'])
    const [twoA] = await Choice.objects.filter({ question: two.id }).list()
    for (const choice of [String(twoA!.id), 'abc', '1 OR 1=1', '-1', '9'.repeat(40)]) {
      const response = await postForm(client, `/polls/${one.id}/vote/`, { choice })
      expect(response.status, choice).toBe(400)
    }
    const votes = await Choice.objects.valuesList(['votes'], { flat: true }).list()
    expect(votes).toEqual([0, 0])
  })

  it('refuses a vote without the CSRF token (403), counting nothing', async () => {
    const question = await createQuestion('Forged?', 1, ['A'])
    const [a] = await Choice.objects.filter({ question: question.id }).list()
    const response = await client.post(`/polls/${question.id}/vote/`, { choice: String(a!.id) })
    expect(response.status).toBe(403)
    await a!.refreshFromDb()
    expect(a!.votes).toBe(0)
  })

  it('refuses GET on the vote URL (405, Allow: POST)', async () => {
    const question = await createQuestion('Q', 1, ['A'])
    const response = await client.get(`/polls/${question.id}/vote/`)
    expect([response.status, response.headers.get('Allow')]).toEqual([405, 'POST'])
  })

  it('counts every one of 40 concurrent votes (F() increment in the database, no lost update)', async () => {
    const question = await createQuestion('Race?', 1, ['Yes'])
    const [yes] = await Choice.objects.filter({ question: question.id }).list()
    const voters = Array.from({ length: 40 }, () => new Client(application))
    const responses = await Promise.all(
      voters.map((voter) => postForm(voter, `/polls/${question.id}/vote/`, { choice: String(yes!.id) })),
    )
    expect(responses.map((r) => r.status)).toEqual(Array(40).fill(302))
    await yes!.refreshFromDb()
    expect(yes!.votes).toBe(40)
  })
})
