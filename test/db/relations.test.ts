/**
 * Relations on both backends: foreign keys (forward access, reverse managers), one-to-one,
 * many-to-many (auto and explicit through), selectRelated in 1 query and prefetchRelated in
 * 1 + one per relation, asserted with assertNumQueries.
 */
import { expect, it } from 'vitest'
import {
  QuerySetError,
  assertNumQueries,
  defineModel,
  fields,
  type AnyModelClass,
} from '../../framework/db/index.ts'
import {
  Article,
  Author,
  Choice,
  Group,
  Membership,
  Person,
  Profile,
  Question,
  Tag,
  blogModels,
  clubModels,
  pollModels,
} from './models.ts'
import { describeEachBackend } from './backends.ts'

async function seedPolls(): Promise<void> {
  for (let i = 1; i <= 3; i++) {
    const q = await Question.objects.create({
      questionText: `Q${i}`,
      pubDate: new Date(Date.UTC(2024, i, 1)),
    })
    for (let c = 1; c <= i; c++)
      await Choice.objects.create({ question: q, choiceText: `Q${i}C${c}`, votes: c })
  }
}

/** Self-referential relations: the thunk's return type is annotated to break TypeScript's cycle. */
const Category = defineModel(
  'Category',
  {
    name: fields.char({ maxLength: 30 }),
    parent: fields.foreignKey((): AnyModelClass => Category, { onDelete: 'CASCADE', null: true }),
    related: fields.manyToMany((): AnyModelClass => Category, { blank: true }),
  },
  { appLabel: 'shop' },
)

