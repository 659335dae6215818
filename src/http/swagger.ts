// The OpenAPI document and Swagger UI, generated from the routes' zod schemas.
import fp from 'fastify-plugin'
import { z } from 'zod'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { createJsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod'
import type { RouteOptions } from 'fastify'
import { problemResponses } from './problem.js'
import { documentResponseHeaders } from './openapi-headers.js'

const description = `Broadsheet serves a news site's articles, comments and ad slots as JSON.

**Auth.** Reads of published content, approved comments, ad serving and posting a comment need no
token. Everything else needs \`Authorization: Bearer <token>\` (press **Authorize**). Roles:
admin > editor > author > contributor.

**Conventions.** Lists answer \`{ data, meta: { limit, nextCursor } }\` with keyset cursors
(\`?limit=1..100\`, \`?cursor=\`, \`?count=true\`). Errors are \`application/problem+json\` (RFC 9457)
with \`errors[{path, message}]\` naming every bad field. Reads send \`ETag\` (\`If-None-Match\` → 304);
writes honour \`If-Match\` (stale → 412, nothing changed). An ETag is \`"<revision>-<digest>"\`:
If-Match compares the revision, so counters such as \`articleCount\` changing under you do not
make your write fail. Every response carries \`X-Request-Id\`.`

type OpenApiDocument = { components?: { schemas?: Record<string, unknown> } } & Record<string, unknown>

/**
 * The zod transform emits an input and an output copy of every registered schema; keep
 * only those some operation reaches, so the document lists what the API really uses.
 */
function pruneUnusedSchemas (document: OpenApiDocument): OpenApiDocument {
  const schemas = document.components?.schemas
  if (!schemas) return document
  const used = new Set<string>()
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) { node.forEach(visit); return }
    if (node === null || typeof node !== 'object') return
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith('#/components/schemas/')) {
        const name = value.slice('#/components/schemas/'.length)
        if (!used.has(name)) { used.add(name); visit(schemas[name]) }
      } else {
        visit(value)
      }
    }
  }
  const { components, ...rest } = document
  visit(rest)
  const kept = Object.fromEntries(Object.entries(schemas).filter(([name]) => used.has(name)))
  // A request-only schema needs no "Input" suffix: nothing else bears its name.
  let text = JSON.stringify({ ...rest, components: { ...components, schemas: kept } })
  for (const name of Object.keys(kept)) {
    const base = name.replace(/Input$/, '')
    if (base !== name && !(base in kept)) {
      text = text.replaceAll(`"#/components/schemas/${name}"`, `"#/components/schemas/${base}"`).replace(`"${name}":{`, `"${base}":{`)
    }
  }
  const out = JSON.parse(text) as OpenApiDocument
  describeResponses(out)
  restoreInputExamples(out)
  return out
}

/**
 * zod drops a schema's examples from its input copy when any field transforms (they could be
 * output-shaped); ours are written as a client sends them, so request bodies keep them.
 */
function restoreInputExamples (document: OpenApiDocument) {
  for (const [name, schema] of Object.entries((document.components?.schemas ?? {}) as Record<string, { examples?: unknown[] }>)) {
    if (schema.examples) continue
    const source = z.globalRegistry._idmap.get(name.replace(/Input$/, ''))
    const examples = source && z.globalRegistry.get(source)?.examples
    if (examples) schema.examples = examples as unknown[]
  }
  // A list's example holds its item's example, so every documented list shows a real item.
  const schemas = (document.components?.schemas ?? {}) as Record<string, { examples?: unknown[], properties?: Record<string, { items?: { $ref?: string } }> }>
  for (const schema of Object.values(schemas)) {
    const item = schema.properties?.data?.items?.$ref?.split('/').pop()
    const example = item ? schemas[item]?.examples?.[0] : undefined
    if (!schema.examples && example !== undefined) {
      schema.examples = [{ data: [example], ...(schema.properties?.meta ? { meta: { limit: 20, nextCursor: null } } : {}) }]
    }
  }
}

