/**
 * QuerySet methods on both backends: laziness and immutability, ordering, slicing, get errors,
 * count/exists, values/valuesList, aggregate/annotate, distinct, only/defer, writes (create,
 * getOrCreate, updateOrCreate, update with F, bulkCreate, bulkUpdate, delete), chunked iteration,
 * toSQL and the typed kysely handover.
 */
import { expect, it } from 'vitest'
import {
  Avg,
  Count,
  DoesNotExist,
  F,
  Max,
  Min,
  MultipleObjectsReturned,
  Q,
  QuerySetError,
  Sum,
  captureQueries,
} from '../../framework/db/index.ts'
import { Choice, Question, pollModels } from './models.ts'
import { describeEachBackend } from './backends.ts'

async function seed(): Promise<void> {
  const dates = ['2024-01-01', '2024-02-01', '2024-03-01', '2024-04-01', '2024-05-01']
  for (const [index, date] of dates.entries()) {
    const q = await Question.objects.create({
      questionText: `Q${index + 1}`,
      pubDate: new Date(`${date}T12:00:00Z`),
    })
    for (let c = 0; c <= index % 3; c++)
      await Choice.objects.create({ question: q, choiceText: `C${index + 1}.${c}`, votes: c * 2 })
  }
}

const text = (list: { questionText: string }[]): string[] => list.map((q) => q.questionText)

