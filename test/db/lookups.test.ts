/**
 * Every lookup gives the same rows on SQLite and PostgreSQL: text (case-sensitive and not),
 * comparisons, in/range/isnull, regex, date parts, JSON keys, across relations, Q and F.
 */
import { expect, it } from 'vitest'
import { F, FieldError, Q } from '../../framework/db/index.ts'
import { Article, Author, Choice, Question, Tag, blogModels } from './models.ts'
import { describeEachBackend } from './backends.ts'

const models = [...blogModels, Question, Choice]

async function seed(): Promise<void> {
  // 2024-03-05 is a Tuesday (week_day 3), 2023-12-31 a Sunday (week_day 1).
  const q1 = await Question.objects.create({
    questionText: 'What is up?',
    pubDate: new Date('2024-03-05T10:30:15Z'),
  })
  const q2 = await Question.objects.create({
    questionText: 'WHO are you?',
    pubDate: new Date('2023-12-31T23:00:00Z'),
  })
  await Question.objects.create({
    questionText: '100% sure_thing*',
    pubDate: new Date('2022-06-15T08:00:00Z'),
  })
  await Choice.objects.create({ question: q1, choiceText: 'Not much', votes: 5 })
  await Choice.objects.create({ question: q1, choiceText: 'The sky', votes: 1 })
  await Choice.objects.create({ question: q2, choiceText: 'Me', votes: 0 })
}

async function texts(filter: Record<string, unknown>): Promise<string[]> {
  const rows = await Question.objects
    .filter(filter as never)
    .orderBy('questionText')
    .list()
  return rows.map((q) => q.questionText)
}

