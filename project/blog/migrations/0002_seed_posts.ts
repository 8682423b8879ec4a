/**
 * A data migration: the example blog's eight posts, so a fresh database (`npm start`) has a blog
 * to page through. Written against the table as 0001 created it (raw kysely, not the Post model),
 * as docs/migrations.md advises; rolling back removes exactly these posts (and their comments).
 */
import { migrations } from 'framework/db'

// No type annotations in this file: the migration loader imports it as plain JavaScript.
const posts = [
  { title: 'Hello, gateway', published: '2024-02-12' },
  { title: 'Routing with converters', published: '2024-05-20' },
  { title: 'Templates on eta', published: '2024-09-03' },
  { title: 'Class-based views', published: '2025-01-15' },
  { title: 'Paginating a list', published: '2025-04-08' },
  { title: 'Static files and hashes', published: '2025-08-21' },
  { title: 'Error pages, debug and not', published: '2026-02-02' },
  { title: 'Forms without a form library', published: '2026-06-17' },
]

const rows = posts.map(({ title, published }, index) => ({
  title,
  // 'Error pages, debug and not' -> 'error-pages-debug-and-not'
  slug: title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, ''),
  body: `${title}: a short post of the example project, number ${index + 1}.`,
  published,
}))

export default migrations.define({
  dependencies: [['blog', '0001_initial']],
  operations: [
    migrations.runCode({
      code: async ({ db }) => {
        await db.insertInto('blog_post').values(rows).execute()
      },
      reverseCode: async ({ db }) => {
        const slugs = rows.map((row) => row.slug)
        const ids = db.selectFrom('blog_post').select('id').where('slug', 'in', slugs)
        await db.deleteFrom('blog_comment').where('post_id', 'in', ids).execute()
        await db.deleteFrom('blog_post').where('slug', 'in', slugs).execute()
      },
    }),
  ],
})
