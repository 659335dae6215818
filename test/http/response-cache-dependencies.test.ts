// Invalidation by dependency keys: a write drops exactly the cached public answers that show
// what it changed, and keeps every other one. Each case warms a set of public URLs, makes one
// write through the API, then changes every shown text quietly (past the API, which tells no
// cache): an answer still cached reads as before, one that was dropped reads the quiet change.
import { sql } from 'drizzle-orm'
import t, { type Test } from 'tap'
import type { App } from '../../src/app.js'
import { admin, buildTestApp, createClock } from '../helper.js'
import { createArticle } from '../fixtures/articles.js'
import { createComment, putCommentSettings } from '../fixtures/comments.js'
import { createSlot } from '../fixtures/ads.js'

/** Three live articles, A and C in World and B in Sport; A and B share a tag; an ad slot. */
async function site (t: Test) {
  const app = await buildTestApp(t)
  for (const name of ['World', 'Sport']) {
    const res = await app.inject({ method: 'POST', url: '/v1/categories', headers: admin, payload: { name } })
    t.equal(res.statusCode, 201)
  }
  // Comments are approved on arrival, so a post is a public write.
  await putCommentSettings(app, { moderation: 'none' })
  const article = (title: string, category: string, tags: string[], day: number) => createArticle(app, {
    title, category, tags, excerpt: `About ${title}`, body: `The ${title} story.`, status: 'published', publishedAt: `2025-01-0${day}T08:00:00.000Z`
  })
  const a = await article('Alpha harbour', 'world', ['coast'], 1)
  const b = await article('Bravo match', 'sport', ['coast'], 2)
  const c = await article('Charlie summit', 'world', [], 3)
  const draft = await createArticle(app, { title: 'Delta draft', category: 'world' })
  await createComment(app, a.slug, { body: 'First on A' })
  await createComment(app, b.slug, { body: 'First on B' })
  await createSlot(app, { key: 'sidebar', name: 'Sidebar', placement: 'sidebar' })
  return { app, a, b, c, draft }
}

type Site = Awaited<ReturnType<typeof site>>

/** The public URLs watched, by name. */
function urls ({ a, b, c }: Site): Record<string, string> {
  return {
    articleA: `/v1/articles/${a.slug}`,
    articleB: `/v1/articles/${b.slug}`,
    articleC: `/v1/articles/${c.slug}`,
    pageA: `/v1/article-pages/${a.slug}`,
    pageB: `/v1/article-pages/${b.slug}`,
    teasers: '/v1/articles?fields=title',
    worldTeasers: '/v1/articles?category=world&fields=title',
    byTitle: '/v1/articles?sort=title&fields=title',
    byUpdate: '/v1/articles?sort=-updatedAt&fields=title',
    search: '/v1/articles?q=story&fields=title',
    relatedA: `/v1/articles/${a.slug}/related?fields=title`,
    commentsA: `/v1/articles/${a.slug}/comments`,
    commentsB: `/v1/articles/${b.slug}/comments`,
    categories: '/v1/categories',
    tags: '/v1/tags',
    slots: '/v1/ad-slots'
  }
}

/** Every shown text changed past the API: titles, comment bodies, names. */
async function quietlyChangeEverything (app: App) {
  await app.database.run(sql`update articles set title = title || ' ~'`)
  await app.database.run(sql`update comments set body = body || ' ~'`)
  await app.database.run(sql`update categories set name = name || ' ~'`)
  await app.database.run(sql`update tags set name = name || ' ~'`)
  await app.database.run(sql`update ad_slots set name = name || ' ~'`)
}

/**
 * Warms every URL (two reads: the second is kept), makes `write`, changes everything quietly
 * and answers which URLs were answered anew, and the answers after the write.
 */
async function droppedBy (t: Test, s: Site, write: (s: Site) => Promise<void>): Promise<{ dropped: string[], after: Record<string, any> }> {
  const watched = urls(s)
  const before: Record<string, string> = {}
  for (const [name, url] of Object.entries(watched)) {
    await s.app.inject({ url })
    const res = await s.app.inject({ url })
    t.equal(res.statusCode, 200, `${name} answers`)
    before[name] = res.body
  }
  await write(s)
  await quietlyChangeEverything(s.app)
  const dropped: string[] = []
  const after: Record<string, any> = {}
  for (const [name, url] of Object.entries(watched)) {
    const res = await s.app.inject({ url })
    after[name] = res.json()
    if (res.body !== before[name]) dropped.push(name)
  }
  return { dropped, after }
}

