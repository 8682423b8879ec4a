/**
 * Every field type round-trips through both backends with the same JavaScript value; columns are
 * snake_case; the model state and the zod schema come from the same declaration.
 */
import { expect, it } from 'vitest'
import { fields, defineModel, ModelDefinitionError } from '../../framework/db/index.ts'
import { Article, Author, Tag, blogModels } from './models.ts'
import { describeEachBackend } from './backends.ts'

/** A BigAutoField primary key under another name, and a natural (char) primary key. */
const Ticket = defineModel(
  'Ticket',
  { number: fields.bigAuto(), title: fields.char({ maxLength: 20 }) },
  { appLabel: 'desk' },
)
const Country = defineModel(
  'Country',
  { code: fields.char({ maxLength: 2, primaryKey: true }), name: fields.char({ maxLength: 50 }) },
  { appLabel: 'geo' },
)

describeEachBackend('fields', [...blogModels, Ticket, Country], () => {
  it('uses a declared BigAutoField or natural primary key instead of adding id', async () => {
    const first = await Ticket.objects.create({ title: 'a' })
    const second = await Ticket.objects.create({ title: 'b' })
    expect(second.number).toBe(first.number + 1)
    expect(first.pk).toBe(first.number)
    expect(await Ticket.objects.get({ pk: second.number })).toMatchObject({ title: 'b' })
    const fr = await Country.objects.create({ code: 'FR', name: 'France' })
    expect(fr.pk).toBe('FR')
    fr.name = 'République française'
    await fr.save()
    expect((await Country.objects.get({ code: 'FR' })).name).toBe('République française')
    expect(await Country.objects.count()).toBe(1)
    expect(Ticket.toState().fields.map((f) => f.name)).toEqual(['number', 'title'])
  })

  it('stores and reads back every field type with the same value', async () => {
    const author = await Author.objects.create({ name: 'Ada', email: 'ada@example.com' })
    const created = await Article.objects.create({
      title: 'All the fields',
      body: 'Long text',
      author,
      rating: 7,
      views: 9_007_199_254_740_000,
      score: 4.25,
      price: '12.50',
      published: true,
      publishedOn: '2024-02-29',
      readAt: '13:45:10',
      readingTime: 90_000,
      uuid: '123e4567-e89b-12d3-a456-426614174000',
      data: { tags: ['a', 'b'], nested: { n: 1 }, flag: true },
      url: 'https://example.com/a',
      slug: 'all-the-fields',
      thumbnail: new Uint8Array([0, 1, 2, 255]),
      status: 'live',
    })
    const article = await Article.objects.get({ id: created.id })
    expect(article.title).toBe('All the fields')
    expect(article.body).toBe('Long text')
    expect(article.authorId).toBe(author.id)
    expect(article.rating).toBe(7)
    expect(article.views).toBe(9_007_199_254_740_000)
    expect(article.score).toBe(4.25)
    expect(article.price).toBe('12.50')
    expect(article.published).toBe(true)
    expect(article.publishedOn).toBe('2024-02-29')
    expect(article.readAt).toBe('13:45:10')
    expect(article.readingTime).toBe(90_000)
    expect(article.uuid).toBe('123e4567-e89b-12d3-a456-426614174000')
    expect(article.data).toEqual({ tags: ['a', 'b'], nested: { n: 1 }, flag: true })
    expect(article.url).toBe('https://example.com/a')
    expect(article.slug).toBe('all-the-fields')
    expect(Buffer.from(article.thumbnail!)).toEqual(Buffer.from([0, 1, 2, 255]))
    expect(article.status).toBe('live')
    expect(article.createdAt).toBeInstanceOf(Date)
    expect(Math.abs(article.createdAt.getTime() - Date.now())).toBeLessThan(60_000)
  })

  it('applies defaults, null and autoNow when values are omitted', async () => {
    const article = await Article.objects.create({ title: 'Defaults' })
    const loaded = await Article.objects.get({ pk: article.pk })
    expect(loaded.rating).toBe(0)
    expect(loaded.price).toBe('0.00')
    expect(loaded.published).toBe(false)
    expect(loaded.score).toBeNull()
    expect(loaded.data).toBeNull()
    expect(loaded.status).toBe('draft')
    expect(loaded.body).toBe('')
    const before = loaded.updatedAt.getTime()
    await new Promise((resolve) => setTimeout(resolve, 5))
    await loaded.save()
    expect(loaded.updatedAt.getTime()).toBeGreaterThan(before)
    expect(loaded.createdAt.getTime()).toBe(article.createdAt.getTime())
  })

  it('keeps fractional milliseconds of a DateTime and compares instants exactly', async () => {
    const when = new Date('2024-05-06T07:08:09.123Z')
    const tag = await Tag.objects.create({ name: 'when' })
    expect(tag.name).toBe('when')
    const article = await Article.objects.create({ title: 'Timed', publishedOn: '2024-05-06' })
    await Article.objects.filter({ pk: article.pk }).update({ createdAt: when })
    const loaded = await Article.objects.get({ createdAt: when })
    expect(loaded.createdAt.toISOString()).toBe('2024-05-06T07:08:09.123Z')
  })
})