/** A response documented only as "Default Response" takes the description of the schema it returns. */
function describeResponses (document: OpenApiDocument) {
  const schemas = (document.components?.schemas ?? {}) as Record<string, { description?: string }>
  const paths = (document.paths ?? {}) as Record<string, Record<string, { responses?: Record<string, { description?: string, content?: Record<string, { schema?: { $ref?: string, description?: string } }> }> }>>
  for (const operations of Object.values(paths)) {
    for (const operation of Object.values(operations)) {
      for (const response of Object.values(operation.responses ?? {})) {
        if (response.description !== 'Default Response') continue
        const schema = Object.values(response.content ?? {})[0]?.schema
        const ref = schema?.$ref?.replace('#/components/schemas/', '')
        const description = (ref ? schemas[ref]?.description : undefined) ?? schema?.description
        if (description) response.description = description
      }
    }
  }
}

const zodTransform = createJsonSchemaTransform({ skipList: ['/docs', '/docs/*', '/openapi.json'] })

/**
 * Public reads take a token too (a token shows drafts and hidden tags). Without a security
 * requirement Swagger UI never sends the token, so they declare it optional; a bad token on
 * them answers 401, and too many bad ones 429, like anywhere else. Routes that ignore tokens
 * (`config.ignoreToken`: the probes) declare none and answer neither.
 */
function optionalSecurityOnPublicReads (input: Parameters<typeof zodTransform>[0] & { route?: RouteOptions }, rateLimited: Set<string>) {
  const schema = input.schema as Record<string, unknown> | undefined
  const methods = [input.route?.method ?? []].flat()
  if (input.route?.config?.addressLimit && typeof schema?.operationId === 'string') rateLimited.add(schema.operationId)
  if (!schema || schema.hide || schema.security || !methods.includes('GET') || input.route?.config?.ignoreToken) return zodTransform(input)
  const response = { ...problemResponses(401, 429), ...(schema.response as object | undefined) }
  return zodTransform({ ...input, schema: { ...schema, security: [{}, { bearerAuth: [] }], response } })
}

/** OpenAPI 3.1 generated from the zod route schemas, served at /openapi.json, and Swagger UI at /docs. */
export const swaggerPlugin = fp(async function swaggerPlugin (app) {
  // Operations with a per-address limit, noted by the route transform for the headers they send.
  const rateLimited = new Set<string>()
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Broadsheet API', version: '1.0.0', description },
      servers: [{ url: '/', description: 'This server' }],
      tags: [
        { name: 'Articles', description: 'News articles: drafts, scheduling, publishing, trash, search' },
        { name: 'Article revisions', description: 'Every change of an article, readable and restorable' },
        { name: 'Comments', description: 'The "Leave a reply" form and approved comments (public)' },
        { name: 'Comment moderation', description: 'The queue, statuses, erasure and spam settings (editor and admin)' },
        { name: 'Article page', description: 'The whole article page in one request' },
        { name: 'Ad slots', description: 'Named places on a page for ads (public reads)' },
        { name: 'Ad campaigns', description: 'What advertisers bought (editor)' },
        { name: 'Ad creatives', description: 'The ads that fill slots (editor)' },
        { name: 'Ad serving', description: 'One-call serving, impression and click links, stats, ads.txt' },
        { name: 'Categories', description: 'Sections of the site (World, Politics …)' },
        { name: 'Tags', description: 'Free-form topics' },
        { name: 'Authors', description: 'Bylines' },
        { name: 'Tokens', description: 'API tokens and their roles (admin)' },
        { name: 'Operations', description: 'Health, readiness and this document' }
      ],
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API token, e.g. `bs_…`' }
        }
      }
    },
    transform: (input) => optionalSecurityOnPublicReads(input, rateLimited),
    transformObject: (document) => {
      const out = pruneUnusedSchemas(jsonSchemaTransformObject(document) as OpenApiDocument)
      documentResponseHeaders(out, rateLimited)
      return out as ReturnType<typeof jsonSchemaTransformObject>
    }
  })
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { persistAuthorization: true, deepLinking: true, tryItOutEnabled: false },
    // The plugin's own CSP for /docs, minus upgrade-insecure-requests: the server often runs
    // on plain http://127.0.0.1, where an upgrade would break "Try it out".
    staticCSP: true,
    transformStaticCSP: (header: string) => header.replace(/\s*upgrade-insecure-requests;?/, '')
  })
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
}, { name: 'broadsheet-swagger' })
