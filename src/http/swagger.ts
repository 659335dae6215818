import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { createJsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod'

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

/** OpenAPI 3.1 generated from the zod route schemas, served at /openapi.json, and Swagger UI at /docs. */
export const swaggerPlugin = fp(async function swaggerPlugin (app) {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Broadsheet API', version: '1.0.0', description },
      servers: [{ url: '/', description: 'This server' }],
      tags: [
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
    transform: createJsonSchemaTransform({ skipList: ['/docs', '/docs/*', '/openapi.json'] }),
    transformObject: jsonSchemaTransformObject
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
