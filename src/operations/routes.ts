// Liveness and readiness probes: /health and /ready.
import { z } from 'zod'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { ServiceUnavailableError } from '../http/errors.js'
import { problemResponses } from '../http/problem.js'

const HealthSchema = z.object({ status: z.literal('ok') }).describe('The process is up').meta({ examples: [{ status: 'ok' }] })
const ReadySchema = z.object({ status: z.literal('ready'), database: z.literal('ok') }).describe('Ready to serve: the database answers').meta({ examples: [{ status: 'ready', database: 'ok' }] })

/** Liveness and readiness probes: they answer whatever token is sent, so a probe never fails on one. */
export const operationsRoutes: FastifyPluginAsyncZod = async function (app) {
  app.get('/health', {
    config: { ignoreToken: true },
    schema: {
      tags: ['Operations'],
      operationId: 'getHealth',
      summary: 'Liveness: the process answers',
      response: { 200: HealthSchema, ...problemResponses(500) }
    }
  }, async (_request, reply) => {
    reply.header('cache-control', 'no-store')
    return { status: 'ok' as const }
  })

  app.get('/ready', {
    config: { ignoreToken: true },
    schema: {
      tags: ['Operations'],
      operationId: 'getReadiness',
      summary: 'Readiness: the database answers a query',
      response: { 200: ReadySchema, ...problemResponses(500, 503) }
    }
  }, async (_request, reply) => {
    reply.header('cache-control', 'no-store')
    try {
      await app.database.ping()
    } catch (err) {
      app.log.error({ err }, 'readiness check failed')
      throw new ServiceUnavailableError('The database is not reachable')
    }
    return { status: 'ready' as const, database: 'ok' as const }
  })
}
