/**
 * @module The blog app in the admin: posts listed newest first with their date, searched by
 * title, filtered by date, their comments edited (or removed) on the post's page.
 */
import { inline, site } from '../../framework/contrib/admin/index.ts'
import { Comment, Post } from './models.ts'

site.register(Post, {
  listDisplay: ['title', 'slug', 'published'],
  listFilter: ['published'],
  searchFields: ['title'],
  inlines: [inline(Comment, { extra: 0 })],
  repr: (post) => post.title,
})
