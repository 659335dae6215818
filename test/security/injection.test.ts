import { sql, type SQL } from 'drizzle-orm'
// Injection and XSS (OWASP API8 / API10).
//
// SQL injection: INJECTIONS (42 strings) are sent through every query parameter and path
// parameter of the public read routes, the list filters and the token-only list filters listed
// in PARAMS (62 parameters): 42 × 62 = 2604 requests (the exact figure is printed with
// t.comment). Each answer must be < 500, JSON or problem+json, must never carry a draft, a
// pending comment or a token hash, and a list never returns more items than the honest query;
// afterwards every table has the same row count and the schema is unchanged.
//
// XSS: script payloads in article bodies (markdown and html), titles, comment bodies, names and
// URLs, taxonomy names and ad creative html are neutralised in every output that carries them.
import t, { type Test } from 'tap'
import type { App } from '../../src/app.js'
import { admin, buildTestApp } from '../helper.js'
import { createAd, createCreative, serveOne } from '../fixtures/ads.js'
import { createArticle, createPublishedArticle } from '../fixtures/articles.js'
import { createApprovedComment, createComment, freshIp, moderateComment } from '../fixtures/comments.js'
import { createTaxon } from '../fixtures/taxonomy.js'
import { tokenFor } from '../fixtures/tokens.js'

export const INJECTIONS: string[] = [
  '\' OR \'1\'=\'1',
  '\' OR 1=1--',
  '" OR "1"="1',
  '\') OR (\'1\'=\'1',
  '1 OR 1=1',
  '1\' OR \'1\'=\'1\' --',
  'admin\'--',
  '\' OR \'\'=\'',
  '1; DROP TABLE articles--',
  '\'; DROP TABLE articles; --',
  '1); DELETE FROM comments; --',
  '\'; UPDATE articles SET status=\'published\'; --',
  '\'; INSERT INTO api_tokens(name) VALUES(\'x\'); --',
  '\' UNION SELECT NULL--',
  '\' UNION SELECT token_hash, NULL FROM api_tokens--',
  '1 UNION ALL SELECT sqlite_version()--',
  '\' UNION SELECT name FROM sqlite_master WHERE type=\'table\'--',
  '\' AND 1=(SELECT COUNT(*) FROM sqlite_master)--',
  '\' AND substr((SELECT token_hash FROM api_tokens LIMIT 1),1,1)=\'a',
  '1 AND randomblob(100000000)',
  '\' || (SELECT load_extension(\'x\')) || \'',
  '/**/OR/**/1=1',
  '1/*comment*/OR/**/1=1',
  '#\' OR 1=1',
  '--',
  '\';',
  '%27%20OR%20%271%27%3D%271',
  '\u2019 OR \u20181\u2019=\u20181',
  '\uFF07 OR \uFF071\uFF07=\uFF071',
  '\u02BC OR 1=1 --',
  'draft\u0000\' OR 1=1',
  '\u0000',
  '1\u0000; DROP TABLE articles',
  '" OR status="draft',
  'published,draft,trashed',
  '* OR title:*',
  'NEAR(a b) OR "x" AND NOT y',
  'title:"x" OR body:*',
  'x\' ESCAPE \'\\',
  '%_%',
  'A'.repeat(10_000),
  '\' OR \'1\'=\'1'.repeat(500)
]

type Caller = 'public' | 'editor'
interface Param { route: string, where: 'query' | 'path', name: string, caller: Caller, list?: 'articles' | 'comments' | 'taxonomy' | 'other', extra?: string }

