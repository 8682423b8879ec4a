/**
 * The admin tests' own small project: polls-like models under the app label `adminpolls`, so
 * the tests depend on neither the example project nor other tests' tables.
 */
import { defineModel, fields } from '../../../../framework/db/index.ts'

export const Category = defineModel(
  'Category',
  { name: fields.char({ maxLength: 100 }) },
  { appLabel: 'adminpolls', ordering: ['name'], verboseNamePlural: 'categories' },
)

export const Tag = defineModel(
  'Tag',
  { name: fields.char({ maxLength: 50 }) },
  { appLabel: 'adminpolls', ordering: ['name'] },
)

export const Question = defineModel(
  'Question',
  {
    questionText: fields.char({ maxLength: 200, verboseName: 'question text' }),
    pubDate: fields.dateTime({ verboseName: 'date published' }),
    category: fields.foreignKey(() => Category, { onDelete: 'SET_NULL', null: true, blank: true }),
    featured: fields.boolean({ default: false }),
    status: fields.char({
      maxLength: 1,
      choices: [
        ['d', 'Draft'],
        ['p', 'Published'],
      ],
      default: 'd',
    }),
    tags: fields.manyToMany(() => Tag, { blank: true }),
  },
  {
    appLabel: 'adminpolls',
    ordering: ['-pubDate'],
    getAbsoluteUrl: (q: { id: number }) => `/polls/${q.id}/`,
  },
)

export const Choice = defineModel(
  'Choice',
  {
    question: fields.foreignKey(() => Question, { onDelete: 'CASCADE' }),
    choiceText: fields.char({ maxLength: 200, verboseName: 'choice text' }),
    votes: fields.integer({ default: 0 }),
  },
  { appLabel: 'adminpolls' },
)

/** A note that protects its question from deletion (onDelete PROTECT). */
export const Note = defineModel(
  'Note',
  {
    question: fields.foreignKey(() => Question, { onDelete: 'PROTECT' }),
    text: fields.char({ maxLength: 100 }),
  },
  { appLabel: 'adminpolls' },
)

export const pollModels = [Category, Tag, Question, Choice, Note]
