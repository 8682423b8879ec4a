/**
 * @module The blog's models: a Post found by its slug, and the Comments readers leave on it.
 * Tables `blog_post` and `blog_comment`; project/blog/migrations creates them and seeds the posts.
 */
import { defineModel, fields, type InstanceOf } from '../../framework/db/index.ts'

/** A blog post, addressed by its slug; `published` is a date ('2025-04-08'), newest first. */
export const Post = defineModel(
  'Post',
  {
    title: fields.char({ maxLength: 200 }),
    slug: fields.slug({ unique: true }),
    body: fields.text(),
    published: fields.date(),
  },
  {
    appLabel: 'blog',
    ordering: ['-published', '-id'],
    getAbsoluteUrl: (post: { slug: string }) => `/blog/${post.slug}/`,
  },
)

/** A reader's comment on a post; deleted with the post. */
export const Comment = defineModel(
  'Comment',
  {
    post: fields.foreignKey(() => Post, { onDelete: 'CASCADE' }),
    author: fields.char({ maxLength: 100 }),
    text: fields.char({ maxLength: 500 }),
  },
  { appLabel: 'blog', ordering: ['id'] },
)

export type PostInstance = InstanceOf<typeof Post>
export type CommentInstance = InstanceOf<typeof Comment>
