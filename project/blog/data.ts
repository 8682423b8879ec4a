/**
 * @module The blog's data, in memory for now. The ORM issue replaces this file with models.ts
 * (Post, Comment) and a migration; the views only use the functions below, so they keep working.
 */

/** A blog post. */
export interface Post {
  id: number
  slug: string
  title: string
  body: string
  published: string
}

/** A comment on a post. */
export interface Comment {
  postId: number
  author: string
  text: string
}

const titles = [
  'Hello, gateway',
  'Routing with converters',
  'Templates on eta',
  'Class-based views',
  'Paginating a list',
  'Static files and hashes',
  'Error pages, debug and not',
  'Forms without a form library',
]

/** The posts, newest first (in memory; replaced by a QuerySet when the ORM lands). */
export const posts: readonly Post[] = titles
  .map((title, index) => ({
    id: index + 1,
    slug: title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, ''),
    title,
    body: `${title}: a short post of the example project, number ${index + 1}.`,
    published: `${2024 + (index % 3)}-0${1 + (index % 9)}-1${index % 10}`,
  }))
  .reverse()

const comments: Comment[] = []

/** The post with this slug, or undefined. */
export function postBySlug(slug: string): Post | undefined {
  return posts.find((post) => post.slug === slug)
}

/** The posts published in `year`. */
export function postsOfYear(year: number): Post[] {
  return posts.filter((post) => post.published.startsWith(`${year}-`))
}

/** The comments of a post, oldest first. */
export function commentsOf(postId: number): Comment[] {
  return comments.filter((comment) => comment.postId === postId)
}

/** Stores a comment (process memory: each worker has its own until the ORM lands). */
export function addComment(comment: Comment): void {
  comments.push(comment)
}
