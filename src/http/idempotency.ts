// Idempotency-Key on creating POSTs: a retry replays the first answer.
import { hash as digest } from 'node:crypto'
import fp from 'fastify-plugin'
import { z } from 'zod'
import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify'
import { createIdempotencyStore } from './idempotency-store.js'
import { FieldError } from '../lib/errors.js'
import { problemResponses } from './problem.js'
import { addRouteHook } from './route-hooks.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route creates something and honours Idempotency-Key. */
    idempotent?: boolean
  }
  interface FastifyRequest {
    idempotency: { scope: string, key: string, hash: string } | null
  }
}

const KEY = /^[\x21-\x7e]{1,200}$/
const IdempotencyKeyHeader = z.string().optional()
  .describe('A unique key per intended creation (a UUID): a retry with the same key and body answers the first response again instead of creating twice; the same key with another body is 422. Kept 24 hours.')
const TTL_MS = 24 * 60 * 60 * 1000
const REPLAYED_HEADERS = ['content-type', 'location', 'etag']

class IdempotencyMismatchError extends Error {
  readonly statusCode = 422
  readonly code = 'CMS_ERR_IDEMPOTENCY_MISMATCH'
}

/**
 * Idempotency-Key on creating POSTs: a retry with the same key and body gets the first
 * 2xx answer again (with `Idempotent-Replayed: true`) instead of creating twice; the same
 * key with another body is 422. Keys are kept 24 hours, per token (or client address).
 */
export const idempotencyPlugin = fp(async function idempotencyPlugin (app) {
  const store = createIdempotencyStore(app.database)
  app.decorateRequest('idempotency', null)

  const lookup = async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers['idempotency-key']
    if (header === undefined) return
    if (typeof header !== 'string' || !KEY.test(header)) {
      throw new FieldError('Idempotency-Key', 'Idempotency-Key must be 1 to 200 visible ASCII characters (a UUID is ideal)')
    }
    const scope = request.auth ? `token:${request.auth.tokenId}` : `ip:${request.ip}`
    const hash = digest('sha256', `${request.method} ${request.routeOptions.url}\n${JSON.stringify(request.params)}\n${JSON.stringify(request.body ?? null)}`, 'hex')
    const since = new Date(app.now().getTime() - TTL_MS).toISOString()
    const stored = await store.find(scope, header, since)
    if (stored) {
      if (stored.requestHash !== hash) {
        throw new IdempotencyMismatchError('This Idempotency-Key was already used with another request; use a new key for a new request')
      }
      for (const [name, value] of Object.entries(stored.headers)) reply.header(name, value)
      reply.header('idempotent-replayed', 'true')
      // The first answer already changed what it changed: a replay must not empty the response cache.
      request.contentUnchanged = true
      return reply.code(stored.status).serializer((payload: unknown) => String(payload)).send(stored.body)
    }
    request.idempotency = { scope, key: header, hash }
  }

  // Callback hooks: a request without the header (nearly all) costs no promise.
  const lookupHook = (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) => {
    if (request.headers['idempotency-key'] === undefined) { done(); return }
    lookup(request, reply).then((answered) => { if (answered !== reply) done() }, done)
  }

  const remember = (request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (error: Error | null, payload: unknown) => void) => {
    const pending = request.idempotency
    if (!pending || reply.statusCode < 200 || reply.statusCode >= 300 || typeof payload !== 'string') { done(null, payload); return }
    const headers: Record<string, string> = {}
    for (const name of REPLAYED_HEADERS) {
      const value = reply.getHeader(name)
      if (value !== undefined) headers[name] = String(value)
    }
    // Stamped by app.now(), not the column default: expiry is then read on one clock.
    const now = app.now()
    store.remember({ scope: pending.scope, key: pending.key, requestHash: pending.hash, status: reply.statusCode, body: payload, headers },
      now.toISOString(), new Date(now.getTime() - TTL_MS).toISOString())
      .then(() => { done(null, payload) }, (err: Error) => { done(err, payload) })
  }

  app.addHook('onRoute', (route: RouteOptions) => {
    if (!route.config?.idempotent) return
    const schema = (route.schema ??= {}) as Record<string, unknown>
    schema.response = { ...problemResponses(422), ...(schema.response as object | undefined) }
    const header = { 'idempotency-key': IdempotencyKeyHeader }
    schema.headers = schema.headers instanceof z.ZodObject ? schema.headers.extend(header) : z.looseObject(header)
    addRouteHook(route, 'preHandler', lookupHook)
    addRouteHook(route, 'onSend', remember)
  })
}, { name: 'broadsheet-idempotency', dependencies: ['broadsheet-auth'] })