// {A} is a published article id, {S} its slug, {K} an ad slot key; {X} marks the injected value.
const PARAMS: Param[] = [
  ...['q', 'tag', 'category', 'author', 'cursor', 'fields', 'sort', 'featured', 'publishedAfter', 'publishedBefore', 'updatedAfter', 'limit', 'count']
    .map((name): Param => ({ route: '/v1/articles', where: 'query', name, caller: 'public', list: 'articles' })),
  { route: '/v1/articles', where: 'query', name: 'status', caller: 'editor', list: 'articles' },
  { route: '/v1/articles', where: 'query', name: 'q', caller: 'editor', list: 'articles', extra: 'status=any' },
  { route: '/v1/articles', where: 'query', name: 'q', caller: 'public', list: 'articles', extra: 'sort=relevance' },
  { route: '/v1/articles/{X}', where: 'path', name: 'idOrSlug', caller: 'public' },
  { route: '/v1/articles/{A}', where: 'query', name: 'fields', caller: 'public' },
  { route: '/v1/articles/{A}', where: 'query', name: 'preview', caller: 'public' },
  { route: '/v1/articles/{X}/related', where: 'path', name: 'idOrSlug', caller: 'public' },
  { route: '/v1/articles/{A}/related', where: 'query', name: 'limit', caller: 'public' },
  { route: '/v1/articles/{A}/related', where: 'query', name: 'fields', caller: 'public' },
  { route: '/v1/articles/{X}/comments', where: 'path', name: 'idOrSlug', caller: 'public' },
  ...['sort', 'cursor', 'tree', 'limit', 'count'].map((name): Param => ({ route: '/v1/articles/{A}/comments', where: 'query', name, caller: 'public', list: 'comments' })),
  ...(['categories', 'tags', 'authors'] as const).flatMap((kind): Param[] => [
    ...['q', 'cursor', 'fields', 'limit'].map((name): Param => ({ route: `/v1/${kind}`, where: 'query', name, caller: 'public', list: 'taxonomy' })),
    { route: `/v1/${kind}/{X}`, where: 'path', name: 'idOrSlug', caller: 'public' }
  ]),
  { route: '/v1/ad-slots', where: 'query', name: 'cursor', caller: 'public', list: 'other' },
  { route: '/v1/ad-slots/{X}', where: 'path', name: 'idOrSlug', caller: 'public' },
  ...['slots', 'article', 'device', 'viewportWidth'].map((name): Param => ({ route: '/v1/ads/serve', where: 'query', name, caller: 'public', extra: name === 'slots' ? undefined : 'slots={K}' })),
  { route: '/v1/ads/impression/{X}', where: 'path', name: 'token', caller: 'public' },
  { route: '/v1/ads/click/{X}', where: 'path', name: 'token', caller: 'public' },
  { route: '/v1/article-pages/{X}', where: 'path', name: 'slug', caller: 'public' },
  ...['status', 'article', 'q', 'sort', 'cursor'].map((name): Param => ({ route: '/v1/comments', where: 'query', name, caller: 'editor', list: 'other' })),
  { route: '/v1/ad-campaigns', where: 'query', name: 'status', caller: 'editor', list: 'other' },
  { route: '/v1/ad-creatives', where: 'query', name: 'campaignId', caller: 'editor', list: 'other' },
  ...['from', 'to', 'groupBy'].map((name): Param => ({ route: '/v1/ads/stats', where: 'query', name, caller: 'editor' }))
]

const CONTENT_TABLES = ['articles', 'article_revisions', 'article_tags', 'tags', 'categories', 'authors', 'comments', 'api_tokens', 'ad_slots', 'ad_campaigns', 'ad_creatives', 'settings']

async function tableCounts (app: App) {
  const count = async (query: SQL) => (await app.database.get<{ n: number }>(query))!.n
  const counts: Record<string, number> = {}
  for (const table of CONTENT_TABLES) counts[table] = await count(sql`select count(*) as "n" from ${sql.identifier(table)}`)
  // Every object of the schema: a table or index an injection created or dropped shows here.
  counts.schema = app.database.dialect === 'sqlite'
    ? await count(sql`select count(*) as "n" from sqlite_master`)
    : await count(sql`select count(*) as "n" from pg_class where relnamespace = current_schema()::regnamespace`)
  return counts
}

