import t from 'tap'
import type { App } from '../../src/app.js'
import { adTables, createAd, createCampaign, createSlot, serveOne } from '../fixtures/ads.js'
import { admin, buildTestApp, createClock, expectJson, expectProblem } from '../helper.js'

// Ad slots: create, validation, key uniqueness, If-Match, deletion guard, key renames and
// cacheable public reads.

const AT = '2031-03-01T08:00:00.000Z'
const KEY_MESSAGE = 'A key is 2 to 64 lower-case letters, digits and hyphens, starting with a letter or digit'
const PUBLIC = 'public, max-age=60, stale-while-revalidate=300'
const sidebar = { key: 'sidebar', name: 'Sidebar', placement: 'sidebar', sizes: [[300, 250], [300, 600]] }

function post (app: App, payload: Record<string, unknown>) {
  return app.inject({ method: 'POST', url: '/v1/ad-slots', headers: admin, payload })
}

t.test('POST /v1/ad-slots → 201 with Location, ETag and every default filled in', async (t) => {
  const app = await buildTestApp(t, { now: createClock(AT).now })
  const res = await post(app, sidebar)
  const body = expectJson(t, res, 201, {
    id: 1,
    key: 'sidebar',
    name: 'Sidebar',
    description: null,
    placement: 'sidebar',
    sizes: [[300, 250], [300, 600]],
    sizeMapping: null,
    label: 'Advertisement',
    inArticle: null,
    enabled: true,
    allowTopNavigation: false,
    createdAt: AT,
    updatedAt: AT
  })
  t.equal(res.headers.location, `/v1/ad-slots/${body.id}`)
  t.match(res.headers.etag, /^"1-[\w-]+"$/)
})

t.test('POST /v1/ad-slots → 400 for a key that is upper-case, 1 character, 65 characters or starts with a hyphen, and nothing is created', async (t) => {
  const app = await buildTestApp(t)
  for (const key of ['Sidebar', 'SIDEBAR', 'a', 'a'.repeat(65), '-sidebar', 'side_bar', 'side bar']) {
    const res = await post(app, { ...sidebar, key })
    expectProblem(t, res, 400, 'validation', 'The request body has 1 invalid field', [{ path: 'key', message: KEY_MESSAGE }])
  }
  t.same((await adTables(app)).slots, [])
})

t.test('POST /v1/ad-slots → 201 for keys of 2 and 64 characters, digits and inner hyphens', async (t) => {
  const app = await buildTestApp(t)
  for (const key of ['ab', 'a'.repeat(64), '300x250-top', 'article-inline-2']) {
    const res = await post(app, { ...sidebar, key })
    t.equal(res.statusCode, 201, key)
    t.equal(res.json().key, key)
  }
})

t.test('POST /v1/ad-slots → a key of digits alone is refused (it reads as an id) or else found by that key', async (t) => {
  const app = await buildTestApp(t)
  await createSlot(app, { ...sidebar, key: 'first' })
  const res = await post(app, { ...sidebar, key: '2024' })
  if (res.statusCode === 400) {
    t.same(res.json().errors.map((e: { path: string }) => e.path), ['key'])
    t.same((await adTables(app)).slots.length, 1, 'nothing created')
    return
  }
  t.equal(res.statusCode, 201)
  const read = await app.inject({ url: '/v1/ad-slots/2024' })
  t.equal(read.statusCode, 200, 'GET /v1/ad-slots/2024 finds the slot keyed "2024"')
  t.equal(read.json().key, '2024')
})

t.test('POST /v1/ad-slots → 409 key-taken when the key exists, and nothing is created', async (t) => {
  const app = await buildTestApp(t)
  await createSlot(app, sidebar)
  const before = await adTables(app)
  const res = await post(app, { ...sidebar, name: 'Another sidebar' })
  expectProblem(t, res, 409, 'key-taken', 'The key "sidebar" is already taken')
  t.same(await adTables(app), before)
})

t.test('POST /v1/ad-slots → 400 for a size of 0 or 5000 pixels, no sizes or an unknown word, and nothing is created', async (t) => {
  const app = await buildTestApp(t)
  const cases: Array<[unknown, string, string]> = [
    [[[0, 250]], 'sizes.0.0', 'A size is at least 1 pixel'],
    [[[300, 0]], 'sizes.0.1', 'A size is at least 1 pixel'],
    [[[5000, 250]], 'sizes.0.0', 'A size is at most 4000 pixels'],
    [[[300, 250], [300, 5000]], 'sizes.1.1', 'A size is at most 4000 pixels'],
    [[], 'sizes', 'Give at least one size, or "fluid"']
  ]
  for (const [sizes, path, message] of cases) {
    const res = await post(app, { ...sidebar, sizes })
    expectProblem(t, res, 400, 'validation', 'The request body has 1 invalid field', [{ path, message }])
  }
  const word = await post(app, { ...sidebar, sizes: 'responsive' })
  expectProblem(t, word, 400, 'validation', 'The request body has 1 invalid field', [{ path: 'sizes', message: /./ }])
  t.same((await adTables(app)).slots, [])
})

