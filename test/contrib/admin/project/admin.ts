/**
 * The test project's admin registrations, as a project's admin.ts would write them.
 */
import { action, column, inline, site } from '../../../../framework/contrib/admin/index.ts'
import { Category, Choice, Note, Question, Tag } from './models.ts'

site.register(Category, { repr: (c) => c.name, searchFields: ['name'] })

site.register(Question, {
  repr: (q) => q.questionText,
  listDisplay: [
    'questionText',
    'pubDate',
    'category',
    'featured',
    'status',
    column<typeof Question>('Long question?', (q) => q.questionText.length > 30, { boolean: true }),
  ],
  listFilter: ['pubDate', 'category', 'featured', 'status'],
  searchFields: ['questionText', 'category__name'],
  listPerPage: 20,
  inlines: [inline(Choice, { extra: 3 })],
  actions: [
    action<typeof Question>(
      'Mark selected questions as featured',
      async ({ objects }) => {
        for (const q of objects) {
          q.featured = true
          await q.save({ updateFields: ['featured'] })
        }
        return `${objects.length} question(s) featured.`
      },
      { name: 'make_featured', permissions: ['change'] },
    ),
  ],
})

site.register(Choice, {
  repr: (c) => c.choiceText,
  listDisplay: ['choiceText', 'question', 'votes'],
  searchFields: ['choiceText', 'question__questionText'],
})

site.register(Note, { repr: (n) => n.text })

site.register(Tag, { repr: (t) => t.name })

export { site }
