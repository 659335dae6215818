import type { App } from '../src/app.js'
import { articles, articleTags } from '../src/db/schema.js'
import { admin, bearer } from './helper.js'

/** Creates a token with the role through the API and returns its Authorization header. */
export async function tokenFor (app: App, role: 'admin' | 'editor' | 'author' | 'contributor', authorId?: number) {
  let id = authorId
  if ((role === 'author' || role === 'contributor') && id === undefined) {
    id = (await createTaxon(app, 'authors', { name: `Byline ${Math.random().toString(36).slice(2, 8)}` })).id
  }
  const res = await app.inject({ method: 'POST', url: '/v1/tokens', headers: admin, payload: { name: `${role} token`, role, authorId: id } })
  if (res.statusCode !== 201) throw new Error(`token create failed: ${res.body}`)
  const body = res.json()
  return { headers: bearer(body.token), id: body.id as number, secret: body.token as string }
}

/** Creates a category, tag or author through the API. */
export async function createTaxon (app: App, path: 'categories' | 'tags' | 'authors', payload: Record<string, unknown>) {
  const res = await app.inject({ method: 'POST', url: `/v1/${path}`, headers: admin, payload })
  if (res.statusCode !== 201) throw new Error(`create ${path} failed: ${res.body}`)
  return res.json() as { id: number, slug: string, name: string } & Record<string, unknown>
}

/**
 * Inserts an article row directly: the taxonomy counts and deletes need articles before
 * the articles API exists to make them.
 */
export function insertArticle (app: App, values: { slug: string, status?: 'draft' | 'published', categoryId?: number, authorId?: number, tagIds?: number[] }) {
  const row = app.db.insert(articles).values({
    slug: values.slug,
    title: values.slug,
    status: values.status ?? 'published',
    publishedAt: values.status === 'draft' ? null : new Date().toISOString(),
    categoryId: values.categoryId ?? null,
    authorId: values.authorId ?? null
  }).returning({ id: articles.id }).get()
  for (const [position, tagId] of (values.tagIds ?? []).entries()) {
    app.db.insert(articleTags).values({ articleId: row.id, tagId, position }).run()
  }
  return row.id
}