t.test('SQL injection through every query and path parameter', async (t) => {
  const app = await buildTestApp(t)
  const editor = await tokenFor(app, 'editor')
  const category = await createTaxon(app, 'categories', { name: 'Harbour' })
  const tag = await createTaxon(app, 'tags', { name: 'Ferries' })
  const byline = await createTaxon(app, 'authors', { name: 'Nora Quay' })
  const published: Array<{ id: number, slug: string }> = []
  for (let i = 1; i <= 3; i++) {
    published.push(await createPublishedArticle(app, { title: `Harbour news ${i}`, body: `Ferries sailed on day ${i}.`, category: category.slug, tags: [tag.slug], author: byline.slug }))
  }
  const draft = await createArticle(app, { title: 'SECRETDRAFTMARKER embargoed story', body: 'SECRETDRAFTMARKER body', category: category.slug, tags: [tag.slug], author: byline.slug })
  await createApprovedComment(app, published[0]!.id, { body: 'An approved comment' })
  await createComment(app, published[0]!.id, { body: 'PENDINGCOMMENTMARKER waiting', authorEmail: 'hidden.reader@example.net' })
  const { slot } = await createAd(app)
  const tokenHashes = (await app.database.all<{ h: string }>(sql`select token_hash as "h" from api_tokens`)).map((r) => r.h)
  const first = published[0]!

  // The honest answers: every list's item count without any filter.
  const honest = async (url: string, headers: Record<string, string> = {}) => {
    const res = await app.inject({ url, headers, remoteAddress: freshIp() })
    t.equal(res.statusCode, 200, `honest ${url}`)
    return (res.json() as { data: unknown[] }).data.length
  }
  const honestArticlesPublic = await honest('/v1/articles?limit=100')
  const honestArticlesAny = await honest('/v1/articles?limit=100&status=any', editor.headers)
  t.equal(honestArticlesPublic, 3)
  t.equal(honestArticlesAny, 4)
  const honestComments = await honest(`/v1/articles/${first.id}/comments?limit=100`)
  t.equal(honestComments, 1)
  const before = await tableCounts(app)

  const fill = (template: string, value?: string) => template
    .replace('{A}', String(first.id)).replace('{S}', first.slug).replace('{K}', slot.key)
    .replace('{X}', value === undefined ? '' : encodeURIComponent(value))

  let tried = 0
  const failures: string[] = []
  // docs/api.md: every error is application/problem+json. Kept apart from the injection checks above.
  const notProblem = new Set<string>()
  for (const param of PARAMS) {
    const headers = param.caller === 'editor' ? editor.headers : {}
    const limit = param.list === 'articles'
      ? (param.caller === 'editor' ? honestArticlesAny : honestArticlesPublic)
      : param.list === 'comments' ? honestComments : Infinity
    for (const value of INJECTIONS) {
      let url = fill(param.route, param.where === 'path' ? value : undefined)
      const query: string[] = []
      if (param.extra) query.push(fill(param.extra))
      if (param.where === 'query') query.push(`${param.name}=${encodeURIComponent(value)}`)
      if (param.list && param.name !== 'limit') query.push('limit=100')
      if (query.length > 0) url += `?${query.join('&')}`
      const res = await app.inject({ url, headers, remoteAddress: freshIp() })
      tried++
      const label = `${param.caller} ${param.route} ${param.where}:${param.name} = ${JSON.stringify(value.slice(0, 40))}`
      const problems: string[] = []
      if (res.statusCode >= 500) problems.push(`status ${res.statusCode}`)
      const type = String(res.headers['content-type'] ?? '')
      if (res.statusCode !== 302 && res.statusCode !== 204 && res.statusCode !== 304 && !/^application\/(problem\+)?json/.test(type)) problems.push(`content-type ${type}`)
      if (param.caller === 'public' && /SECRETDRAFTMARKER/.test(res.body)) problems.push('a draft leaked')
      if (/PENDINGCOMMENTMARKER/.test(res.body) && param.caller === 'public') problems.push('a pending comment leaked')
      if (tokenHashes.some((h) => res.body.includes(h))) problems.push('a token hash leaked')
      if (/SqliteError|SQLITE_[A-Z]+|syntax error|no such (column|table|function)|unrecognized token|fts5:/.test(res.body)) problems.push('SQL error text in the answer')
      if (res.statusCode === 200 && param.list && /json/.test(type)) {
        const data = (res.json() as { data?: unknown[] }).data
        if (!Array.isArray(data)) problems.push('no data array')
        else if (data.length > limit) problems.push(`${data.length} items, more than the honest ${limit}`)
        if (param.list === 'articles' && param.caller === 'public' && Array.isArray(data) &&
          data.some((a) => (a as { status?: string }).status !== undefined && (a as { status?: string }).status !== 'published')) problems.push('an unpublished article in a public list')
        if (param.list === 'articles' && ['tag', 'category', 'author'].includes(param.name) && Array.isArray(data) && data.length > 0) problems.push(`${data.length} items for an unknown ${param.name}`)
      }
      if (res.statusCode >= 400 && !/^application\/problem\+json/.test(type)) notProblem.add(`${res.statusCode} ${type} ${res.body.slice(0, 90)} (e.g. ${label})`.replace(/\d{10,}|A{50,}|(' OR '1'='1){5,}/g, '…'))
      if (problems.length > 0) failures.push(`${label} → ${res.statusCode}: ${problems.join(', ')} ${res.body.slice(0, 200)}`)
    }
  }
  t.same(failures, [], 'no 5xx, no leak, no extra rows')
  t.same([...notProblem].slice(0, 5), [], 'every error answer is application/problem+json')
  t.same(await tableCounts(app), before, 'every table keeps its row count and the schema is unchanged')
  const draftRow = (await app.database.get<{ status: string }>(sql`select status from articles where id = ${draft.id}`))!
  t.equal(draftRow.status, 'draft', 'the draft is still a draft')
  t.equal(tried, INJECTIONS.length * PARAMS.length)
  t.comment(`SQL injection: ${INJECTIONS.length} strings × ${PARAMS.length} parameters = ${tried} requests`)
})