it('names columns in snake_case and foreign key columns <name>_id', () => {
  const state = Article.toState()
  const columns = Object.fromEntries(state.fields.map((field) => [field.name, field.column]))
  expect(columns).toMatchObject({
    id: 'id',
    publishedOn: 'published_on',
    readingTime: 'reading_time',
    author: 'author_id',
    tags: null,
  })
  expect(state.dbTable).toBe('blog_article')
})

it('exports a JSON-safe state with types, options, relations, indexes and constraints', () => {
  const state = Article.toState()
  expect(JSON.parse(JSON.stringify(state))).toEqual(state)
  expect(state.fields.find((f) => f.name === 'author')).toMatchObject({
    type: 'ForeignKey',
    relation: { kind: 'ForeignKey', to: 'blog.Author', onDelete: 'CASCADE' },
    options: { null: true },
  })
  expect(state.fields.find((f) => f.name === 'tags')).toMatchObject({
    type: 'ManyToManyField',
    relation: { kind: 'ManyToManyField', to: 'blog.Tag' },
  })
  expect(state.fields.find((f) => f.name === 'title')).toMatchObject({
    type: 'CharField',
    options: { maxLength: 200, dbIndex: true },
  })
  expect(state.constraints).toEqual([
    { type: 'check', name: 'blog_article_rating_range', check: 'rating >= 0 AND rating <= 10' },
  ])
  expect(state.options.uniqueTogether).toEqual([['author', 'slug']])
  expect(state.indexes).toEqual([{ fields: ['-createdAt'] }])
})

it('derives a zod schema that accepts valid input and rejects bad values', () => {
  const schema = Author.zodSchema()
  expect(schema.safeParse({ name: 'Ada', email: 'ada@example.com' }).success).toBe(true)
  expect(schema.safeParse({ name: 'Ada', email: 'not-an-email' }).success).toBe(false)
  expect(schema.safeParse({ name: 'x'.repeat(101), email: 'a@b.co' }).success).toBe(false)
  const article = Article.zodSchema()
  expect(article.safeParse({ title: 'T', status: 'gone' }).success).toBe(false)
  expect(article.safeParse({ title: 'T', status: 'live' }).success).toBe(true)
})

it('rejects a foreign key without onDelete with a coded error naming the field', () => {
  expect(() =>
    defineModel(
      'Broken',
      { other: fields.foreignKey(() => Author, {} as never) },
      { appLabel: 'broken' },
    ),
  ).toThrow(ModelDefinitionError)
  expect(() =>
    defineModel('Broken2', { bad__name: fields.integer() }, { appLabel: 'broken' }),
  ).toThrow(/bad__name/)
})
