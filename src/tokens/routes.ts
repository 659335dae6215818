// The /v1/tokens routes (admins only).
import { z } from 'zod'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { FieldError, NotFoundError } from '../lib/errors.js'
import { toPage } from '../http/pagination.js'
import { problemResponses } from '../http/problem.js'
import { IdParamsSchema } from '../http/schemas.js'
import { CreatedTokenSchema, CreateTokenSchema, TokenListQuerySchema, TokenPageSchema } from './schemas.js'
import { CursorIdSchema, decodeCursor } from '../lib/cursor.js'

/** POST, GET and DELETE /v1/tokens (admin only). */
export const tokensRoutes: FastifyPluginAsyncZod = async function (app) {
  const { tokens } = app
  const tags = ['Tokens']

  app.post('/', {
    config: { auth: 'admin' },
    schema: {
      tags,
      operationId: 'createToken',
      summary: 'Create a token (its secret is shown once)',
      body: CreateTokenSchema,
      response: { 201: CreatedTokenSchema, ...problemResponses(400, 415) }
    }
  }, async (request, reply) => {
    const { authorId } = request.body
    if (authorId && !await tokens.authorExists(authorId)) throw new FieldError('authorId', `There is no author with id ${authorId}`)
    const created = await tokens.create(request.body)
    request.log.info({ tokenId: created.id, role: created.role }, 'token created')
    reply.header('cache-control', 'no-store')
    reply.header('location', `/v1/tokens/${created.id}`)
    return reply.code(201).send(created)
  })

  app.get('/', {
    config: { auth: 'admin' },
    schema: {
      tags,
      operationId: 'listTokens',
      summary: 'List tokens (never their secrets)',
      querystring: TokenListQuerySchema,
      response: { 200: TokenPageSchema, ...problemResponses(400) }
    }
  }, async (request, reply) => {
    const { limit, cursor, includeRevoked } = request.query
    const afterId = cursor ? decodeCursor(cursor, z.tuple([CursorIdSchema]))[0] : undefined
    const rows = await tokens.list({ limit, afterId, includeRevoked: includeRevoked ?? false })
    reply.header('cache-control', 'no-store')
    return toPage(rows, limit, (row) => row, (row) => [row.id])
  })

  app.delete('/:id', {
    config: { auth: 'admin' },
    schema: {
      tags,
      operationId: 'revokeToken',
      summary: 'Revoke a token (it answers 401 from now on)',
      params: IdParamsSchema,
      response: { 204: z.undefined().describe('Revoked'), ...problemResponses(400, 404) }
    }
  }, async (request, reply) => {
    if (!await tokens.revoke(request.params.id, app.now().toISOString())) throw new NotFoundError(`There is no live token with id ${request.params.id}`)
    request.log.info({ tokenId: request.params.id }, 'token revoked')
    return reply.code(204).send()
  })
}