const XSS = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<svg onload=alert(1)>',
  '<a href="javascript:alert(1)">click</a>',
  '<a href="JaVaScRiPt:alert(1)">click</a>',
  '<a href="&#106;avascript:alert(1)">entity</a>',
  '<iframe src="javascript:alert(1)"></iframe>',
  '<body onload=alert(1)>',
  '<div onmouseover="alert(1)">hover</div>',
  '"><script>alert(1)</script>',
  '\'><img src=x onerror=alert(1)>',
  '<scr<script>ipt>alert(1)</script>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '<object data="javascript:alert(1)"></object>',
  '<form action="javascript:alert(1)"><button>go</button></form>',
  '<input autofocus onfocus=alert(1)>',
  '[click](javascript:alert(1))',
  '![x](javascript:alert(1))',
  '<details open ontoggle=alert(1)>'
]

/**
 * Article html must carry no script, no event handler attribute and no javascript: URL. Handlers
 * and URLs are looked for inside tags: a refused markdown link such as `[x](javascript:…)` is
 * kept as inert paragraph text, which no browser runs.
 */
function assertSafeHtml (t: Test, html: unknown, label: string) {
  const s = String(html ?? '')
  const tags = (s.match(/<[^>]*>?/g) ?? []).join(' ')
  t.notMatch(s, /<script/i, `${label}: no <script`)
  t.notMatch(tags, /\son\w+\s*=/i, `${label}: no on…= handler`)
  t.notMatch(tags, /(javascript|vbscript|data):/i, `${label}: no javascript: URL`)
  t.notMatch(s.replace(/&(amp|lt|gt|quot|#39);/g, ''), /<[^>]*\son\w+\s*=/i, `${label}: no handler in any markup`)
  t.notMatch(s, /<(iframe|object|embed|form|input|svg|math|style|body)\b/i, `${label}: no active element`)
}

t.test('XSS in articles is neutralised in every output', async (t) => {
  const app = await buildTestApp(t)
  const category = await createTaxon(app, 'categories', { name: 'Desk' })
  let n = 0
  for (const payload of XSS) {
    for (const format of ['markdown', 'html'] as const) {
      n++
      const created = await createPublishedArticle(app, { title: `Story ${n} ${payload}`, body: `Intro paragraph.\n\n${payload}\n\nLast paragraph.`, format, category: category.slug, excerpt: payload })
      const label = `${format} ${JSON.stringify(payload)}`
      assertSafeHtml(t, created.html, `POST answer ${label}`)
      t.equal(created.title, `Story ${n} ${payload}`, 'the title is kept as a plain string')
      const read = await app.inject({ url: `/v1/articles/${created.id}`, remoteAddress: freshIp() })
      assertSafeHtml(t, read.json().html, `GET ${label}`)
      const page = await app.inject({ url: `/v1/article-pages/${created.slug}`, remoteAddress: freshIp() })
      t.equal(page.statusCode, 200)
      assertSafeHtml(t, page.json().article.html, `article page ${label}`)
    }
  }
  const list = await app.inject({ url: '/v1/articles?limit=100&fields=html,title', remoteAddress: freshIp() })
  for (const item of list.json().data as Array<{ html: string }>) assertSafeHtml(t, item.html, `list item ${JSON.stringify(item).slice(0, 60)}`)
  const revisions = await app.inject({ url: '/v1/articles/1/revisions', headers: admin })
  t.notMatch(JSON.stringify(revisions.json()), /"html":"[^"]*<script/i, 'revisions carry no script in html')
})

t.test('XSS in comments is escaped', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app, { title: 'Comment target' })
  for (const payload of XSS) {
    const res = await app.inject({
      method: 'POST',
      url: `/v1/articles/${article.id}/comments`,
      remoteAddress: freshIp(),
      payload: { body: `Nice one ${payload} https://example.org/page`, authorName: payload.slice(0, 80), authorEmail: 'xss@example.net' }
    })
    t.equal(res.statusCode, 201, `comment with ${JSON.stringify(payload)} accepted as text`)
    const posted = res.json() as { id: number, html: string, authorName: string, status: string }
    if (posted.status !== 'approved') await moderateComment(app, posted.id, { status: 'approved' })
    for (const tag of posted.html.match(/<[^>]*>/g) ?? []) {
      t.match(tag, /^<(\/?p|br ?\/?|\/a|a href="https?:\/\/[^"]*" rel="nofollow ugc"[^>]*)>$/, `comment html tag ${tag} is one the renderer makes`)
    }
    t.notMatch(posted.html, /javascript:/i.test(payload) ? /href="javascript:/i : /<script/i, 'no active markup')
    t.equal(posted.authorName, payload.slice(0, 80).trim(), 'the name is returned as the plain string it was')
  }
  for (const url of ['javascript:alert(1)', 'JAVASCRIPT:alert(1)', ' javascript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'vbscript:msgbox(1)', '"><script>alert(1)</script>']) {
    const res = await app.inject({
      method: 'POST',
      url: `/v1/articles/${article.id}/comments`,
      remoteAddress: freshIp(),
      payload: { body: 'A link', authorName: 'Linker', authorEmail: 'linker@example.net', authorUrl: url }
    })
    if (res.statusCode === 201) t.match(res.json().authorUrl, /^(https?:\/\/|$)|^null$/, `authorUrl ${url} is never kept as given`)
    else t.equal(res.statusCode, 400, `authorUrl ${JSON.stringify(url)} → 400`)
  }
  const list = await app.inject({ url: `/v1/articles/${article.id}/comments?limit=100`, remoteAddress: freshIp() })
  t.equal(list.statusCode, 200)
  for (const comment of list.json().data as Array<{ html: string, authorUrl: string | null }>) {
    t.notMatch(comment.html, /<(script|img|svg|iframe|object|form|input|details|body|div|math)\b/i, 'listed comment html is escaped')
    t.notMatch(comment.html, /href="\s*javascript:/i, 'no javascript: link')
    if (comment.authorUrl !== null) t.match(comment.authorUrl, /^https?:\/\//, 'authorUrl is http(s)')
  }
})

t.test('XSS in taxonomy names stays a plain string', async (t) => {
  const app = await buildTestApp(t)
  for (const path of ['categories', 'tags', 'authors'] as const) {
    for (const payload of XSS.slice(0, 10)) {
      const res = await app.inject({ method: 'POST', url: `/v1/${path}`, headers: admin, payload: { name: payload } })
      t.ok(res.statusCode === 201 || res.statusCode === 400, `${path} ${JSON.stringify(payload)} → ${res.statusCode}`)
      if (res.statusCode !== 201) continue
      const body = res.json() as { slug: string, name: string }
      t.equal(body.name, payload, 'the name is stored and returned unchanged, as JSON text')
      t.match(body.slug, /^[a-z0-9-]*$/, 'the slug is plain ASCII')
      t.match(String(res.headers['content-type']), /^application\/json/, 'served as JSON, never HTML')
    }
  }
})

t.test('ad creative html only travels in a sandboxed srcdoc', async (t) => {
  const app = await buildTestApp(t)
  const { slot, campaign } = await createAd(app)
  const payload = '<script>document.cookie</script><img src=x onerror=alert(1)><a href="javascript:alert(1)">x</a>'
  await app.database.run(sql`update ad_creatives set status = ${'paused'}`)
  const creative = await createCreative(app, campaign.id, { kind: 'html', html: payload, imageUrl: null, alt: null })
  t.equal(creative.html, payload, 'the editor gets the html back as text')
  for (const targetUrl of ['javascript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'JaVaScRiPt:alert(1)']) {
    const res = await app.inject({ method: 'POST', url: '/v1/ad-creatives', headers: admin, payload: { campaignId: campaign.id, name: 'Bad link', kind: 'html', html: '<b>x</b>', targetUrl, width: 300, height: 250 } })
    t.equal(res.statusCode, 400, `targetUrl ${targetUrl} → 400`)
  }
  const ad = await serveOne(app, slot.key)
  t.equal(ad.kind, 'html')
  t.ok(ad.html, 'the html ad carries an html object')
  t.equal(ad.image, undefined, 'no image part')
  const sandbox = ad.html!.sandbox.split(/\s+/)
  t.notOk(sandbox.includes('allow-same-origin'), `sandbox "${ad.html!.sandbox}" lacks allow-same-origin`)
  t.notOk(sandbox.includes('allow-top-navigation'), 'no allow-top-navigation')
  t.ok(ad.html!.srcdoc.includes('document.cookie'), 'the creative html is inside srcdoc')
  const { html, ...rest } = ad
  t.ok(html)
  t.notMatch(JSON.stringify(rest), /<script|onerror|javascript:/i, 'the creative html appears nowhere but srcdoc')
  t.notMatch(ad.clickUrl, /javascript:/i)
})