t.test('POST /v1/ad-slots → 201 for "fluid" and for sizes at the 1 and 4000 pixel bounds', async (t) => {
  const app = await buildTestApp(t)
  const fluid = await post(app, { ...sidebar, key: 'fluid-slot', sizes: 'fluid' })
  t.equal(fluid.statusCode, 201)
  t.equal(fluid.json().sizes, 'fluid')
  const bounds = await post(app, { ...sidebar, key: 'bounds', sizes: [[1, 4000]] })
  t.equal(bounds.statusCode, 201)
  t.same(bounds.json().sizes, [[1, 4000]])
})

t.test('POST /v1/ad-slots → 400 for an in_article slot without inArticle, and nothing is created', async (t) => {
  const app = await buildTestApp(t)
  for (const inArticle of [undefined, null]) {
    const res = await post(app, { ...sidebar, key: 'inline', placement: 'in_article', inArticle })
    expectProblem(t, res, 400, 'validation', 'The request body has 1 invalid field', [{ path: 'inArticle', message: 'An in_article slot needs inArticle.afterParagraph' }])
  }
  t.same((await adTables(app)).slots, [])
  const ok = await post(app, { ...sidebar, key: 'inline', placement: 'in_article', inArticle: { afterParagraph: 2 } })
  t.equal(ok.statusCode, 201)
  t.same(ok.json().inArticle, { afterParagraph: 2, repeatEvery: null, maxInsertions: 1 })
})

t.test('PATCH /v1/ad-slots/{key} → 400 when it makes a slot in_article without inArticle, and nothing changes', async (t) => {
  const app = await buildTestApp(t)
  await createSlot(app, sidebar)
  const before = await adTables(app)
  const res = await app.inject({ method: 'PATCH', url: '/v1/ad-slots/sidebar', headers: admin, payload: { placement: 'in_article' } })
  expectProblem(t, res, 400, 'validation', 'An in_article slot needs inArticle.afterParagraph', [{ path: 'inArticle', message: 'An in_article slot needs inArticle.afterParagraph' }])
  t.same(await adTables(app), before)
})

t.test('PATCH /v1/ad-slots/{key} → 409 key-taken when renaming onto another slot\'s key, and nothing changes', async (t) => {
  const app = await buildTestApp(t)
  await createSlot(app, sidebar)
  await createSlot(app, { ...sidebar, key: 'footer', placement: 'footer' })
  const before = await adTables(app)
  const res = await app.inject({ method: 'PATCH', url: '/v1/ad-slots/footer', headers: admin, payload: { key: 'sidebar' } })
  expectProblem(t, res, 409, 'key-taken', 'The key "sidebar" is already taken')
  t.same(await adTables(app), before)
})

t.test('PATCH and DELETE /v1/ad-slots/{key} → 412 for a stale If-Match, and nothing changes', async (t) => {
  const app = await buildTestApp(t)
  const created = await app.inject({ method: 'POST', url: '/v1/ad-slots', headers: admin, payload: sidebar })
  const firstEtag = String(created.headers.etag)
  const changed = await app.inject({ method: 'PATCH', url: '/v1/ad-slots/sidebar', headers: { ...admin, 'if-match': firstEtag }, payload: { name: 'Right rail' } })
  t.equal(changed.statusCode, 200, 'the current ETag is accepted')
  t.equal(changed.json().name, 'Right rail')
  t.not(changed.headers.etag, firstEtag)
  const before = await adTables(app)
  const detail = 'The resource has changed since you read it (If-Match is stale); nothing was changed'
  const patch = await app.inject({ method: 'PATCH', url: '/v1/ad-slots/sidebar', headers: { ...admin, 'if-match': firstEtag }, payload: { name: 'Lost update' } })
  expectProblem(t, patch, 412, 'precondition-failed', detail)
  const del = await app.inject({ method: 'DELETE', url: '/v1/ad-slots/sidebar', headers: { ...admin, 'if-match': firstEtag } })
  expectProblem(t, del, 412, 'precondition-failed', detail)
  t.same(await adTables(app), before)
  const current = await app.inject({ method: 'DELETE', url: '/v1/ad-slots/sidebar', headers: { ...admin, 'if-match': String(changed.headers.etag) } })
  t.equal(current.statusCode, 204)
  t.same((await adTables(app)).slots, [])
})

