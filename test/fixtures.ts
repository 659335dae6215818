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

// Helpers for the taxonomy tests: exact expected bodies, problem answers and raw rows.
// Their imports sit here, beside them; ESM hoists imports either way.
import { STATUS_CODES } from 'node:http'
import type { Test } from 'tap'
import { authors as authorsTable, categories as categoriesTable, tags as tagsTable } from '../src/db/schema.js'

export type TaxonPath = 'categories' | 'tags' | 'authors'
export const taxonPaths: readonly TaxonPath[] = ['categories', 'tags', 'authors']

/** An ISO 8601 UTC timestamp as the API writes it. */
export const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

/**
 * The whole API body of a category, tag or author: the kind's optional fields default to
 * null, articleCount to 0, and timestamps are patterns (see `fit`).
 */
export function taxonBody (path: TaxonPath, fields: { id: number, slug: string, name: string } & Record<string, unknown>) {
  const extra: Record<string, unknown> = path === 'categories'
    ? { description: null, parentId: null }
    : path === 'authors' ? { bio: null, avatarUrl: null } : {}
  return { articleCount: 0, ...extra, createdAt: ISO_TIMESTAMP, updatedAt: ISO_TIMESTAMP, ...fields }
}

/**
 * `actual` with every string that a RegExp in `pattern` matches replaced by that RegExp, so
 * `t.same(fit(actual, expected), expected)` is an exact comparison with patterned slots.
 */
export function fit (actual: unknown, pattern: unknown): unknown {
  if (pattern instanceof RegExp) return typeof actual === 'string' && pattern.test(actual) ? pattern : actual
  if (Array.isArray(pattern) && Array.isArray(actual)) return actual.map((item, i) => fit(item, pattern[i]))
  if (pattern && typeof pattern === 'object' && actual && typeof actual === 'object' && !Array.isArray(actual)) {
    return Object.fromEntries(Object.entries(actual).map(([k, v]) => [k, fit(v, (pattern as Record<string, unknown>)[k])]))
  }
  return actual
}

/** The parts of an inject response these helpers read. */
export interface Answer { statusCode: number, headers: Record<string, unknown>, body: string, json: () => any }

/** Asserts the status, then the whole JSON body (RegExp slots for ids, timestamps …). */
export function expectJson (t: Test, res: Answer, status: number, expected: unknown) {
  t.equal(res.statusCode, status, `status ${status}`)
  const body = res.json()
  t.same(fit(body, expected), expected, 'whole body')
  return body
}

/**
 * Asserts an RFC 9457 answer exactly: status, application/problem+json, type, title, status,
 * detail, requestId (= X-Request-Id) and, for validation, errors (compared sorted by path).
 */
export function expectProblem (t: Test, res: Answer, status: number, kind: string, detail: string | RegExp, errors?: Array<{ path: string, message: string | RegExp }>) {
  t.equal(res.statusCode, status, `status ${status}`)
  t.match(String(res.headers['content-type']), /^application\/problem\+json/, 'content-type application/problem+json')
  const body = res.json()
  const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)
  const expected: Record<string, unknown> = {
    type: `urn:broadsheet:problem:${kind}`,
    title: STATUS_CODES[status],
    status,
    detail,
    requestId: res.headers['x-request-id']
  }
  const actual = { ...body }
  if (errors) {
    expected.errors = [...errors].sort(byPath)
    if (Array.isArray(actual.errors)) actual.errors = [...actual.errors].sort(byPath)
  }
  t.same(fit(actual, expected), expected, 'whole problem body')
  return body
}

const taxonTables = { categories: categoriesTable, tags: tagsTable, authors: authorsTable }

/** Every row of the table behind a taxonomy path, all columns, by id: proof that nothing changed. */
export function taxonRows (app: App, path: TaxonPath) {
  const table = taxonTables[path]
  return app.db.select().from(table).orderBy(table.id).all()
}

/** Every article row (id, slug, categoryId, authorId, revision) and article_tags row. */
export function articleState (app: App) {
  return {
    articles: app.db.select({ id: articles.id, slug: articles.slug, categoryId: articles.categoryId, authorId: articles.authorId, revision: articles.revision }).from(articles).orderBy(articles.id).all(),
    articleTags: app.db.select().from(articleTags).orderBy(articleTags.articleId, articleTags.tagId).all()
  }
}
