/**
 * @module The polls app's models, as in Django's tutorial: a Question with its Choices. Tables
 * `polls_question` and `polls_choice`; the migrations in project/polls/migrations create them.
 */
import { defineModel, fields } from '../../framework/db/index.ts'

/** A poll question, published at `pubDate` (a question dated in the future is not shown yet). */
export const Question = defineModel(
  'Question',
  {
    questionText: fields.char({ maxLength: 200 }),
    pubDate: fields.dateTime({ verboseName: 'date published' }),
  },
  {
    appLabel: 'polls',
    ordering: ['-pubDate'],
    getAbsoluteUrl: (question: { id: number }) => `/polls/${question.id}/`,
  },
)

/** One answer to a question, with the number of votes it received. */
export const Choice = defineModel(
  'Choice',
  {
    question: fields.foreignKey(() => Question, { onDelete: 'CASCADE' }),
    choiceText: fields.char({ maxLength: 200 }),
    votes: fields.integer({ default: 0 }),
  },
  { appLabel: 'polls', ordering: ['id'] },
)

const DAY_MS = 24 * 60 * 60 * 1000

/**
 * Django's `Question.was_published_recently()`: published within the last day, and not in the
 * future (the tutorial's first bug and its test).
 */
export function wasPublishedRecently(question: { pubDate: Date }, now = new Date()): boolean {
  const age = now.getTime() - question.pubDate.getTime()
  return age >= 0 && age <= DAY_MS
}
