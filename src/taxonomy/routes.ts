// The /v1/categories, /v1/tags and /v1/authors routes.
import { z } from 'zod'
import { changed, dependsOn, keys as dependencyKeys } from '../http/dependencies.js'
import fp from 'fastify-plugin'
import type { FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { FieldError, InUseError, NotFoundError } from '../lib/errors.js'
import { pick } from '../lib/pick.js'
import { CursorIdSchema, decodeCursor } from '../lib/cursor.js'
import { roleAtLeast } from '../lib/roles.js'
import { assertIfMatch, itemEtag, sendRead } from '../http/caching.js'
import { toPage } from '../http/pagination.js'
import { problemResponses } from '../http/problem.js'
import { IdOrSlugParamsSchema, IfMatchHeadersSchema } from '../http/schemas.js'
import { authorKind, categoryKind, tagKind, type TaxonomyKind } from './kinds.js'
import { createTaxonomyRepository, type Taxonomy, type TaxonomyRepository, type TaxonomyRow, type TaxonomyView } from './repository.js'
import {
  AuthorAnswers, AuthorSchema, CategoryAnswers, CategorySchema, CreateAuthorSchema, CreateCategorySchema,
  CreateTagSchema, DeleteQuerySchema, itemQuery, listQuery, TagAnswers, TagSchema, UpdateAuthorSchema,
  UpdateCategorySchema, UpdateTagSchema
} from './schemas.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Categories, tags and authors: the one repository of each, for these routes and any other reader. */
    taxonomy: Taxonomy
  }
}

interface Resource {
  path: 'categories' | 'tags' | 'authors'
  tag: string
  kind: TaxonomyKind
  item: z.ZodObject
  /** The read answers, full or projected by ?fields= (schemas.ts). */
  answers: { item: z.ZodType, page: z.ZodType }
  create: z.ZodType<Record<string, unknown> & { name: string, slug?: string | undefined }>
  update: z.ZodType<Record<string, unknown>>
  /** Cross-row checks a schema cannot make (a category's parent must exist, no cycles). */
  validate?: (repo: TaxonomyRepository, values: Record<string, unknown>, id?: number) => Promise<void>
}

async function validateParent (repo: TaxonomyRepository, values: Record<string, unknown>, id?: number) {
  const parentId = values.parentId
  if (typeof parentId !== 'number') return
  if (!await repo.get(parentId)) throw new FieldError('parentId', `There is no category with id ${parentId}`)
  if (id !== undefined && (parentId === id || (await repo.ancestors(parentId)).includes(id))) {
    throw new FieldError('parentId', 'A category cannot be its own parent or the parent of one of its ancestors')
  }
}

const resources: Resource[] = [
  { path: 'categories', tag: 'Categories', kind: categoryKind, item: CategorySchema, answers: CategoryAnswers, create: CreateCategorySchema, update: UpdateCategorySchema, validate: validateParent },
  { path: 'tags', tag: 'Tags', kind: tagKind, item: TagSchema, answers: TagAnswers, create: CreateTagSchema, update: UpdateTagSchema },
  { path: 'authors', tag: 'Authors', kind: authorKind, item: AuthorSchema, answers: AuthorAnswers, create: CreateAuthorSchema, update: UpdateAuthorSchema }
]

/** The API shape of a row: everything but the internal revision. */
function present (row: TaxonomyRow): Record<string, unknown> {
  const { revision: _revision, ...item } = row
  return item
}