async function ok (t: Test, request: Promise<{ statusCode: number, body: string }>, status = 200) {
  const res = await request
  t.equal(res.statusCode, status, res.body)
}

t.test('an edit of an article body drops its own answers, updatedAt order and search; not its teasers', async (t) => {
  const s = await site(t)
  const { dropped, after } = await droppedBy(t, s, async ({ app, a }) => {
    await ok(t, app.inject({ method: 'PATCH', url: `/v1/articles/${a.id}`, headers: admin, payload: { body: 'The Alpha harbour tale.' } }))
  })
  t.same(dropped.sort(), ['articleA', 'byUpdate', 'pageA', 'search'])
  t.match(after.articleA.html, /Alpha harbour tale/)
})

t.test('a new title drops the answers showing the article or its teaser, and the title order', async (t) => {
  const s = await site(t)
  const { dropped, after } = await droppedBy(t, s, async ({ app, a }) => {
    await ok(t, app.inject({ method: 'PATCH', url: `/v1/articles/${a.id}`, headers: admin, payload: { title: 'Alpha harbour rebuilt' } }))
  })
  // Page B lists A under "More articles" (a shared tag) and "Latest article".
  // A's related list follows its teaser (category and tags among it).
  t.same(dropped.sort(), ['articleA', 'byTitle', 'byUpdate', 'pageA', 'pageB', 'relatedA', 'search', 'teasers', 'worldTeasers'])
  t.equal(after.pageB.latest.find((x: { id: number }) => x.id === s.a.id).title, 'Alpha harbour rebuilt ~')
})

t.test('an approved comment drops that article\'s comments and every answer showing its comment count', async (t) => {
  const s = await site(t)
  const { dropped, after } = await droppedBy(t, s, async ({ app, b }) => { await createComment(app, b.slug, { body: 'Second on B' }) })
  // Page A shows B's teaser with its count; the lists of titles show no count.
  t.same(dropped.sort(), ['articleB', 'commentsB', 'pageA', 'pageB'])
  t.equal(after.articleB.commentCount, 2)
  t.equal(after.commentsB.data.length, 2)
})

t.test('a comment held for moderation drops nothing', async (t) => {
  const s = await site(t)
  const { dropped } = await droppedBy(t, s, async ({ app, b }) => {
    await putCommentSettings(app, { moderation: 'all' })
    // The settings write named no keys: it started over. What follows it is the case.
  })
  t.equal(dropped.length, Object.keys(urls(s)).length, 'a write that names no keys drops every answer')
  const { dropped: held } = await droppedBy(t, s, async ({ app, b }) => {
    const posted = await createComment(app, b.slug, { body: 'Held on B' })
    t.equal(posted.status, 'pending')
  })
  t.same(held, [])
})

t.test('renaming a category drops the answers showing it and the lists naming it; others stay', async (t) => {
  const s = await site(t)
  const { dropped, after } = await droppedBy(t, s, async ({ app }) => {
    await ok(t, app.inject({ method: 'PATCH', url: '/v1/categories/sport', headers: admin, payload: { name: 'Sports' } }))
  })
  // B is in Sport: its answer and the pages showing its teaser, and the list filtered by a
  // category (by slug); the lists of titles show no category.
  t.same(dropped.sort(), ['articleB', 'categories', 'pageA', 'pageB', 'worldTeasers'])
  t.equal(after.articleB.category.name, 'Sports ~')
})

t.test('an ad slot change drops the ad slot answers and the article pages, nothing else', async (t) => {
  const s = await site(t)
  const { dropped } = await droppedBy(t, s, async ({ app }) => {
    await ok(t, app.inject({ method: 'PATCH', url: '/v1/ad-slots/sidebar', headers: admin, payload: { name: 'Right rail' } }))
  })
  t.same(dropped.sort(), ['pageA', 'pageB', 'slots'])
})

t.test('an edit of a draft drops nothing public', async (t) => {
  const s = await site(t)
  const { dropped } = await droppedBy(t, s, async ({ app, draft }) => {
    await ok(t, app.inject({ method: 'PATCH', url: `/v1/articles/${draft.id}`, headers: admin, payload: { title: 'Delta draft, reworked' } }))
  })
  t.same(dropped, [])
})