describeEachBackend('QuerySet', pollModels, () => {
  it('is lazy: building and chaining runs no query', async () => {
    const { queries } = await captureQueries(() => {
      Question.objects
        .filter({ questionText: 'x' })
        .exclude({ pubDate__year: 2000 })
        .orderBy('questionText')
        .slice(0, 3)
    })
    expect(queries).toHaveLength(0)
  })

  it('is immutable: chaining returns a new QuerySet and leaves the original alone', async () => {
    await seed()
    const all = Question.objects.all()
    const filtered = all.filter({ questionText: 'Q1' })
    expect(filtered).not.toBe(all)
    expect(await all.count()).toBe(5)
    expect(await filtered.count()).toBe(1)
  })

  it('uses Meta.ordering by default and orderBy replaces it; - descends; reverse() flips', async () => {
    await seed()
    expect(text(await Question.objects.list())).toEqual(['Q5', 'Q4', 'Q3', 'Q2', 'Q1'])
    expect(text(await Question.objects.orderBy('questionText').list())).toEqual([
      'Q1',
      'Q2',
      'Q3',
      'Q4',
      'Q5',
    ])
    expect(text(await Question.objects.orderBy('-questionText').reverse().list())).toEqual([
      'Q1',
      'Q2',
      'Q3',
      'Q4',
      'Q5',
    ])
  })

  it('orders by a related field through a join', async () => {
    await seed()
    const choices = await Choice.objects
      .orderBy('-question__pubDate', 'choiceText')
      .valuesList(['choiceText'], { flat: true })
      .list()
    expect(choices.slice(0, 3)).toEqual(['C5.0', 'C5.1', 'C4.0'])
  })

  it('slices to LIMIT/OFFSET and rejects bad bounds', async () => {
    await seed()
    const page = Question.objects.orderBy('questionText').slice(1, 3)
    expect(page.toSQL().sql).toMatch(/limit/i)
    expect(text(await page.list())).toEqual(['Q2', 'Q3'])
    expect(text(await Question.objects.orderBy('questionText').slice(3).list())).toEqual([
      'Q4',
      'Q5',
    ])
    expect(
      text(await Question.objects.orderBy('questionText').slice(1, 4).slice(1, 2).list()),
    ).toEqual(['Q3'])
    expect(() => Question.objects.slice(-1)).toThrow(QuerySetError)
    expect(() => Question.objects.slice(0, 2).filter({ questionText: 'x' })).toThrow(/slice/)
  })

  it('first and last follow the ordering; undefined when empty', async () => {
    expect(await Question.objects.first()).toBeUndefined()
    await seed()
    expect((await Question.objects.first())?.questionText).toBe('Q5')
    expect((await Question.objects.last())?.questionText).toBe('Q1')
    expect((await Question.objects.orderBy('questionText').first())?.questionText).toBe('Q1')
  })

  it('get returns one object, raises the model DoesNotExist or MultipleObjectsReturned', async () => {
    await seed()
    expect((await Question.objects.get({ questionText: 'Q2' })).questionText).toBe('Q2')
    await expect(Question.objects.get({ questionText: 'nope' })).rejects.toBeInstanceOf(
      Question.DoesNotExist,
    )
    await expect(Question.objects.get({ questionText: 'nope' })).rejects.toBeInstanceOf(
      DoesNotExist,
    )
    await expect(Question.objects.get({ questionText__startswith: 'Q' })).rejects.toBeInstanceOf(
      MultipleObjectsReturned,
    )
    await expect(Question.objects.get({ questionText: 'nope' })).rejects.toMatchObject({
      code: 'db.E001',
    })
  })

  it('count and exists run COUNT and LIMIT 1 queries, not fetches', async () => {
    await seed()
    const { result, queries } = await captureQueries(() =>
      Question.objects.filter({ questionText__in: ['Q1', 'Q2'] }).count(),
    )
    expect(result).toBe(2)
    expect(queries[0]?.sql).toMatch(/count\(\*\)/i)
    expect(await Question.objects.filter({ questionText: 'Q9' }).exists()).toBe(false)
    expect(await Question.objects.exists()).toBe(true)
    expect(await Question.objects.none().count()).toBe(0)
  })

  it('values and valuesList return plain data, across a foreign key too', async () => {
    await seed()
    const rows = await Question.objects
      .orderBy('questionText')
      .values('questionText')
      .slice(0, 2)
      .list()
    expect(rows).toEqual([{ questionText: 'Q1' }, { questionText: 'Q2' }])
    const pairs = await Choice.objects
      .filter({ question__questionText: 'Q2' })
      .orderBy('choiceText')
      .valuesList(['choiceText', 'question__questionText'])
      .list()
    expect(pairs).toEqual([
      ['C2.0', 'Q2'],
      ['C2.1', 'Q2'],
    ])
    const flat = await Choice.objects
      .orderBy('votes')
      .valuesList(['votes'], { flat: true })
      .distinct()
      .list()
    expect(flat).toEqual([0, 2, 4])
  })

  it('aggregate: Count, Sum, Avg, Min, Max, with filter, and across a relation', async () => {
    await seed()
    const result = await Choice.objects.aggregate({
      n: Count('id'),
      total: Sum('votes'),
      mean: Avg('votes'),
      low: Min('votes'),
      high: Max('votes'),
      big: Count('id', { filter: { votes__gte: 2 } }),
    })
    expect(result).toEqual({ n: 9, total: 10, mean: 10 / 9, low: 0, high: 4, big: 4 })
    expect(
      await Choice.objects.filter({ votes: 99 }).aggregate({ total: Sum('votes'), n: Count('id') }),
    ).toEqual({ total: null, n: 0 })
    expect(
      await Question.objects
        .filter({ questionText__in: ['Q2', 'Q3'] })
        .aggregate({ votes: Sum('choice__votes') }),
    ).toEqual({ votes: 8 })
    const newest = await Question.objects.aggregate({ latest: Max('pubDate') })
    expect(newest.latest).toEqual(new Date('2024-05-01T12:00:00Z'))
  })

  it('annotate: per-row aggregates over a relation, usable in filter and orderBy', async () => {
    await seed()
    const rows = await Question.objects
      .annotate({
        numChoices: Count('choice'),
        most: Max('choice__votes'),
        popular: Count('choice', { filter: { votes__gt: 0 } }),
      })
      .filter({ numChoices__gte: 2 } as never)
      .orderBy('-numChoices' as never, 'questionText')
      .list()
    expect(rows.map((q) => [q.questionText, q.numChoices, q.most, q.popular])).toEqual([
      ['Q3', 3, 4, 2],
      ['Q2', 2, 2, 1],
      ['Q5', 2, 2, 1],
    ])
  })

  it('values().annotate() groups by the values like Django', async () => {
    await seed()
    const rows = await Choice.objects
      .values('votes')
      .annotate({ n: Count('id') })
      .orderBy('votes')
      .list()
    expect(rows).toEqual([
      { votes: 0, n: 5 },
      { votes: 2, n: 3 },
      { votes: 4, n: 1 },
    ])
  })

  it('only and defer restrict the selected columns', async () => {
    await seed()
    const { result, queries } = await captureQueries(() =>
      Question.objects.only('questionText').orderBy('questionText').first(),
    )
    expect(result?.questionText).toBe('Q1')
    expect(result?.pubDate).toBeUndefined()
    expect(queries[0]?.sql).not.toMatch(/pub_date"? as/)
    const deferred = await Question.objects.defer('questionText').orderBy('pubDate').first()
    expect(deferred?.questionText).toBeUndefined()
    await deferred!.refreshFromDb()
    expect(deferred?.questionText).toBe('Q1')
  })

  it('create, getOrCreate and updateOrCreate', async () => {
    const [q, created] = await Question.objects.getOrCreate(
      { questionText: 'New' },
      { pubDate: new Date('2020-01-01T00:00:00Z') },
    )
    expect(created).toBe(true)
    const [again, createdAgain] = await Question.objects.getOrCreate(
      { questionText: 'New' },
      { pubDate: new Date() },
    )
    expect([again.id, createdAgain]).toEqual([q.id, false])
    const [updated, made] = await Question.objects.updateOrCreate(
      { questionText: 'New' },
      { pubDate: new Date('2021-01-01T00:00:00Z') },
    )
    expect(made).toBe(false)
    expect((await Question.objects.get({ id: updated.id })).pubDate.toISOString()).toBe(
      '2021-01-01T00:00:00.000Z',
    )
    const [fresh, freshMade] = await Question.objects.updateOrCreate(
      { questionText: 'Other' },
      { pubDate: new Date('2022-01-01T00:00:00Z') },
    )
    expect(freshMade).toBe(true)
    expect(fresh.id).not.toBe(q.id)
  })

  it('update sets columns in one statement, atomically with F()', async () => {
    await seed()
    const changed = await Choice.objects
      .filter({ votes__gte: 2 })
      .update({ votes: F('votes').add(10) })
    expect(changed).toBe(4)
    expect(await Choice.objects.aggregate({ total: Sum('votes') })).toEqual({ total: 50 })
    await expect(Choice.objects.slice(0, 1).update({ votes: 1 })).rejects.toThrow(QuerySetError)
  })

  it('bulkCreate inserts in batches and sets pks; bulkUpdate changes many rows with few queries', async () => {
    const q = await Question.objects.create({ questionText: 'Bulk', pubDate: new Date() })
    const objects = Array.from(
      { length: 25 },
      (_, i) => new Choice({ question: q, choiceText: `b${i}`, votes: i }),
    )
    const { queries } = await captureQueries(() =>
      Choice.objects.bulkCreate(objects, { batchSize: 10 }),
    )
    expect(queries.filter((query) => /insert/i.test(query.sql))).toHaveLength(3)
    expect(objects.every((o) => typeof o.id === 'number')).toBe(true)
    expect(await Choice.objects.count()).toBe(25)
    for (const object of objects) object.votes = 100
    const updated = await captureQueries(() =>
      Choice.objects.bulkUpdate(objects, ['votes'], { batchSize: 20 }),
    )
    expect(updated.result).toBe(25)
    expect(updated.queries.filter((query) => /update/i.test(query.sql))).toHaveLength(2)
    expect(await Choice.objects.filter({ votes: 100 }).count()).toBe(25)
  })

  it('delete removes matching rows and returns the count, cascading', async () => {
    await seed()
    const deleted = await Question.objects.filter({ questionText__in: ['Q1', 'Q2'] }).delete()
    expect(deleted).toBe(2 + 3)
    expect(await Question.objects.count()).toBe(3)
    expect(await Choice.objects.count()).toBe(6)
  })

  it('distinct removes duplicates', async () => {
    await seed()
    const votes = await Choice.objects
      .valuesList(['votes'], { flat: true })
      .distinct()
      .orderBy('votes')
      .list()
    expect(votes).toEqual([0, 2, 4])
    expect(await Choice.objects.valuesList(['votes'], { flat: true }).distinct().count()).toBe(3)
  })

  it('iterates in chunks, one short query per chunk, never the whole table at once', async () => {
    const q = await Question.objects.create({ questionText: 'Many', pubDate: new Date() })
    await Choice.objects.bulkCreate(
      Array.from(
        { length: 45 },
        (_, i) => new Choice({ question: q, choiceText: `c${i}`, votes: i }),
      ),
    )
    const seen: number[] = []
    const { queries } = await captureQueries(async () => {
      for await (const choice of Choice.objects
        .filter({ votes__gte: 5 })
        .iterator({ chunkSize: 10 }))
        seen.push(choice.votes)
    })
    expect(seen).toHaveLength(40)
    expect(new Set(seen).size).toBe(40)
    // Four full chunks, then one that comes back empty.
    expect(queries).toHaveLength(5)
    let count = 0
    for await (const choice of Choice.objects.all()) count += choice.votes >= 0 ? 1 : 0
    expect(count).toBe(45)
  })

  it('toSQL shows the SQL and parameters', () => {
    const { sql, parameters } = Question.objects
      .filter({ questionText__startswith: 'Wh' })
      .orderBy('-pubDate')
      .toSQL()
    expect(sql).toMatch(/from "polls_question"/)
    expect(sql).toMatch(/order by "polls_question"."pub_date" desc/)
    expect(parameters.length).toBeGreaterThan(0)
  })

  it('kysely() hands over a typed kysely query with the same filters', async () => {
    await seed()
    const rows = await Question.objects
      .filter(Q({ questionText__in: ['Q1', 'Q3'] }))
      .orderBy('questionText')
      .kysely()
      .select(['question_text'])
      .execute()
    expect(rows.map((row) => row.question_text)).toEqual(['Q1', 'Q3'])
  })

  it('gives the right rows when a cached query shape repeats with new values', async () => {
    await seed()
    for (const [name, expected] of [
      ['Q1', ['C1.0']],
      ['Q3', ['C3.0', 'C3.1', 'C3.2']],
    ] as const) {
      const question = await Question.objects.get({ questionText: name })
      const texts = await Choice.objects
        .filter({ question, votes__gte: 0 })
        .orderBy('choiceText')
        .list()
      expect(texts.map((c) => c.choiceText)).toEqual(expected)
    }
    const twoDates = async (day: string): Promise<string[]> =>
      text(
        await Question.objects
          .filter({ pubDate__lt: new Date(`${day}T00:00:00Z`) })
          .orderBy('pubDate')
          .list(),
      )
    expect(await twoDates('2024-02-15')).toEqual(['Q1', 'Q2'])
    expect(await twoDates('2024-01-15')).toEqual(['Q1'])
    const ins = async (names: string[]): Promise<string[]> =>
      text(
        await Question.objects
          .filter({ questionText__in: names })
          .orderBy('questionText')
          .slice(0, 2)
          .list(),
      )
    expect(await ins(['Q1', 'Q2', 'Q3'])).toEqual(['Q1', 'Q2'])
    expect(await ins(['Q4'])).toEqual(['Q4'])
    expect(await ins(['Q5', 'Q4'])).toEqual(['Q4', 'Q5'])
  })

  it('values().distinct() drops Meta ordering on unselected fields and rejects such an explicit ordering', async () => {
    await seed()
    await Question.objects.create({ questionText: 'Q1', pubDate: new Date('2020-01-01T00:00:00Z') })
    const texts = await Question.objects.values('questionText').distinct().list()
    expect(texts).toHaveLength(5)
    expect(() =>
      Question.objects.values('questionText').distinct().orderBy('-pubDate').toSQL(),
    ).toThrow(QuerySetError)
    expect(() =>
      Question.objects.values('questionText').distinct().orderBy('-pubDate').toSQL(),
    ).toThrow(/add pubDate to values\(\)/)
  })
})
