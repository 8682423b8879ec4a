/**
 * @module The polls app in the admin (Django's tutorial, part 7): questions listed with their
 * date, filtered by it, searched by text, their choices edited on the same page.
 */
import { inline, site } from '../../framework/contrib/admin/index.ts'
import { Choice, Question } from './models.ts'

site.register(Question, {
  listDisplay: ['questionText', 'pubDate'],
  listFilter: ['pubDate'],
  searchFields: ['questionText'],
  inlines: [inline(Choice, { extra: 3 })],
})
