/**
 * The schema editor works from model *states* (what migrations replay): named constraints and
 * indexes, per-backend column types, create and drop on both backends.
 */
import { sql } from 'kysely'
import { expect, it } from 'vitest'
import { SchemaEditor, getConnection, type ModelState } from '../../framework/db/index.ts'
import { Article, Author, Tag } from './models.ts'
import { describeEachBackend } from './backends.ts'

const states = new Map<string, ModelState>(
  [Author, Tag, Article].map((model) => [
    model.toState().appLabel + '.' + model.toState().name,
    model.toState(),
  ]),
)
const resolve = (label: string): ModelState => states.get(label)!

async function tableExists(table: string): Promise<boolean> {
  const connection = getConnection()
  const query =
    connection.vendor === 'sqlite'
      ? sql`SELECT name FROM sqlite_master WHERE type = 'table' AND name = ${table}`
      : sql`SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename = ${table}`
  return (await query.execute(connection.backend.kysely)).rows.length > 0
}

describeEachBackend('SchemaEditor', [], (backend) => {
  it('emits CREATE TABLE with named unique, foreign key and check constraints, and indexes', () => {
    const statements = new SchemaEditor().createTableSql(Article.toState(), resolve)
    const create = statements[0]!
    expect(create).toMatch(/^CREATE TABLE "blog_article"/)
    expect(create).toContain(
      'CONSTRAINT "blog_article_author_id_slug_uniq" UNIQUE ("author_id", "slug")',
    )
    expect(create).toContain(
      'CONSTRAINT "blog_article_author_id_fk" FOREIGN KEY ("author_id") REFERENCES "blog_author" ("id")',
    )
    expect(create).toContain(
      'CONSTRAINT "blog_article_rating_range" CHECK (rating >= 0 AND rating <= 10)',
    )
    expect(create).toContain(backend.name === 'sqlite' ? '"data" text NULL' : '"data" jsonb NULL')
    expect(statements).toContain(
      'CREATE INDEX "blog_article_title_idx" ON "blog_article" ("title")',
    )
    expect(statements).toContain(
      'CREATE INDEX "blog_article_author_id_idx" ON "blog_article" ("author_id")',
    )
    expect(statements).toContain(
      'CREATE INDEX "blog_article_created_at_idx" ON "blog_article" ("created_at" DESC)',
    )
  })

  it('creates and drops tables from states', async () => {
    const editor = new SchemaEditor()
    await editor.createModel(Author.toState(), resolve)
    expect(await tableExists('blog_author')).toBe(true)
    await editor.deleteModel(Author.toState())
    expect(await tableExists('blog_author')).toBe(false)
  })
})
