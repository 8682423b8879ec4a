/** The models the forms tests share (app label formstest). */
import { defineModel, fields } from '../../framework/db/index.ts'

export const Tag = defineModel('Tag', { name: fields.slug({ unique: true }) }, { appLabel: 'formstest', ordering: ['name'] })

export const Author = defineModel(
  'Author',
  { name: fields.char({ maxLength: 50, verboseName: 'full name' }), email: fields.email({ unique: true }) },
  { appLabel: 'formstest' },
)

export const Post = defineModel(
  'Post',
  {
    title: fields.char({ maxLength: 40, helpText: 'Short and clear.' }),
    body: fields.text({ blank: true }),
    author: fields.foreignKey(() => Author, { onDelete: 'CASCADE', null: true, blank: true }),
    tags: fields.manyToMany(() => Tag, { blank: true }),
    status: fields.char({ maxLength: 1, choices: [['d', 'Draft'], ['p', 'Published']], default: 'd' }),
    rating: fields.smallInteger({ default: 0 }),
    price: fields.decimal({ maxDigits: 6, decimalPlaces: 2, default: '0.00' }),
    featured: fields.boolean({ default: false }),
    publishedOn: fields.date({ null: true, blank: true }),
    subtitle: fields.char({ maxLength: 20, null: true, blank: true }),
    created: fields.dateTime({ autoNowAdd: true }),
  },
  {
    appLabel: 'formstest',
    uniqueTogether: [['title', 'author']],
    getAbsoluteUrl: (post: { id: number }) => `/posts/${post.id}/`,
  },
)

export const Question = defineModel(
  'Question',
  { questionText: fields.char({ maxLength: 100 }) },
  { appLabel: 'formstest', getAbsoluteUrl: (q: { id: number }) => `/questions/${q.id}/` },
)

export const Choice = defineModel(
  'Choice',
  {
    question: fields.foreignKey(() => Question, { onDelete: 'CASCADE', relatedName: 'choiceSet' }),
    choiceText: fields.char({ maxLength: 50 }),
    votes: fields.integer({ default: 0 }),
  },
  { appLabel: 'formstest', uniqueTogether: [['question', 'choiceText']] },
)

export const allModels = [Tag, Author, Post, Question, Choice]