t.test('publishing an article drops every list, page and count, but not the other articles or their comments', async (t) => {
  const s = await site(t)
  const { dropped, after } = await droppedBy(t, s, async ({ app, draft }) => {
    await ok(t, app.inject({ method: 'POST', url: `/v1/articles/${draft.id}/publish`, headers: admin }))
  })
  t.same(dropped.sort(), ['byTitle', 'byUpdate', 'categories', 'pageA', 'pageB', 'relatedA', 'search', 'tags', 'teasers', 'worldTeasers'])
  t.equal(after.pageA.latest[0].id, s.draft.id, 'the new article leads "Latest article"')
})

t.test('unpublishing an article drops its comment list too', async (t) => {
  const s = await site(t)
  const { dropped, after } = await droppedBy(t, s, async ({ app, b }) => {
    await ok(t, app.inject({ method: 'POST', url: `/v1/articles/${b.id}/unpublish`, headers: admin }))
  })
  t.ok(dropped.includes('commentsB') && dropped.includes('articleB'))
  t.notOk(dropped.includes('commentsA') || dropped.includes('articleA') || dropped.includes('slots'))
  t.equal(after.commentsB.status, 404)
})

t.test('public answers name their keys in Surrogate-Key and Cache-Tag, from the cache as when built', async (t) => {
  const s = await site(t)
  const url = `/v1/articles/${s.a.slug}`
  const built = await s.app.inject({ url })
  const cached = (await s.app.inject({ url }), await s.app.inject({ url }))
  const names = String(built.headers['surrogate-key']).split(' ')
  t.ok(names.includes(`article-${s.a.id}`) && names.includes(`category-${s.a.category!.id}`) && names.includes(`tag-${s.a.tags[0]!.id}`), names.join(' '))
  t.equal(built.headers['cache-tag'], names.join(','))
  t.equal(cached.headers['surrogate-key'], built.headers['surrogate-key'])
  const page = await s.app.inject({ url: `/v1/article-pages/${s.a.slug}` })
  t.match(String(page.headers['surrogate-key']), /(^| )ads( |$)/)
  t.match(String(page.headers['surrogate-key']), new RegExp(`teaser-${s.b.id}`))
  const withToken = await s.app.inject({ url, headers: admin })
  t.equal(withToken.headers['surrogate-key'], undefined, 'a private answer names none')
})

t.test('"More articles" and "Latest article" follow tag, category and publication changes with no response cache', async (t) => {
  // Their ids are kept per article until a write changes which articles lists hold (key `articles`).
  const app = await buildTestApp(t, { env: { BROADSHEET_RESPONSE_CACHE_MB: '0' } })
  await putCommentSettings(app, { moderation: 'none' })
  const a = await createArticle(app, { title: 'Alpha', tags: ['coast'], status: 'published', publishedAt: '2025-01-01T08:00:00.000Z' })
  const b = await createArticle(app, { title: 'Bravo', tags: ['coast'], status: 'published', publishedAt: '2025-01-02T08:00:00.000Z' })
  const page = async () => (await app.inject({ url: `/v1/article-pages/${a.slug}` })).json()
  const ids = (list: Array<{ id: number }>) => list.map((x) => x.id)
  t.same(ids((await page()).related), [b.id])
  // An edit that changes no list keeps the kept ids, and the teaser shows the edit.
  await ok(t, app.inject({ method: 'PATCH', url: `/v1/articles/${b.id}`, headers: admin, payload: { title: 'Bravo, later' } }))
  t.same((await page()).related.map((x: { title: string }) => x.title), ['Bravo, later'])
  await ok(t, app.inject({ method: 'PATCH', url: `/v1/articles/${b.id}`, headers: admin, payload: { tags: ['inland'] } }))
  t.same(ids((await page()).related), [], 'B no longer shares a tag')
  const c = await createArticle(app, { title: 'Charlie', tags: ['coast'], status: 'published', publishedAt: '2025-01-03T08:00:00.000Z' })
  const after = await page()
  t.same(ids(after.related), [c.id])
  t.same(ids(after.latest), [c.id, b.id])
  await ok(t, app.inject({ method: 'POST', url: `/v1/articles/${c.id}/unpublish`, headers: admin }))
  const last = await page()
  t.same(ids(last.related), [])
  t.same(ids(last.latest), [b.id])
})