/** /v1/categories, /v1/tags and /v1/authors: one set of routes serves all three. */
const routes: FastifyPluginAsyncZod = async function (app) {
  for (const resource of resources) {
    const repo = app.taxonomy[resource.path]
    const { noun } = resource.kind
    // Stable operationIds for generated clients: listCategories, getCategory, createCategory …
    const Noun = noun[0]!.toUpperCase() + noun.slice(1)
    const Plural = resource.path[0]!.toUpperCase() + resource.path.slice(1)
    const aNoun = `${/^[aeiou]/.test(noun) ? 'an' : 'a'} ${noun}`
    const keys = Object.keys(resource.item.shape)
    const tags = [resource.tag]
    const base = `/${resource.path}`
    // Dependency keys: the list (names, slugs, counts) and one item, which article answers repeat.
    const collectionKey = dependencyKeys[resource.path]
    const itemKey = { categories: dependencyKeys.category, tags: dependencyKeys.tag, authors: dependencyKeys.author }[resource.path]
    const notFound = (key: string | number) => new NotFoundError(`There is no ${noun} ${typeof key === 'number' ? `with id ${key}` : `"${key}"`}`)
    // Editors see every row; anyone else not the tags an article write created and no live article uses yet.
    const hiddenNote = resource.kind.articleCreated
      ? { description: `A ${noun} first named by an article write (not through these routes) is public only while a published article uses it; editors see every ${noun}, and an editor's change makes it an ordinary one.` }
      : {}
    const viewOf = (request: FastifyRequest): TaxonomyView => (request.auth && roleAtLeast(request.auth.role, 'editor') ? 'all' : 'public')
    const resolveId = async (idOrSlug: string): Promise<number> => {
      const row = await repo.findByIdOrSlug(idOrSlug, 'all')
      if (!row) throw notFound(idOrSlug)
      return row.id
    }

    app.get(base, {
      config: { publicCache: true },
      schema: {
        tags,
        operationId: `list${Plural}`,
        summary: `List ${resource.path} by name, with articleCount`,
        ...hiddenNote,
        querystring: listQuery(keys),
        response: { 200: resource.answers.page, 304: z.undefined().describe('Not modified'), ...problemResponses(400) }
      }
    }, async (request, reply) => {
      const { limit, cursor, count, q, fields } = request.query
      const after = cursor ? decodeCursor(cursor, z.tuple([z.string(), CursorIdSchema])) : undefined
      const view = viewOf(request)
      const rows = await repo.list({ limit, after, q, view })
      const page = toPage(rows, limit, (row) => {
        const item = present(row)
        return fields ? pick(item, fields) : item
      }, (row) => [row.name, row.id])
      const body = count ? { data: page.data, meta: { ...page.meta, total: await repo.count({ q, view }) } } : page
      // articleCount follows the articles.
      dependsOn(request, [collectionKey, dependencyKeys.articles])
      return sendRead(request, reply, body)
    })

    app.get(`${base}/:idOrSlug`, {
      config: { publicCache: true },
      schema: {
        tags,
        operationId: `get${Noun}`,
        summary: `Get one ${noun} by id or slug`,
        ...hiddenNote,
        params: IdOrSlugParamsSchema,
        querystring: itemQuery(keys),
        response: { 200: resource.answers.item, 304: z.undefined().describe('Not modified'), ...problemResponses(400, 404) }
      }
    }, async (request, reply) => {
      const row = await repo.findByIdOrSlug(request.params.idOrSlug, viewOf(request))
      if (!row) throw notFound(request.params.idOrSlug)
      const { fields } = request.query
      const body = fields ? pick(present(row), fields) : present(row)
      dependsOn(request, [itemKey(row.id), dependencyKeys.articles])
      return sendRead(request, reply, body, { revision: row.revision })
    })

    app.post(base, {
      config: { auth: 'editor', idempotent: true },
      schema: {
        tags,
        operationId: `create${Noun}`,
        summary: `Create ${aNoun}`,
        body: resource.create,
        response: { 201: resource.item, ...problemResponses(400, 409, 415) }
      }
    }, async (request, reply) => {
      await resource.validate?.(repo, request.body)
      const row = await repo.create(request.body)
      changed(request, [collectionKey])
      const body = present(row)
      reply.header('location', `/v1/${resource.path}/${row.id}`)
      reply.header('etag', itemEtag(row.revision, body))
      return reply.code(201).send(body)
    })

    app.patch(`${base}/:idOrSlug`, {
      config: { auth: 'editor' },
      schema: {
        tags,
        operationId: `update${Noun}`,
        summary: `Change ${aNoun} (partial; If-Match honoured)`,
        description: 'Only the fields sent change. Renaming keeps the slug: send `slug` to change the URL.',
        params: IdOrSlugParamsSchema,
        headers: IfMatchHeadersSchema,
        body: resource.update,
        response: { 200: resource.item, ...problemResponses(400, 404, 409, 412, 415) }
      }
    }, async (request, reply) => {
      const id = await resolveId(request.params.idOrSlug)
      await resource.validate?.(repo, request.body, id)
      const row = await repo.update(id, request.body, (current) => assertIfMatch(request, current.revision))
      if (!row) throw notFound(id)
      changed(request, [collectionKey, itemKey(id)])
      const body = present(row)
      reply.header('etag', itemEtag(row.revision, body))
      return body
    })

    app.delete(`${base}/:idOrSlug`, {
      config: { auth: 'editor' },
      schema: {
        tags,
        operationId: `delete${Noun}`,
        summary: `Delete ${aNoun}`,
        description: resource.kind.articleRef
          ? `Articles keep one ${noun}: deleting one they use is 409 unless \`reassignTo\` names the ${noun} that takes them over.`
          : `Articles simply lose this ${noun}.`,
        params: IdOrSlugParamsSchema,
        headers: IfMatchHeadersSchema,
        querystring: resource.kind.articleRef ? DeleteQuerySchema : z.object({}),
        response: { 204: z.undefined().describe('Deleted'), ...problemResponses(400, 404, 409, 412) }
      }
    }, async (request, reply) => {
      const id = await resolveId(request.params.idOrSlug)
      const { reassignTo } = request.query as z.infer<typeof DeleteQuerySchema>
      let targetId: number | undefined
      if (reassignTo !== undefined) {
        const target = await repo.findByIdOrSlug(reassignTo, 'all')
        if (!target) throw new FieldError('reassignTo', `There is no ${noun} "${reassignTo}" to reassign the articles to`)
        if (target.id === id) throw new FieldError('reassignTo', `The ${noun} to delete cannot take over its own articles`)
        targetId = target.id
      }
      const removed = await repo.remove(id, {
        reassignTo: targetId,
        check: (current, uses) => {
          assertIfMatch(request, current.revision)
          if (uses > 0 && targetId === undefined) {
            throw new InUseError(`${uses} article${uses === 1 ? ' uses' : 's use'} this ${noun}; pass ?reassignTo=<id or slug> to move them`)
          }
        }
      })
      if (!removed) throw notFound(id)
      // Its articles lose it or move to another: lists by it and their counts change too.
      changed(request, [collectionKey, itemKey(id), dependencyKeys.articles, ...(targetId !== undefined ? [itemKey(targetId)] : [])])
      return reply.code(204).send()
    })
  }
}

/**
 * Creates the taxonomy repository once and decorates it on the app that registers this
 * plugin (not encapsulated, so other resources read `app.taxonomy` too), then adds the
 * routes under the `prefix` it was registered with.
 */
export const taxonomyRoutes = fp(async function taxonomyPlugin (app, opts: { prefix?: string }) {
  app.decorate('taxonomy', createTaxonomyRepository(app.database, () => app.now()))
  await app.register(routes, { prefix: opts.prefix ?? '' })
}, { name: 'broadsheet-taxonomy' })