describeEachBackend('lookups', models, () => {
  it('exact and iexact', async () => {
    await seed()
    expect(await texts({ questionText: 'What is up?' })).toEqual(['What is up?'])
    expect(await texts({ questionText__exact: 'what is up?' })).toEqual([])
    expect(await texts({ questionText__iexact: 'what IS up?' })).toEqual(['What is up?'])
  })

  it('contains is case-sensitive and icontains is not, on both backends', async () => {
    await seed()
    expect(await texts({ questionText__contains: 'Wh' })).toEqual(['What is up?'])
    expect(await texts({ questionText__contains: 'wh' })).toEqual([])
    expect(await texts({ questionText__icontains: 'wh' })).toEqual(['WHO are you?', 'What is up?'])
  })

  it('escapes wildcard characters in contains/startswith/endswith', async () => {
    await seed()
    expect(await texts({ questionText__contains: '0% s' })).toEqual(['100% sure_thing*'])
    expect(await texts({ questionText__contains: '%' })).toEqual(['100% sure_thing*'])
    expect(await texts({ questionText__contains: '_' })).toEqual(['100% sure_thing*'])
    expect(await texts({ questionText__endswith: '*' })).toEqual(['100% sure_thing*'])
    expect(await texts({ questionText__icontains: 'E_T' })).toEqual(['100% sure_thing*'])
  })

  it('startswith, istartswith, endswith, iendswith', async () => {
    await seed()
    expect(await texts({ questionText__startswith: 'W' })).toEqual(['WHO are you?', 'What is up?'])
    expect(await texts({ questionText__startswith: 'WH' })).toEqual(['WHO are you?'])
    expect(await texts({ questionText__istartswith: 'wh' })).toEqual([
      'WHO are you?',
      'What is up?',
    ])
    expect(await texts({ questionText__endswith: 'up?' })).toEqual(['What is up?'])
    expect(await texts({ questionText__iendswith: 'YOU?' })).toEqual(['WHO are you?'])
  })

  it('gt, gte, lt, lte, in, range, isnull on numbers', async () => {
    await seed()
    const votes = async (filter: Record<string, unknown>): Promise<number[]> =>
      (await Choice.objects
        .filter(filter as never)
        .orderBy('votes')
        .valuesList(['votes'], { flat: true })
        .list()) as number[]
    expect(await votes({ votes__gt: 1 })).toEqual([5])
    expect(await votes({ votes__gte: 1 })).toEqual([1, 5])
    expect(await votes({ votes__lt: 1 })).toEqual([0])
    expect(await votes({ votes__lte: 1 })).toEqual([0, 1])
    expect(await votes({ votes__in: [0, 5, 99] })).toEqual([0, 5])
    expect(await votes({ votes__in: [] })).toEqual([])
    expect(await votes({ votes__range: [1, 5] })).toEqual([1, 5])
    expect(await votes({ votes__isnull: false })).toEqual([0, 1, 5])
    expect(await votes({ votes__isnull: true })).toEqual([])
  })

  it('regex and iregex', async () => {
    await seed()
    expect(await texts({ questionText__regex: '^W[a-z]+ ' })).toEqual(['What is up?'])
    expect(await texts({ questionText__iregex: '^w[a-z]+ ' })).toEqual([
      'WHO are you?',
      'What is up?',
    ])
  })

  it('date parts year, month, day, week_day, quarter, hour, minute, second, date (in UTC)', async () => {
    await seed()
    expect(await texts({ pubDate__year: 2024 })).toEqual(['What is up?'])
    expect(await texts({ pubDate__year__gte: 2023 })).toEqual(['WHO are you?', 'What is up?'])
    expect(await texts({ pubDate__month: 12 })).toEqual(['WHO are you?'])
    expect(await texts({ pubDate__day: 15 })).toEqual(['100% sure_thing*'])
    expect(await texts({ pubDate__week_day: 3 })).toEqual(['What is up?'])
    expect(await texts({ pubDate__week_day: 1 })).toEqual(['WHO are you?'])
    expect(await texts({ pubDate__quarter: 2 })).toEqual(['100% sure_thing*'])
    expect(await texts({ pubDate__hour: 10, pubDate__minute: 30, pubDate__second: 15 })).toEqual([
      'What is up?',
    ])
    expect(await texts({ pubDate__date: '2023-12-31' })).toEqual(['WHO are you?'])
  })

  it('date parts on a DateField', async () => {
    await Article.objects.create({ title: 'Leap', publishedOn: '2024-02-29' })
    await Article.objects.create({ title: 'Other', publishedOn: '2021-07-04' })
    const titles = async (filter: Record<string, unknown>): Promise<unknown[]> =>
      Article.objects
        .filter(filter as never)
        .valuesList(['title'], { flat: true })
        .list()
    expect(
      await titles({ publishedOn__year: 2024, publishedOn__month: 2, publishedOn__day: 29 }),
    ).toEqual(['Leap'])
    expect(await titles({ publishedOn__week_day: 1 })).toEqual(['Other'])
    expect(await titles({ publishedOn__gt: '2022-01-01' })).toEqual(['Leap'])
  })

  it('datetime comparisons and ranges with Date values', async () => {
    await seed()
    expect(await texts({ pubDate__gt: new Date('2024-01-01T00:00:00Z') })).toEqual(['What is up?'])
    expect(
      await texts({
        pubDate__range: [new Date('2023-01-01T00:00:00Z'), new Date('2023-12-31T23:59:59Z')],
      }),
    ).toEqual(['WHO are you?'])
  })

  it('JSON: exact, key paths, has_key and isnull on keys', async () => {
    await Article.objects.create({
      title: 'A',
      data: { owner: 'bob', stars: 3, meta: { live: true } },
    })
    await Article.objects.create({ title: 'B', data: { owner: 'eve', stars: 5 } })
    await Article.objects.create({ title: 'C', data: null })
    const titles = async (filter: Record<string, unknown>): Promise<unknown[]> =>
      Article.objects
        .filter(filter as never)
        .orderBy('title')
        .valuesList(['title'], { flat: true })
        .list()
    expect(await titles({ data__owner: 'bob' })).toEqual(['A'])
    expect(await titles({ data__stars__gt: 4 })).toEqual(['B'])
    expect(await titles({ data__meta__live: true })).toEqual(['A'])
    expect(await titles({ data__has_key: 'meta' })).toEqual(['A'])
    expect(await titles({ data__meta__isnull: true, data__isnull: false })).toEqual(['B'])
    expect(await titles({ data: { owner: 'eve', stars: 5 } })).toEqual(['B'])
    expect(await titles({ data__isnull: true })).toEqual(['C'])
  })

  it('follows relations forward, backward and across many-to-many', async () => {
    await seed()
    const choices = await Choice.objects
      .filter({ question__pubDate__year: 2024 })
      .orderBy('choiceText')
      .valuesList(['choiceText'], { flat: true })
      .list()
    expect(choices).toEqual(['Not much', 'The sky'])
    expect(await texts({ choice__votes__gte: 5 } as never)).toEqual(['What is up?'])
    expect(await texts({ choice__isnull: true } as never)).toEqual(['100% sure_thing*'])
    const news = await Tag.objects.create({ name: 'news' })
    const art = await Article.objects.create({ title: 'Tagged' })
    await Article.objects.create({ title: 'Untagged' })
    await art.tags.add(news)
    expect(
      await Article.objects
        .filter({ tags__name: 'news' })
        .valuesList(['title'], { flat: true })
        .list(),
    ).toEqual(['Tagged'])
    expect(
      await Tag.objects
        .filter({ article__title: 'Tagged' } as never)
        .valuesList(['name'], { flat: true })
        .list(),
    ).toEqual(['news'])
    expect(
      await Article.objects
        .filter({ tags__isnull: true })
        .valuesList(['title'], { flat: true })
        .list(),
    ).toEqual(['Untagged'])
  })

  it('does not duplicate rows when a filter matches several related rows', async () => {
    await seed()
    expect(await Question.objects.filter({ choice__votes__gte: 0 } as never).count()).toBe(2)
  })

  it('Q objects combine with or, and, not; exclude keeps NULL rows like Django', async () => {
    await seed()
    expect(await texts({})).toHaveLength(3)
    const or = await Question.objects
      .filter(Q({ pubDate__year: 2024 }).or(Q({ pubDate__year: 2022 })))
      .orderBy('questionText')
      .list()
    expect(or.map((q) => q.questionText)).toEqual(['100% sure_thing*', 'What is up?'])
    const not = await Question.objects.filter(Q({ pubDate__year: 2024 }).not()).count()
    expect(not).toBe(2)
    const and = await Question.objects
      .filter(Q({ questionText__icontains: 'w' }).and(Q({ pubDate__year: 2023 })))
      .count()
    expect(and).toBe(1)
    await Article.objects.create({ title: 'scored', score: 1 })
    await Article.objects.create({ title: 'unscored', score: null })
    expect(
      await Article.objects.exclude({ score: 1 }).valuesList(['title'], { flat: true }).list(),
    ).toEqual(['unscored'])
  })

  it('F expressions compare columns and build arithmetic', async () => {
    await Article.objects.create({ title: 'up', rating: 5, views: 3 })
    await Article.objects.create({ title: 'down', rating: 1, views: 3 })
    const titles = await Article.objects
      .filter({ rating__gt: F('views') })
      .valuesList(['title'], { flat: true })
      .list()
    expect(titles).toEqual(['up'])
    expect(await Article.objects.filter({ rating: F('views').sub(2) }).count()).toBe(1)
  })

  it('rejects an unknown field or lookup with a FieldError naming the choices', async () => {
    await expect(Question.objects.filter({ nope: 1 } as never).list()).rejects.toThrow(FieldError)
    await expect(Question.objects.filter({ nope: 1 } as never).list()).rejects.toThrow(
      /questionText/,
    )
    await expect(
      Question.objects.filter({ questionText__sounds_like: 'x' } as never).list(),
    ).rejects.toThrow(/sounds_like/)
    await expect(
      Question.objects.filter({ questionText__year: 2020 } as never).list(),
    ).rejects.toThrow(/date/)
    await expect(Author.objects.filter({ name__in: 5 } as never).list()).rejects.toThrow(/array/)
  })
})
