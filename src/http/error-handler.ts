// The one error and not-found handler: everything becomes problem+json.
import fp from 'fastify-plugin'
import type { FastifyError, FastifyReply, FastifyRequest, RouteOptions } from 'fastify'
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod'
import { DomainError, unknownFieldMessage } from '../lib/errors.js'
import { DatabaseUnavailableError, isRefusedValue } from '../db/database.js'
import { domainProblem } from './domain-errors.js'
import { problemKind } from './errors.js'
import { problem, problemResponses, type Problem } from './problem.js'

const locations: Record<string, string> = { body: 'request body', querystring: 'query string', params: 'path', headers: 'headers' }

function validationPath (location: string | undefined, instancePath: string): string {
  const path = instancePath.replace(/^\//, '').split('/').filter(Boolean).join('.')
  if (path) return path
  return location === 'body' ? 'body' : (location ?? 'request')
}

/**
 * A query parameter that takes one value but came repeated (`?q=a&q=b` parses as a list): say
 * so, instead of "expected string, received array".
 */
function repeatedParameter (request: FastifyRequest, location: string | undefined, path: string, keyword: string): string | undefined {
  if (location !== 'querystring' || (keyword !== 'invalid_type' && keyword !== 'invalid_value')) return undefined
  const raw = (request.query as Record<string, unknown> | undefined)?.[path]
  return Array.isArray(raw) ? `Give ${path} once` : undefined
}

function sendProblem (reply: FastifyReply, body: Problem): FastifyReply {
  return reply.code(body.status).type('application/problem+json').send(body)
}

/** Turns every error and unknown route into an application/problem+json response (RFC 9457). */
export const errorHandlerPlugin = fp(async function errorHandlerPlugin (app) {
  // Document the errors any route can answer, so no route schema has to repeat them.
  app.addHook('onRoute', (route: RouteOptions) => {
    const schema = route.schema as Record<string, unknown> | undefined
    if (!schema || schema.hide) return
    const statuses = [500]
    if (schema.params || schema.querystring || schema.body || schema.headers) statuses.push(400)
    if (schema.body) statuses.push(413, 415)
    schema.response = { ...problemResponses(...statuses), ...(schema.response as object | undefined) }
  })

  app.setErrorHandler(function (error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
    const requestId = String(request.id)
    if (hasZodFastifySchemaValidationErrors(error)) {
      const location = error.validationContext
      const errors = error.validation.flatMap((issue) => {
        // An unknown field is named as its own path: it is a field the caller may not set.
        const keys = issue.keyword === 'unrecognized_keys' ? (issue.params as { keys?: string[] }).keys : undefined
        if (keys?.length) {
          const prefix = validationPath(location, issue.instancePath)
          return keys.map((key) => ({
            path: prefix === 'body' || prefix === location ? key : `${prefix}.${key}`,
            message: unknownFieldMessage(key)
          }))
        }
        const path = validationPath(location, issue.instancePath)
        return [{ path, message: repeatedParameter(request, location, path, issue.keyword) ?? issue.message ?? 'Invalid value' }]
      })
      const where = locations[location ?? ''] ?? 'request'
      const detail = `The ${where} has ${errors.length} invalid field${errors.length === 1 ? '' : 's'}`
      return sendProblem(reply, problem(400, 'validation', detail, { requestId, errors }))
    }
    if (error instanceof DomainError) return sendProblem(reply, domainProblem(error, requestId))
    if ((error as unknown) instanceof DatabaseUnavailableError) {
      // PostgreSQL is down or restarting: the client may retry; the pool reconnects by itself.
      request.log.error({ err: error }, 'database unavailable')
      reply.header('retry-after', '5')
      return sendProblem(reply, problem(503, 'database-unavailable', 'The database is not reachable; retry in a few seconds', { requestId }))
    }
    if (isRefusedValue(error)) {
      // A value only the database refused (validation lets nothing of the kind through on
      // purpose): the request's fault, not the server's; logged so the missing check gets added.
      request.log.warn({ err: error }, 'the database refused a value of the request')
      return sendProblem(reply, problem(400, 'bad-request', 'The request holds a value the database cannot store (a number out of range or a NUL character)', { requestId }))
    }
    const status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500
    if (status >= 500) {
      // The body never carries the message, stack or SQL; the log has them with the request id.
      request.log.error({ err: error }, 'request failed')
      return sendProblem(reply, problem(status, 'internal', `An unexpected error occurred. Quote request id ${requestId} when reporting it.`, { requestId }))
    }
    if (status === 401) reply.header('www-authenticate', 'Bearer realm="broadsheet"')
    const detail = error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
      ? `Send the request body as application/json (got ${String(request.headers['content-type']).slice(0, 100)})`
      : error.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? `The request body is larger than the limit of ${app.initialConfig.bodyLimit ?? 1048576} bytes`
        : error.message
    return sendProblem(reply, problem(status, problemKind(error.code, status), detail, { requestId }))
  })

  app.setNotFoundHandler(function (request, reply) {
    return sendProblem(reply, problem(404, 'not-found', `No route matches ${request.method} ${request.url.split('?')[0]!.slice(0, 200)}`, { requestId: String(request.id) }))
  })
}, { name: 'broadsheet-errors' })
