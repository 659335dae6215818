// Odd clients (issue 17, bug 1): every documented operation, sent as a working request, must
// answer below 500 whatever a client, renderer, load tool or proxy puts in the headers the
// app or its plugins read: missing, empty, 8 KB, non-ASCII, control bytes, repeated.
import { test, type Test } from 'tap'
import type { App } from '../../src/app.js'
import { admin, buildTestApp } from '../helper.js'
import { CLIENT_HEADERS, headerVariants, withHeader, type HeaderValue } from './client-headers.js'
import { createAd, serveOne } from '../fixtures/ads.js'
import { createArticle, createPublishedArticle } from '../fixtures/articles.js'
import { commentForm, createComment } from '../fixtures/comments.js'
import { createTaxon } from '../fixtures/taxonomy.js'
import { tokenFor } from '../fixtures/tokens.js'

type Json = Record<string, any>

const PUBLIC_WRITES = new Set(['POST /v1/articles/{idOrSlug}/comments', 'POST /v1/ads/impression/{token}'])

interface Request { method: string, url: string, payload?: unknown, label: string }

/** One working request per documented operation, on real fixtures, so handlers (not only validation) run. */
async function requests (app: App): Promise<Request[]> {
  const category = await createTaxon(app, 'categories', { name: 'Header World' })
  const tag = await createTaxon(app, 'tags', { name: 'Header Tag' })
  const author = await createTaxon(app, 'authors', { name: 'Header Author' })
  const article = await createPublishedArticle(app, { title: 'Header story', category: category.slug, tags: [tag.slug], author: author.slug })
  const trashable = await createArticle(app, { title: 'Header draft' })
  const comment = await createComment(app, article.id)
  const { slot, campaign, creative } = await createAd(app)
  const served = await serveOne(app, slot.key)
  const token = await tokenFor(app, 'editor')
  const tokenOf = (url: string) => new URL(url).pathname.split('/').pop() ?? ''
  const byPath: Record<string, Record<string, string | number>> = {
    '/v1/tokens/{id}': { id: token.id },
    '/v1/categories/{idOrSlug}': { idOrSlug: category.slug },
    '/v1/tags/{idOrSlug}': { idOrSlug: tag.slug },
    '/v1/authors/{idOrSlug}': { idOrSlug: author.slug },
    '/v1/comments/{id}': { id: comment.id },
    '/v1/ad-slots/{idOrSlug}': { idOrSlug: slot.key },
    '/v1/ad-campaigns/{id}': { id: campaign.id },
    '/v1/ad-creatives/{id}': { id: creative.id },
    '/v1/ads/impression/{token}': { token: tokenOf(served.impressionUrl) },
    '/v1/ads/click/{token}': { token: tokenOf(served.clickUrl) },
    '/v1/article-pages/{slug}': { slug: article.slug }
  }
  const query: Record<string, string> = {
    'GET /v1/ads/serve': `slots=${slot.key}&article=${article.slug}`,
    'DELETE /v1/comments': 'email=nobody%40example.net',
    'GET /v1/articles': 'updatedAfter=2000-01-01T00:00:00Z&sort=updatedAt'
  }
  const bodies: Record<string, unknown> = {
    'POST /v1/articles': { title: 'Header created' },
    'POST /v1/ad-campaigns': { name: 'Header campaign', advertiser: 'Header Lines' },
    'PATCH /v1/articles/{idOrSlug}': { featured: true },
    'PATCH /v1/categories/{idOrSlug}': { description: 'Changed' },
    'PATCH /v1/tags/{idOrSlug}': { name: 'Header Tag' },
    'PATCH /v1/authors/{idOrSlug}': { bio: 'Changed' },
    'POST /v1/articles/{idOrSlug}/preview-token': {},
    'PUT /v1/settings/comments': {},
    'PATCH /v1/ad-slots/{idOrSlug}': { enabled: true },
    'PATCH /v1/ad-campaigns/{id}': { priority: 5 },
    'PATCH /v1/ad-creatives/{id}': { weight: 2 }
  }
  const doc = app.swagger() as Json
  const out: Request[] = []
  for (const [path, item] of Object.entries(doc.paths as Record<string, Json>)) {
    for (const [method, op] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue
      const key = `${method.toUpperCase()} ${path}`
      // Reads and comments on the published article; state changes on the draft.
      const changes = method !== 'get' && !/\/(comments|preview-token)$/.test(path)
      const ids: Record<string, string | number> = { idOrSlug: changes ? trashable.id : article.id, revision: 1, ...byPath[path] }
      const url = path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String(ids[name] ?? 1)))
      const schemaRef = (op.requestBody?.content?.['application/json']?.schema?.$ref ?? '') as string
      const example = (doc.components?.schemas?.[schemaRef.split('/').pop() ?? '']?.examples as unknown[] | undefined)?.[0]
      const payload = key === 'POST /v1/articles/{idOrSlug}/comments' ? 'comment form' : bodies[key] ?? example
      out.push({ method: method.toUpperCase(), url: query[key] ? `${url}?${query[key]}` : url, label: key, ...(payload !== undefined ? { payload } : {}) })
    }
  }
  // Destructive operations last, so the fixtures stay reachable for the rest.
  const rank = (r: Request) => (r.method === 'DELETE' ? (r.url.startsWith('/v1/tokens/') ? 2 : 1) : 0)
  return out.sort((a, b) => rank(a) - rank(b))
}