describeEachBackend(
  'relations',
  [...pollModels, ...blogModels, Profile, ...clubModels, Category],
  () => {
    it('self-referential foreign keys and many-to-many work (filter, selectRelated, cascade)', async () => {
      const root = await Category.objects.create({ name: 'root' })
      const child = await Category.objects.create({ name: 'child', parent: root as never })
      await Category.objects.create({ name: 'grandchild', parentId: child.id })
      expect(
        await Category.objects
          .filter({ parent__name: 'root' } as never)
          .valuesList(['name'], { flat: true })
          .list(),
      ).toEqual(['child'])
      const loaded = await Category.objects
        .selectRelated('parent__parent')
        .get({ name: 'grandchild' })
      expect((loaded.parent as unknown as { parent: { name: string } }).parent.name).toBe('root')
      await child.related.add(root as never)
      expect(await child.related.count()).toBe(1)
      expect(await root.delete()).toBe(3)
    })

    it('selectRelated loads foreign keys with a JOIN in exactly 1 query', async () => {
      await seedPolls()
      const choices = await assertNumQueries(1, () =>
        Choice.objects.selectRelated('question').orderBy('choiceText').list(),
      )
      expect(choices).toHaveLength(6)
      expect(choices.map((c) => c.question.questionText)).toEqual([
        'Q1',
        'Q2',
        'Q2',
        'Q3',
        'Q3',
        'Q3',
      ])
    })

    it('selectRelated follows nullable foreign keys (LEFT JOIN) and yields null', async () => {
      const ada = await Author.objects.create({ name: 'Ada', email: 'ada@example.com' })
      await Article.objects.create({ title: 'by Ada', author: ada })
      await Article.objects.create({ title: 'anonymous' })
      const articles = await assertNumQueries(1, () =>
        Article.objects.selectRelated('author').orderBy('title').list(),
      )
      expect(articles.map((a) => a.author?.name ?? null)).toEqual([null, 'Ada'])
    })

    it('accessing an unloaded foreign key says how to load it; getRelated loads it', async () => {
      await seedPolls()
      const choice = (await Choice.objects.orderBy('choiceText').first())!
      expect(() => choice.question).toThrow(QuerySetError)
      expect(() => choice.question).toThrow(/selectRelated\('question'\)/)
      const question = (await choice.getRelated('question')) as { questionText: string }
      expect(question.questionText).toBe('Q1')
      expect(choice.question.questionText).toBe('Q1')
    })

    it('prefetchRelated loads a reverse foreign key in 1 + 1 queries, never N+1', async () => {
      await seedPolls()
      const result = await assertNumQueries(2, async () => {
        const questions = await Question.objects
          .prefetchRelated('choiceSet')
          .orderBy('questionText')
          .list()
        return Promise.all(
          questions.map(async (q) =>
            (await q.relatedSet(Choice).all().list()).map((c) => c.choiceText),
          ),
        )
      })
      expect(result).toEqual([['Q1C1'], ['Q2C1', 'Q2C2'], ['Q3C1', 'Q3C2', 'Q3C3']])
    })

    it('prefetchRelated loads forward FKs and many-to-many: 1 + one query per relation', async () => {
      const ada = await Author.objects.create({ name: 'Ada', email: 'ada@example.com' })
      const [news, tech] = [
        await Tag.objects.create({ name: 'news' }),
        await Tag.objects.create({ name: 'tech' }),
      ]
      const a = await Article.objects.create({ title: 'A', author: ada })
      const b = await Article.objects.create({ title: 'B' })
      await a.tags.add(news, tech)
      await b.tags.add(tech)
      const rows = await assertNumQueries(3, async () => {
        const articles = await Article.objects
          .prefetchRelated('author', 'tags')
          .orderBy('title')
          .list()
        return Promise.all(
          articles.map(async (article) => [
            article.title,
            article.author?.name ?? null,
            (await article.tags.all().list()).map((t) => t.name),
          ]),
        )
      })
      expect(rows).toEqual([
        ['A', 'Ada', ['news', 'tech']],
        ['B', null, ['tech']],
      ])
    })

    it('reverse manager: all, filter, create, add, count', async () => {
      const q = await Question.objects.create({ questionText: 'Q', pubDate: new Date() })
      const other = await Question.objects.create({ questionText: 'Other', pubDate: new Date() })
      const choices = q.relatedSet(Choice)
      await choices.create({ choiceText: 'yes', votes: 2 })
      const moved = await Choice.objects.create({ question: other, choiceText: 'moved' })
      await choices.add(moved)
      expect(await choices.count()).toBe(2)
      expect(
        await q
          .relatedSet(Choice)
          .filter({ votes__gt: 1 })
          .valuesList(['choiceText'], { flat: true })
          .list(),
      ).toEqual(['yes'])
      expect(moved.questionId).toBe(q.id)
      expect(await other.relatedSet(Choice).count()).toBe(0)
    })

    it('reverse manager remove/clear need a nullable foreign key', async () => {
      const ada = await Author.objects.create({ name: 'Ada', email: 'ada@example.com' })
      const article = await Article.objects.create({ title: 'A', author: ada })
      await ada.relatedSet(Article).remove(article)
      expect((await Article.objects.get({ pk: article.pk })).authorId).toBeNull()
      const q = await Question.objects.create({ questionText: 'Q', pubDate: new Date() })
      await expect(q.relatedSet(Choice).clear()).rejects.toThrow(/null: true/)
    })

    it('many-to-many add/remove/set/clear/create, from both sides', async () => {
      const article = await Article.objects.create({ title: 'A' })
      const news = await Tag.objects.create({ name: 'news' })
      const tech = await Tag.objects.create({ name: 'tech' })
      await article.tags.add(news, tech, news)
      expect(await article.tags.all().valuesList(['name'], { flat: true }).list()).toEqual([
        'news',
        'tech',
      ])
      await article.tags.remove(news)
      expect(await article.tags.count()).toBe(1)
      await article.tags.set([news])
      expect(await article.tags.all().valuesList(['name'], { flat: true }).list()).toEqual(['news'])
      const created = await article.tags.create({ name: 'fresh' })
      expect(await news.relatedSet(Article).valuesList(['title'], { flat: true }).list()).toEqual([
        'A',
      ])
      expect(await created.relatedSet(Article).count()).toBe(1)
      await article.tags.clear()
      expect(await article.tags.count()).toBe(0)
      expect(await Tag.objects.count()).toBe(3)
    })

    it('many-to-many through an explicit model with extra fields', async () => {
      const ann = await Person.objects.create({ name: 'Ann' })
      const bob = await Person.objects.create({ name: 'Bob' })
      const chess = await Group.objects.create({ name: 'Chess' })
      await Membership.objects.create({ person: ann, group: chess, role: 'chair' })
      await chess.members.add(bob)
      expect(
        await chess.members.all().orderBy('name').valuesList(['name'], { flat: true }).list(),
      ).toEqual(['Ann', 'Bob'])
      expect(await Group.objects.filter({ members__name: 'Ann' }).count()).toBe(1)
      expect(await Membership.objects.get({ person: bob })).toMatchObject({ role: 'member' })
      expect(await ann.relatedSet(Group).valuesList(['name'], { flat: true }).list()).toEqual([
        'Chess',
      ])
    })

    it('one-to-one: unique, reachable both ways, selectRelated', async () => {
      const ada = await Author.objects.create({ name: 'Ada', email: 'ada@example.com' })
      await Profile.objects.create({ author: ada, bio: 'Countess' })
      await expect(Profile.objects.create({ author: ada })).rejects.toMatchObject({
        code: 'db.E003',
      })
      const profile = await assertNumQueries(1, () =>
        Profile.objects.selectRelated('author').get({ author__email: 'ada@example.com' }),
      )
      expect(profile.author.name).toBe('Ada')
      const authors = await Author.objects.prefetchRelated('profile').list()
      expect(authors).toHaveLength(1)
      expect(await Author.objects.filter({ profile__bio: 'Countess' } as never).count()).toBe(1)
    })

    it('selectRelated follows chains (choice → question) and instances are cached per row', async () => {
      await seedPolls()
      const choice = await assertNumQueries(1, () =>
        Choice.objects.selectRelated('question').get({ choiceText: 'Q2C2' }),
      )
      expect(choice.question.questionText).toBe('Q2')
      expect(choice.questionId).toBe(choice.question.id)
    })

    it('has Django-style reverse accessors at runtime (choiceSet, tag.articleSet, author.profile)', async () => {
      await seedPolls()
      const q = (await Question.objects.get({ questionText: 'Q2' })) as unknown as Record<
        string,
        { count(): Promise<number> }
      >
      expect(await q.choiceSet!.count()).toBe(2)
      const news = await Tag.objects.create({ name: 'news' })
      const article = await Article.objects.create({ title: 'A' })
      await article.tags.add(news)
      expect(
        await (news as unknown as { articleSet: { count(): Promise<number> } }).articleSet.count(),
      ).toBe(1)
      const ada = await Author.objects.create({ name: 'Ada', email: 'ada@example.com' })
      await Profile.objects.create({ author: ada, bio: 'Countess' })
      const profile = (await (ada as unknown as { profile: Promise<{ bio: string } | null> })
        .profile)!
      expect(profile.bio).toBe('Countess')
    })
  },
)