t.test('DELETE /v1/ad-slots/{key} → 409 in-use while a campaign lists the slot, and nothing changes', async (t) => {
  const app = await buildTestApp(t)
  await createSlot(app, sidebar)
  const campaign = await createCampaign(app, { slotKeys: ['sidebar'] })
  const before = await adTables(app)
  const res = await app.inject({ method: 'DELETE', url: '/v1/ad-slots/sidebar', headers: admin })
  expectProblem(t, res, 409, 'in-use', `1 campaign lists this slot (ids ${campaign.id}); remove it from their slotKeys first`)
  t.same(await adTables(app), before)
  const unlink = await app.inject({ method: 'PATCH', url: `/v1/ad-campaigns/${campaign.id}`, headers: admin, payload: { slotKeys: [] } })
  t.equal(unlink.statusCode, 200)
  const del = await app.inject({ method: 'DELETE', url: '/v1/ad-slots/sidebar', headers: admin })
  t.equal(del.statusCode, 204)
  const gone = await app.inject({ url: '/v1/ad-slots/sidebar' })
  expectProblem(t, gone, 404, 'not-found', 'There is no ad slot "sidebar"')
})

t.test('PATCH /v1/ad-slots/{key} → renaming the key carries the campaigns that list it along', async (t) => {
  const app = await buildTestApp(t)
  const { slot, campaign, creative } = await createAd(app, { slot: { key: 'sidebar' } })
  const other = await createSlot(app, { key: 'footer', placement: 'footer' })
  const both = await createCampaign(app, { slotKeys: [other.key, 'sidebar'] })
  const res = await app.inject({ method: 'PATCH', url: `/v1/ad-slots/${slot.id}`, headers: admin, payload: { key: 'right-rail' } })
  t.equal(res.statusCode, 200)
  t.equal(res.json().key, 'right-rail')
  const first = await app.inject({ url: `/v1/ad-campaigns/${campaign.id}`, headers: admin })
  t.equal(first.statusCode, 200)
  t.same(first.json().slotKeys, ['right-rail'])
  const second = await app.inject({ url: `/v1/ad-campaigns/${both.id}`, headers: admin })
  t.same(second.json().slotKeys, ['footer', 'right-rail'])
  const ad = await serveOne(app, 'right-rail')
  t.equal(ad.creativeId, creative.id, 'the renamed slot still serves the campaign')
  const del = await app.inject({ method: 'DELETE', url: '/v1/ad-slots/right-rail', headers: admin })
  t.equal(del.statusCode, 409, 'and it is still guarded by the campaigns under its new key')
})

t.test('GET /v1/ad-slots/{idOrKey} → public: by id or key, ETag, public Cache-Control and 304 for If-None-Match', async (t) => {
  const app = await buildTestApp(t, { now: createClock(AT).now })
  const slot = await createSlot(app, sidebar)
  const byKey = await app.inject({ url: '/v1/ad-slots/sidebar' })
  t.equal(byKey.statusCode, 200)
  t.same(byKey.json(), slot)
  t.equal(byKey.headers['cache-control'], PUBLIC)
  t.match(byKey.headers.etag, /^"1-[\w-]+"$/)
  const byId = await app.inject({ url: `/v1/ad-slots/${slot.id}` })
  t.equal(byId.statusCode, 200)
  t.same(byId.json(), slot)
  t.equal(byId.headers.etag, byKey.headers.etag)
  const cached = await app.inject({ url: '/v1/ad-slots/sidebar', headers: { 'if-none-match': String(byKey.headers.etag) } })
  t.equal(cached.statusCode, 304)
  t.equal(cached.body, '')
  t.equal(cached.headers['cache-control'], PUBLIC)
  await app.inject({ method: 'PATCH', url: '/v1/ad-slots/sidebar', headers: admin, payload: { label: 'Sponsored' } })
  const stale = await app.inject({ url: '/v1/ad-slots/sidebar', headers: { 'if-none-match': String(byKey.headers.etag) } })
  t.equal(stale.statusCode, 200, 'a change gives a new representation')
  t.equal(stale.json().label, 'Sponsored')
  t.not(stale.headers.etag, byKey.headers.etag)
})

t.test('GET /v1/ad-slots → public list with ETag, public Cache-Control and 304', async (t) => {
  const app = await buildTestApp(t, { now: createClock(AT).now })
  const a = await createSlot(app, sidebar)
  const b = await createSlot(app, { ...sidebar, key: 'footer', placement: 'footer', enabled: false })
  const res = await app.inject({ url: '/v1/ad-slots' })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { data: [a, b], meta: { limit: 20, nextCursor: null } })
  t.equal(res.headers['cache-control'], PUBLIC)
  const cached = await app.inject({ url: '/v1/ad-slots', headers: { 'if-none-match': String(res.headers.etag) } })
  t.equal(cached.statusCode, 304)
  t.equal(cached.body, '')
})

t.test('GET /v1/ad-slots/{key} → 404 problem for an unknown slot', async (t) => {
  const app = await buildTestApp(t)
  const res = await app.inject({ url: '/v1/ad-slots/nowhere' })
  expectProblem(t, res, 404, 'not-found', 'There is no ad slot "nowhere"')
})