// Also behind a trusted proxy, where X-Forwarded-* decide the client address, host and scheme
// (BROADSHEET_TRUST_PROXY, issue 17; a config without it ignores the variable).
// Only the X-Forwarded-* headers change meaning there, so only they are varied one at a time.
const FORWARDED = CLIENT_HEADERS.filter((name) => name.startsWith('x-forwarded-'))
const settings = [['default settings', {}, CLIENT_HEADERS], ['BROADSHEET_TRUST_PROXY=true', { BROADSHEET_TRUST_PROXY: 'true' }, FORWARDED]] as const
for (const [setting, env, oneByOne] of settings) {
  test(`every documented operation tolerates missing, empty, huge, non-ASCII and repeated client headers (${setting}): never a 5xx`, async (t) => {
    await headerCases(t, await buildTestApp(t, { env }), oneByOne)
  })
}

async function headerCases (t: Test, app: App, oneByOne: ReadonlyArray<typeof CLIENT_HEADERS[number]>) {
  const started = Date.now()
  const list = await requests(app)
  let ip = 0
  let sent = 0
  const failures: string[] = []
  const baselineOk = new Set<string>()
  const send = async (r: Request, headers: Record<string, HeaderValue>, auth: boolean) => {
    ip++
    const payload = r.payload === 'comment form' ? commentForm() : r.payload
    const res = await app.inject({
      method: r.method as 'GET',
      url: r.url,
      headers: { ...headers, ...(auth ? admin : {}) } as Record<string, string>,
      remoteAddress: `10.201.${(ip >> 8) & 255}.${ip & 255}`,
      ...(payload !== undefined ? { payload: payload as Json } : {})
    })
    sent++
    return res
  }

  for (const r of list) {
    // The same request with ordinary headers must work, or the variants below test only validation.
    const base = await send(r, { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0' }, r.label !== 'POST /v1/articles/{idOrSlug}/comments')
    if (base.statusCode < 400) baselineOk.add(r.label)
    const cases: Array<[string, Record<string, HeaderValue>, boolean[]]> = []
    // Every header odd at once, one kind of oddness per case, with and without a token.
    for (const [index, [label]] of headerVariants('user-agent').entries()) {
      let headers: Record<string, HeaderValue> = {}
      for (const name of CLIENT_HEADERS) headers = withHeader(headers, name, headerVariants(name)[index]![1])
      cases.push([`all ${label}`, headers, [false, true]])
    }
    // One header at a time too (an odd header could hide another), on reads and the public
    // writes that read these headers; other writes cost a database write each.
    if (r.method === 'GET' || PUBLIC_WRITES.has(r.label)) {
      for (const name of oneByOne) {
        for (const [index, [label, value]] of headerVariants(name).entries()) cases.push([`${name} ${label}`, withHeader({}, name, value), [index % 2 === 1]])
      }
    }
    for (const [label, headers, auths] of cases) {
      for (const auth of auths) {
        const res = await send(r, headers, auth)
        if (res.statusCode >= 500) failures.push(`${r.label} [${label}${auth ? ', admin' : ''}] → ${res.statusCode} ${res.body.slice(0, 200)}`)
      }
    }
  }

  t.comment(`${sent} requests (${sent - list.length} header cases) to ${list.length} operations in ${((Date.now() - started) / 1000).toFixed(1)} s; ${failures.length} 5xx`)
  t.ok(list.length > 50, 'every documented operation was tried')
  // The operations that read these headers must have been reached for real.
  for (const label of ['GET /v1/ads/serve', 'GET /v1/ads/impression/{token}', 'GET /v1/ads/click/{token}', 'POST /v1/articles/{idOrSlug}/comments', 'GET /v1/articles']) {
    t.ok(baselineOk.has(label), `${label} answered its ordinary request below 400`)
  }
  t.ok(baselineOk.size >= list.length * 0.8, `${baselineOk.size} of ${list.length} operations answered their ordinary request below 400`)
  t.same(failures.slice(0, 20), [], 'no 5xx for any header variant')
}
