// Response headers in the OpenAPI document: one shared set in components.headers, referenced
// from each response by rules that mirror where the plugins set them, so no route lists its own.

type Json = Record<string, any>

const text = { type: 'string' }
const whole = { type: 'integer', minimum: 0 }

export const responseHeaders = {
  XRequestId: { description: 'The id of this request (the caller\'s own X-Request-Id when it is a sane token): quote it when reporting a problem', required: true, schema: text },
  ETag: { description: '`"<revision>-<digest>"` for an item, `"<digest>"` for a list: send it back in If-None-Match (304) or If-Match (412 when stale)', schema: text },
  CacheControl: { description: '`public, max-age=60, stale-while-revalidate=300` for anonymous reads of published content; `private, no-cache` for answers that depend on the token', schema: text },
  SurrogateKey: { description: 'On public answers: the dependency keys of what the answer shows, space-separated (`article-<id>`, `teaser-<id>`, `comment-count-<id>`, `comments-<id>`, `category-<id>`, `author-<id>`, `tag-<id>`, `articles`, `articles-updated`, `articles-title`, `search`, `categories`, `tags`, `authors`, `ads`), for a CDN that purges by key (Fastly, Varnish xkey). Broadsheet\'s own response cache drops answers by the same keys; the API guide (docs/api.md, "Caching") says which write drops which', schema: text },
  CacheTag: { description: 'The same keys as Surrogate-Key, comma-separated, for a CDN that purges by tag (Cloudflare)', schema: text },
  Location: { description: 'Where the created resource is', required: true, schema: { type: 'string', format: 'uri-reference' } },
  RateLimitLimit: { description: 'Requests this address may make in the window', schema: whole },
  RateLimitRemaining: { description: 'Requests left in the window', schema: whole },
  RateLimitReset: { description: 'Seconds until the window starts again', schema: whole },
  RetryAfter: { description: 'Seconds to wait before trying again', required: true, schema: whole }
}

const ref = (name: keyof typeof responseHeaders) => ({ $ref: `#/components/headers/${name}` })
const rateLimit = { 'RateLimit-Limit': ref('RateLimitLimit'), 'RateLimit-Remaining': ref('RateLimitRemaining'), 'RateLimit-Reset': ref('RateLimitReset') }

/**
 * Adds the header references to every response of `document`. `rateLimited` names the
 * operations with a per-address limit (config.addressLimit), whose answers carry RateLimit-*.
 */
export function documentResponseHeaders (document: Json, rateLimited: ReadonlySet<string>): void {
  document.components = { ...document.components, headers: responseHeaders }
  for (const operations of Object.values((document.paths ?? {}) as Record<string, Json>)) {
    for (const operation of Object.values(operations as Record<string, Json>)) {
      const responses = (operation.responses ?? {}) as Record<string, Json>
      // Reads that answer 304 are the ones that set ETag and Cache-Control (caching.ts notModified).
      const conditional = '304' in responses
      for (const [status, response] of Object.entries(responses)) {
        const headers: Json = { 'X-Request-Id': ref('XRequestId') }
        if (conditional && (status === '200' || status === '304')) Object.assign(headers, { ETag: ref('ETag'), 'Cache-Control': ref('CacheControl') })
        if (conditional && status === '200') Object.assign(headers, { 'Surrogate-Key': ref('SurrogateKey'), 'Cache-Tag': ref('CacheTag') })
        if (status === '201') headers.Location = ref('Location')
        if (rateLimited.has(operation.operationId) && status.startsWith('2')) Object.assign(headers, rateLimit)
        // A bad token spends the per-address budget of failed authentication: its 401 says what is left.
        if (status === '401') Object.assign(headers, rateLimit)
        if (status === '429') Object.assign(headers, rateLimit, { 'Retry-After': ref('RetryAfter') })
        response.headers = { ...response.headers, ...headers }
      }
    }
  }
}