t.test('BROADSHEET_CACHE_KEY_HEADERS sends one of the two headers, or neither, built or cached', async (t) => {
  for (const [which, surrogate, tag] of [['cache-tag', false, true], ['surrogate-key', true, false], ['none', false, false]] as const) {
    const app = await buildTestApp(t, { env: { BROADSHEET_CACHE_KEY_HEADERS: which } })
    const article = await createArticle(app, { title: 'Keys', status: 'published' })
    for (let read = 0; read < 3; read++) {
      const res = await app.inject({ url: `/v1/articles/${article.slug}` })
      t.equal(res.headers['surrogate-key'] !== undefined, surrogate, `${which}: Surrogate-Key, read ${read + 1}`)
      t.equal(res.headers['cache-tag'] !== undefined, tag, `${which}: Cache-Tag, read ${read + 1}`)
    }
  }
})

t.test('a new slug drops the comment list at the old one', async (t) => {
  const s = await site(t)
  const url = `/v1/articles/${s.a.slug}/comments`
  await s.app.inject({ url })
  t.equal((await s.app.inject({ url })).statusCode, 200)
  await ok(t, s.app.inject({ method: 'PATCH', url: `/v1/articles/${s.a.id}`, headers: admin, payload: { slug: 'alpha-harbour-renamed' } }))
  t.equal((await s.app.inject({ url })).statusCode, 404)
  t.equal((await s.app.inject({ url: '/v1/articles/alpha-harbour-renamed/comments' })).json().data.length, 1)
})

t.test('what a write changed is told from the row it locked, not from one read before another write landed', async (t) => {
  const s = await site(t)
  const { app, a } = s
  await ok(t, app.inject({ method: 'PATCH', url: `/v1/articles/${a.id}`, headers: admin, payload: { featured: true } }))
  const url = '/v1/articles?featured=true&fields=title'
  await app.inject({ url })
  t.same((await app.inject({ url })).json().data.map((x: { id: number }) => x.id), [a.id])
  // The second editor read the article before the first made it "Must read"; its write comes after.
  const repo = app.articles
  const findRow = repo.findRow
  const stale = { ...(await findRow(String(a.id)))!, featured: false }
  repo.findRow = async () => { repo.findRow = findRow; return stale }
  await ok(t, app.inject({ method: 'PATCH', url: `/v1/articles/${a.id}`, headers: admin, payload: { featured: false } }))
  t.same((await app.inject({ url })).json().data, [], 'the list of "Must read" articles no longer shows it')
})

t.test('"Latest article" shows a scheduled article once its time comes, before the scheduler has written it', async (t) => {
  const clock = createClock('2025-03-01T08:00:00.000Z')
  const app = await buildTestApp(t, { now: clock.now })
  const now = await createArticle(app, { title: 'Now', status: 'published', publishedAt: '2025-03-01T07:00:00.000Z' })
  const later = await createArticle(app, { title: 'Later', status: 'scheduled', publishAt: '2025-03-01T09:00:00.000Z' })
  const other = await createArticle(app, { title: 'Other', status: 'published', publishedAt: '2025-03-01T06:00:00.000Z' })
  const latest = async () => (await app.inject({ url: `/v1/article-pages/${other.slug}` })).json().latest.map((x: { id: number }) => x.id)
  t.same(await latest(), [now.id])
  t.same(await latest(), [now.id], 'from the cache')
  clock.set('2025-03-01T09:00:01.000Z')
  t.same(await latest(), [later.id, now.id])
})

t.test('an editor\'s "More articles" of a draft follows the draft\'s own category', async (t) => {
  const s = await site(t)
  const related = async () => (await s.app.inject({ url: `/v1/articles/${s.draft.id}/related?fields=title`, headers: admin })).json().data.map((x: { id: number }) => x.id)
  t.same(await related(), [s.c.id, s.a.id], 'World: the newest first')
  await ok(t, s.app.inject({ method: 'PATCH', url: `/v1/articles/${s.draft.id}`, headers: admin, payload: { category: 'sport' } }))
  t.same(await related(), [s.b.id])
})
