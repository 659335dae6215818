// buildApp: the one factory of the Broadsheet app, for the server, the CLI and every test.
import { randomUUID } from 'node:crypto'
import Fastify, { type FastifyServerOptions } from 'fastify'
import cors from '@fastify/cors'
import { serializerCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod'
import type { Config } from './config.js'
import { connectDatabase, type Connected } from './db/connect.js'
import { createMemoryCounterStore, type CounterStore } from './lib/window-counter.js'
import { loadSecret } from './db/secret.js'
import { createSettingsRepository, type SettingsRepository } from './db/settings.js'
import { authPlugin } from './http/auth.js'
import { addressLimitPlugin } from './http/address-limit.js'
import { errorHandlerPlugin } from './http/error-handler.js'
import { problem } from './http/problem.js'
import { securityHeadersPlugin } from './http/security-headers.js'
import { publicOriginPlugin, trustProxyOption } from './http/proxy.js'
import { idempotencyPlugin } from './http/idempotency.js'
import { responseCachePlugin } from './http/response-cache.js'
import { lazyChildLogger, logRedactPaths, prettyTransport, requestSerializer } from './http/logging.js'
import { swaggerPlugin } from './http/swagger.js'
import { validatorCompiler } from './http/validation.js'
import './http/zod-messages.js'
import { operationsRoutes } from './operations/routes.js'
import { seedDemo } from './demo/seed.js'
import { tokensRoutes } from './tokens/routes.js'
import { createTokensRepository, type TokensRepository } from './tokens/repository.js'
import { taxonomyRoutes } from './taxonomy/routes.js'
import { articlesPlugin } from './articles/plugin.js'
import { createArticlesRepository } from './articles/repository.js'
import { keys } from './lib/dependency-keys.js'
import { commentsPlugin } from './comments/plugin.js'
import { adsPlugin } from './ads/plugin.js'
import { articlePageRoutes } from './article-pages/routes.js'
import { demoSitePlugin } from './demo/site.js'
import fp from 'fastify-plugin'

declare module 'fastify' {
  interface FastifyInstance {
    config: Config
    /**
     * The database (SQLite or PostgreSQL) every repository runs on. On SQLite, `sqlite` is its
     * synchronous handle, for what only SQLite has (the online backup, query-plan tests).
     */
    database: Connected
    /** Signs click, impression and preview links (BROADSHEET_SECRET or a persisted random one). */
    secret: string
    /** The clock every time-dependent rule reads (tests pass a controllable one). */
    now: () => Date
    /** The settings table (secret, comment policy, ads.txt): its one repository. */
    settings: SettingsRepository
    /** The store of one limit's counts, by the limit's name (`auth-failures`, `address:<group>`). */
    counterStore: (name: string) => CounterStore
    /** API tokens: the one repository auth, the token routes and preview links use. */
    tokens: TokensRepository
  }
}

export interface BuildOptions {
  config: Config
  /** Overrides the logger built from config (tests capture log lines with a stream). */
  logger?: FastifyServerOptions['logger']
  /** The clock; defaults to the system time. */
  now?: () => Date
  /** The random source of ad selection, [0, 1); tests pass a seeded one. */
  random?: () => number
  /** Where each limit counts; defaults to an in-memory store per limit, read on `now`. */
  counterStore?: (name: string) => CounterStore
}

const REQUEST_ID = /^[\w.:@-]{1,128}$/

/** Builds the Broadsheet app: the same factory serves production and every test. */
export async function buildApp ({ config, logger, now = () => new Date(), random = Math.random, counterStore }: BuildOptions) {
  const pretty = logger === undefined ? prettyTransport(process.stdout.isTTY === true, config.logLevel) : undefined
  const app = Fastify({
    // A logger given by a caller (tests capture lines with a stream) keeps the redaction.
    logger: logger === undefined || (typeof logger === 'object' && logger !== null)
      ? {
          level: config.logLevel,
          redact: { paths: logRedactPaths, censor: '[redacted]' },
          serializers: { req: requestSerializer },
          ...(pretty ? { transport: pretty } : {}),
          ...logger
        }
      : logger,
    // Keep a caller's X-Request-Id when it is a sane token, so logs join up across services.
    genReqId: (req) => {
      const given = req.headers['x-request-id']
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID()
    },
    childLoggerFactory: lazyChildLogger,
    // Behind a proxy or CDN: request.ip (every per-address limit), protocol and host come from
    // the X-Forwarded-* headers of the peers BROADSHEET_TRUST_PROXY names, and only theirs.
    trustProxy: trustProxyOption(config.trustProxy),
    bodyLimit: 1024 * 1024,
    // A client that trickles its request (slowloris) is cut off after 30 s.
    requestTimeout: 30_000,
    // Errors the router raises before any route runs get the same problem+json as the rest.
    frameworkErrors: (error, request, reply) => {
      const status = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 414 : (error.statusCode ?? 400)
      const detail = status === 414
        ? 'A path segment is longer than 500 characters'
        : 'The URL is not valid: a path segment is badly percent-encoded'
      const raw = reply as unknown as { code: (n: number) => { type: (t: string) => { send: (b: unknown) => void } } }
      raw.code(status).type('application/problem+json').send(problem(status, status === 414 ? 'uri-too-long' : 'bad-url', detail, { requestId: String(request.id) }))
    },
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 }
  }).withTypeProvider<ZodTypeProvider>()

  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  // JSON only: any other request body type is a 415, not a string handed to a schema.
  app.removeContentTypeParser(['text/plain'])

  const database = await connectDatabase({ databaseUrl: config.databaseUrl, pgPoolSize: config.pgPoolSize })
  app.decorate('database', database)
  app.decorate('config', config)
  app.decorate('now', now)
  app.decorate('counterStore', counterStore ?? (() => createMemoryCounterStore(() => now().getTime())))
  app.addHook('onClose', async () => { await database.close() })
  const settings = createSettingsRepository(database)
  app.decorate('settings', settings)
  const tokens = createTokensRepository(database)
  app.decorate('tokens', tokens)
  app.decorate('secret', await loadSecret(settings, config.secret))
  if (!config.secret && config.nodeEnv === 'production') {
    app.log.warn('BROADSHEET_SECRET is not set: the signing key is kept in the database, so anyone with a copy of it can forge preview links, ad links and commenter tokens; set BROADSHEET_SECRET')
  }
  if (config.bootstrapToken && await tokens.ensureBootstrap(config.bootstrapToken) === 'revoked') {
    app.log.warn('BROADSHEET_BOOTSTRAP_TOKEN names a revoked token: it stays revoked; unset the variable or choose a new secret')
  }
  // "More articles" and "Latest article" ids are kept until a write changes which articles lists hold.
  const articles = createArticlesRepository(database, undefined, { listVersion: () => app.keyVersion(keys.articles) })
  app.decorate('articles', articles)
  if (config.demo) await seedDemo(database, now())

  await app.register(errorHandlerPlugin)
  await app.register(securityHeadersPlugin, {
    helmet: {
      contentSecurityPolicy: {
        useDefaults: false,
        directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] }
      }
    },
    pagePrefixes: ['/docs', '/demo']
  })
  await app.register(cors, {
    origin: config.corsOrigins.length > 0 ? config.corsOrigins : false,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'If-Match', 'If-None-Match', 'Idempotency-Key', 'X-Request-Id'],
    exposedHeaders: ['ETag', 'Location', 'X-Request-Id', 'Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset'],
    maxAge: 600
  })
  // Per-route limits only, with the RateLimit-Limit/Remaining/Reset headers of the IETF draft
  // and Retry-After on 429: failed authentication (auth.ts) and config.addressLimit.
  await app.register(addressLimitPlugin)
  await app.register(authPlugin)
  await app.register(idempotencyPlugin)
  await app.register(publicOriginPlugin)
  await app.register(responseCachePlugin, { maxBytes: config.responseCacheMb * 1024 * 1024 })
  await app.register(swaggerPlugin)

  await app.register(operationsRoutes)
  await app.register(tokensRoutes, { prefix: '/v1/tokens' })
  await app.register(taxonomyRoutes, { prefix: '/v1' })
  await app.register(articlesPlugin, { prefix: '/v1/articles' })
  await app.register(commentsPlugin, { prefix: '/v1' })
  await app.register(fp(adsPlugin), { random })
  await app.register(articlePageRoutes, { prefix: '/v1' })
  if (config.demoSite) await app.register(demoSitePlugin)
  app.get('/', { schema: { hide: true } }, async () => ({
    name: 'Broadsheet',
    docs: '/docs',
    openapi: '/openapi.json',
    api: '/v1',
    ...(config.demoSite ? { demo: '/demo/' } : {})
  }))

  return app
}

export type App = Awaited<ReturnType<typeof buildApp>>
