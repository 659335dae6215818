// Bearer-token authentication, role checks and the failed-authentication budget.
import fp from 'fastify-plugin'
import { addRouteHook } from './route-hooks.js'
import { addressKey } from '../lib/address-key.js'
import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify'
import { roleAtLeast, type AuthContext, type Role } from '../lib/roles.js'
import { TooManyRequestsError, UnauthorizedError } from './errors.js'
import { ForbiddenError } from '../lib/errors.js'
import { problemResponses } from './problem.js'
import type { WindowCount } from '../lib/window-counter.js'

/** The per-address budget of failed authentication, shared by bearer tokens and preview links. */
export interface AuthFailures {
  /** Throws 429 (with Retry-After and RateLimit-*) while this address has used up its budget. */
  assertAllowed: (request: FastifyRequest, reply: FastifyReply) => Promise<void>
  /** Counts one failed attempt from this address. */
  record: (request: FastifyRequest, reply: FastifyReply) => Promise<void>
}

declare module 'fastify' {
  interface FastifyRequest { auth: AuthContext | null }
  interface FastifyInstance { authFailures: AuthFailures }
  interface FastifyContextConfig {
    /** The least role a route needs; absent means public. */
    auth?: Role
    /**
     * The route answers everyone alike and never reads an Authorization header: no 401, and no
     * failed-authentication budget spent or enforced (the probes, which must not fail on a
     * proxy's header or an address that used up its budget).
     */
    ignoreToken?: boolean
  }
}

// last_used_at is informative: write it at most once a minute per token, not on every request.
const TOUCH_INTERVAL_MS = 60_000
// BROADSHEET_AUTH_FAILURES_PER_MINUTE counts failures in windows of a minute.
const FAILURE_WINDOW_MS = 60_000

/**
 * Bearer-token authentication and role checks. A route declares `config: { auth: 'editor' }`;
 * this plugin adds the check, the OpenAPI security requirement and the 401/403 responses.
 */
export const authPlugin = fp(async function authPlugin (app) {
  const { tokens } = app
  const max = app.config.authFailuresPerMinute
  const failures = app.counterStore('auth-failures')
  const secondsLeft = (open: WindowCount) => String(Math.max(1, Math.ceil((open.resetAt - app.now().getTime()) / 1000)))

  const authFailures: AuthFailures = {
    async assertAllowed (request, reply) {
      const open = await failures.peek(addressKey(request.ip))
      if (!open || open.count < max) return
      const reset = secondsLeft(open)
      reply.header('retry-after', reset)
      reply.header('ratelimit-limit', String(max))
      reply.header('ratelimit-remaining', '0')
      reply.header('ratelimit-reset', reset)
      throw new TooManyRequestsError('Too many failed authentication attempts from this address; try again later')
    },
    async record (request, reply) {
      // The 401 says how many failures are left, as every rate-limited route does.
      const counted = await failures.incr(addressKey(request.ip), FAILURE_WINDOW_MS)
      reply.header('ratelimit-limit', String(max))
      reply.header('ratelimit-remaining', String(Math.max(0, max - counted.count)))
      reply.header('ratelimit-reset', secondsLeft(counted))
    }
  }
  app.decorate('authFailures', authFailures)
  app.decorateRequest('auth', null)

  app.addHook('onRoute', (route: RouteOptions) => {
    const role = route.config?.auth
    if (!role) return
    const schema = (route.schema ??= {}) as Record<string, unknown>
    schema.security = [{ bearerAuth: [] }]
    schema.response = { ...problemResponses(401, 403, 429), ...(schema.response as object | undefined) }
    const check = async (request: FastifyRequest) => {
      if (!request.auth) throw new UnauthorizedError('This route needs an API token: send Authorization: Bearer <token>')
      if (!roleAtLeast(request.auth.role, role)) {
        throw new ForbiddenError(`This route needs the ${role} role or higher; the token has the ${request.auth.role} role`)
      }
    }
    // Before validation: a caller without the right token learns nothing about the input rules.
    addRouteHook(route, 'preValidation', check, { first: true })
  })

  async function authenticate (request: FastifyRequest, reply: FastifyReply, header: string) {
    await authFailures.assertAllowed(request, reply)
    const match = /^Bearer[ ]+(\S{1,512})\s*$/i.exec(header)
    const found = match ? await tokens.findActive(match[1]!) : undefined
    if (!found) {
      await authFailures.record(request, reply)
      throw new UnauthorizedError(match ? 'The API token is unknown or revoked' : 'The Authorization header must be "Bearer <token>"')
    }
    request.auth = { tokenId: found.id, role: found.role, authorId: found.authorId }
    const now = app.now()
    if (!found.lastUsedAt || now.getTime() - Date.parse(found.lastUsedAt) > TOUCH_INTERVAL_MS) {
      await tokens.touch(found.id, now.toISOString())
    }
  }

  // Most requests carry no token: answer those without creating a promise.
  app.addHook('onRequest', (request, reply, done) => {
    const header = request.headers.authorization
    if (header === undefined || request.routeOptions.config.ignoreToken === true) { done(); return }
    authenticate(request, reply, header).then(() => done(), done)
  })
}, { name: 'broadsheet-auth' })
