/**
 * Model instances on both backends: save (insert, update, updateFields), delete, refreshFromDb,
 * fullClean (validators, choices, blank, unique against the database), getAbsoluteUrl, save
 * signals, and IntegrityError carrying the constraint's name on both backends.
 */
import { expect, it } from 'vitest'
import {
  IntegrityError,
  ValidationError,
  captureQueries,
  postSave,
  preSave,
} from '../../framework/db/index.ts'
import { Article, Author, Choice, Question, blogModels, pollModels } from './models.ts'
import { describeEachBackend } from './backends.ts'

describeEachBackend('instances', [...pollModels, ...blogModels], () => {
  it('save inserts a new instance, then updates it', async () => {
    const q = new Question({ questionText: 'Draft', pubDate: new Date('2024-01-01T00:00:00Z') })
    expect(q.pk).toBeUndefined()
    await q.save()
    expect(typeof q.pk).toBe('number')
    q.questionText = 'Final'
    const { queries } = await captureQueries(() => q.save())
    expect(queries).toHaveLength(1)
    expect(queries[0]!.sql).toMatch(/^update/i)
    expect((await Question.objects.get({ pk: q.pk })).questionText).toBe('Final')
  })

  it('save({ updateFields }) writes only those columns', async () => {
    const q = await Question.objects.create({
      questionText: 'A',
      pubDate: new Date('2024-01-01T00:00:00Z'),
    })
    q.questionText = 'B'
    q.pubDate = new Date('2030-01-01T00:00:00Z')
    const { queries } = await captureQueries(() => q.save({ updateFields: ['questionText'] }))
    expect(queries[0]!.sql).not.toMatch(/pub_date/)
    const loaded = await Question.objects.get({ pk: q.pk })
    expect([loaded.questionText, loaded.pubDate.toISOString()]).toEqual([
      'B',
      '2024-01-01T00:00:00.000Z',
    ])
  })

  it('refreshFromDb reloads values changed elsewhere', async () => {
    const q = await Question.objects.create({ questionText: 'old', pubDate: new Date() })
    await Question.objects.filter({ pk: q.pk }).update({ questionText: 'new' })
    await q.refreshFromDb()
    expect(q.questionText).toBe('new')
  })

  it('delete removes the row and unsets the pk', async () => {
    const q = await Question.objects.create({ questionText: 'x', pubDate: new Date() })
    await q.delete()
    expect(q.pk).toBeUndefined()
    expect(await Question.objects.count()).toBe(0)
  })

  it('fullClean reports blank, max length, choices, format and custom validators by field', async () => {
    const article = new Article({
      title: '',
      status: 'gone' as never,
      url: 'not a url',
      slug: 'bad slug',
    })
    const error = await article.fullClean().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ValidationError)
    expect((error as ValidationError).errors).toMatchObject({
      title: ['This field cannot be blank.'],
      status: [expect.stringMatching(/not a valid choice/)],
      url: ['Enter a valid URL.'],
      slug: [expect.stringMatching(/slug/)],
    })
    const long = new Author({ name: 'x'.repeat(101), email: 'a@b.co' })
    await expect(long.fullClean()).rejects.toThrow(/at most 100 characters/)
  })

  it('fullClean checks unique fields and uniqueTogether against the database, ignoring itself', async () => {
    const ada = await Author.objects.create({ name: 'Ada', email: 'ada@example.com' })
    await ada.fullClean()
    const twin = new Author({ name: 'Other', email: 'ada@example.com' })
    const error = (await twin.fullClean().catch((e: unknown) => e)) as ValidationError
    expect(error.errors.email).toEqual(['author with this email already exists.'])
    await Article.objects.create({ title: 'a', author: ada, slug: 's' })
    const clash = new Article({ title: 'b', author: ada, slug: 's' })
    expect(
      ((await clash.fullClean().catch((e: unknown) => e)) as ValidationError).errors.__all__,
    ).toHaveLength(1)
  })

  it('getAbsoluteUrl uses the model option', async () => {
    const q = await Question.objects.create({ questionText: 'x', pubDate: new Date() })
    expect(q.getAbsoluteUrl()).toBe(`/polls/${q.id}/`)
    expect(() => new Author({ name: 'a', email: 'a@b.co' }).getAbsoluteUrl()).toThrow(
      /getAbsoluteUrl/,
    )
  })

  it('sends preSave and postSave with created true on insert and false on update', async () => {
    const events: string[] = []
    const stopPre = preSave.connect(
      ({ instance }) => {
        events.push(`pre ${(instance as { questionText: string }).questionText}`)
      },
      { sender: Question },
    )
    const stopPost = postSave.connect(
      ({ created }) => {
        events.push(`post ${created}`)
      },
      { sender: Question },
    )
    try {
      const q = await Question.objects.create({ questionText: 'x', pubDate: new Date() })
      q.questionText = 'y'
      await q.save()
      await Choice.objects.create({ question: q, choiceText: 'no signal for Choice' })
    } finally {
      stopPre()
      stopPost()
    }
    expect(events).toEqual(['pre x', 'post true', 'pre y', 'post false'])
  })

  it('raises IntegrityError with the unique constraint name', async () => {
    await Author.objects.create({ name: 'Ada', email: 'ada@example.com' })
    const error = await Author.objects
      .create({ name: 'Twin', email: 'ada@example.com' })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(IntegrityError)
    expect(error).toMatchObject({ code: 'db.E003', constraint: 'blog_author_email_uniq' })
  })

  it('raises IntegrityError with the check and uniqueTogether constraint names', async () => {
    const check = await Article.objects.create({ title: 'x', rating: 11 }).catch((e: unknown) => e)
    expect(check).toMatchObject({ constraint: 'blog_article_rating_range' })
    const ada = await Author.objects.create({ name: 'Ada', email: 'ada@example.com' })
    await Article.objects.create({ title: 'a', author: ada, slug: 's' })
    const together = await Article.objects
      .create({ title: 'b', author: ada, slug: 's' })
      .catch((e: unknown) => e)
    expect(together).toMatchObject({ constraint: 'blog_article_author_id_slug_uniq' })
  })

  it('raises IntegrityError with the foreign key constraint name', async () => {
    const error = await Choice.objects
      .create({ questionId: 999_999, choiceText: 'orphan' })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(IntegrityError)
    expect(error).toMatchObject({ constraint: 'polls_choice_question_id_fk' })
  })

  it('rejects unknown field names in the constructor with a FieldError', () => {
    expect(() => new Question({ questionTxt: 'typo' } as never)).toThrow(/questionTxt/)
  })
})
