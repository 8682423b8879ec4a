/**
 * Type-level tests of the ORM (checked by `tsc --noEmit -p .`; the runtime part only builds
 * queries): one declaration gives the row, instance, create input and kysely table types, and a
 * typo in a field or lookup name is a compile error.
 */
import { describe, expectTypeOf, it, expect } from 'vitest'
import {
  Q,
  type CreateInput,
  type FieldsOf,
  type InstanceOf,
  type RowOf,
} from '../../framework/db/index.ts'
import { Article, Choice, Question } from '../db/models.ts'

describe('ORM types', () => {
  it('derives the row type from the declaration (id added, fk as <name>Id, null widens)', () => {
    expectTypeOf<RowOf<FieldsOf<typeof Question>>>().toEqualTypeOf<{
      id: number
      questionText: string
      pubDate: Date
    }>()
    expectTypeOf<InstanceOf<typeof Choice>['questionId']>().toEqualTypeOf<number>()
    expectTypeOf<InstanceOf<typeof Choice>['question']['questionText']>().toEqualTypeOf<string>()
    expectTypeOf<InstanceOf<typeof Article>['score']>().toEqualTypeOf<number | null>()
    expectTypeOf<InstanceOf<typeof Article>['price']>().toEqualTypeOf<string>()
    expectTypeOf<InstanceOf<typeof Article>['author']>().toEqualTypeOf<InstanceOf<
      typeof import('../db/models.ts').Author
    > | null>()
    expect(Question.modelName).toBe('Question')
  })

  it('makes fields with defaults, null or auto values optional in create()', () => {
    expectTypeOf<CreateInput<FieldsOf<typeof Choice>>>().toHaveProperty('choiceText')
    expectTypeOf<{ choiceText: string; questionId: number }>().toExtend<
      CreateInput<FieldsOf<typeof Choice>>
    >()
    // @ts-expect-error pubDate is required (text fields default to '' as in Django)
    const missing: CreateInput<FieldsOf<typeof Question>> = { questionText: 'x' }
    expect(missing).toBeDefined()
  })

  it('types the kysely table with snake_case columns and the table name', () => {
    expectTypeOf<(typeof Question)['dbTable']>().toEqualTypeOf<'polls_question'>()
    expectTypeOf<keyof (typeof Question)['$table']>().toEqualTypeOf<
      'id' | 'question_text' | 'pub_date'
    >()
    expectTypeOf<keyof (typeof Choice)['$table']>().toEqualTypeOf<
      'id' | 'question_id' | 'choice_text' | 'votes'
    >()
    const query = Question.objects.kysely().select(['question_text'])
    expect(query.compile().sql).toMatch(/question_text/)
  })

  it('rejects typos in field names and lookups at compile time', () => {
    Question.objects.filter({
      questionText__icontains: 'x',
      pubDate__year: 2024,
      pubDate__month__gte: 3,
    })
    Choice.objects.filter({
      question__pubDate__year: 2024,
      question__questionText__startswith: 'W',
      votes__range: [1, 2],
    })
    // @ts-expect-error typo in the field name
    Question.objects.filter({ questionTxt: 'x' })
    // @ts-expect-error unknown lookup
    Question.objects.filter({ questionText__icontain: 'x' })
    // @ts-expect-error date parts only exist on date fields
    Question.objects.filter({ questionText__year: 2024 })
    // @ts-expect-error typo across a relation
    Choice.objects.filter({ question__pubDat__year: 2024 })
    Question.objects.filter(
      Q<typeof Question>({ pubDate__year: 2024 }).or(Q({ anything__goes: 1 })),
    )
    // @ts-expect-error Q<Model> checks its keys too
    Q<typeof Question>({ pubDat__year: 2024 })
    // @ts-expect-error orderBy checks field names too
    Question.objects.orderBy('-pubDat')
    // @ts-expect-error values checks field names
    Question.objects.values('questionTxt')
    // @ts-expect-error valuesList too
    Choice.objects.valuesList(['vote'], { flat: true })
    expect(Question.objects.orderBy('-pubDate', 'questionText').toSQL().sql).toMatch(/order by/)
  })

  it('types values() rows and valuesList(flat) items', async () => {
    const rows = Question.objects.values('questionText', 'pubDate')
    expectTypeOf<Awaited<ReturnType<typeof rows.list>>[number]>().toEqualTypeOf<{
      questionText: string
      pubDate: Date
    }>()
    const flat = Choice.objects.valuesList(['votes'], { flat: true })
    expectTypeOf<Awaited<ReturnType<typeof flat.list>>>().toEqualTypeOf<number[]>()
    expectTypeOf<Awaited<ReturnType<typeof Question.objects.get>>>().toEqualTypeOf<
      InstanceOf<typeof Question>
    >()
    expect(rows.toSQL().sql).toMatch(/question_text/)
  })
})
