import { sql } from 'drizzle-orm'
import t from 'tap'
import type { InjectOptions } from 'fastify'
import type { App } from '../../src/app.js'
import { adTables, createAd, createSlot, hitAdUrl, serveOne } from '../fixtures/ads.js'
import { tokenFor } from '../fixtures/tokens.js'
import { admin, bearer, buildTestApp, expectProblem } from '../helper.js'

// Who may do what with ads: serving, beacons, clicks, ads.txt and slot reads are public;
// every write, the campaign and creative reads, stats and the ads.txt setting need editor.

let seq = 0

/** Builds a fresh request for the route (creating what it acts on) and the status it answers an editor. */
interface Route { name: string, ok: number, make: (app: App) => Promise<InjectOptions> }

const creativePayload = (campaignId: number) => ({ campaignId, name: 'Ad', kind: 'image', imageUrl: 'https://cdn.example.com/a.png', alt: 'An ad', targetUrl: 'https://advertiser.example/', width: 300, height: 250 })

const editorRoutes: Route[] = [
  { name: 'POST /v1/ad-slots', ok: 201, make: async () => ({ method: 'POST', url: '/v1/ad-slots', payload: { key: `new-slot-${++seq}`, name: 'New', placement: 'footer', sizes: 'fluid' } }) },
  { name: 'PATCH /v1/ad-slots/{idOrKey}', ok: 200, make: async (app) => ({ method: 'PATCH', url: `/v1/ad-slots/${(await createSlot(app)).key}`, payload: { name: 'Renamed' } }) },
  { name: 'DELETE /v1/ad-slots/{idOrKey}', ok: 204, make: async (app) => ({ method: 'DELETE', url: `/v1/ad-slots/${(await createSlot(app)).id}` }) },
  { name: 'GET /v1/ad-campaigns', ok: 200, make: async () => ({ method: 'GET', url: '/v1/ad-campaigns' }) },
  { name: 'GET /v1/ad-campaigns/{id}', ok: 200, make: async (app) => ({ method: 'GET', url: `/v1/ad-campaigns/${(await createAd(app)).campaign.id}` }) },
  { name: 'POST /v1/ad-campaigns', ok: 201, make: async () => ({ method: 'POST', url: '/v1/ad-campaigns', payload: { name: 'New', advertiser: 'Someone' } }) },
  { name: 'PATCH /v1/ad-campaigns/{id}', ok: 200, make: async (app) => ({ method: 'PATCH', url: `/v1/ad-campaigns/${(await createAd(app)).campaign.id}`, payload: { status: 'paused' } }) },
  { name: 'DELETE /v1/ad-campaigns/{id}', ok: 204, make: async (app) => ({ method: 'DELETE', url: `/v1/ad-campaigns/${(await createAd(app)).campaign.id}` }) },
  { name: 'GET /v1/ad-creatives', ok: 200, make: async () => ({ method: 'GET', url: '/v1/ad-creatives' }) },
  { name: 'GET /v1/ad-creatives/{id}', ok: 200, make: async (app) => ({ method: 'GET', url: `/v1/ad-creatives/${(await createAd(app)).creative.id}` }) },
  { name: 'POST /v1/ad-creatives', ok: 201, make: async (app) => ({ method: 'POST', url: '/v1/ad-creatives', payload: creativePayload((await createAd(app)).campaign.id) }) },
  { name: 'PATCH /v1/ad-creatives/{id}', ok: 200, make: async (app) => ({ method: 'PATCH', url: `/v1/ad-creatives/${(await createAd(app)).creative.id}`, payload: { targetUrl: 'https://other.example/' } }) },
  { name: 'DELETE /v1/ad-creatives/{id}', ok: 204, make: async (app) => ({ method: 'DELETE', url: `/v1/ad-creatives/${(await createAd(app)).creative.id}` }) },
  { name: 'GET /v1/ads/stats', ok: 200, make: async () => ({ method: 'GET', url: '/v1/ads/stats?groupBy=slot' }) },
  { name: 'GET /v1/settings/ads-txt', ok: 200, make: async () => ({ method: 'GET', url: '/v1/settings/ads-txt' }) },

]

/** Everything a write could change: the ad tables and the stored ads.txt. */
async function state (app: App) {
  return { ...await adTables(app), adsTxt: await app.database.all(sql`select * from settings where key = 'ads-txt'`) }
}

async function callers (app: App) {
  return {
    contributor: (await tokenFor(app, 'contributor')).headers,
    author: (await tokenFor(app, 'author')).headers,
    editor: (await tokenFor(app, 'editor')).headers
  }
}

// Failed authentications are rate limited per address; this file makes many on purpose.
const env = { BROADSHEET_AUTH_FAILURES_PER_MINUTE: '100000' }

for (const route of editorRoutes) {
  t.test(`${route.name} → 401 without a token or with an unknown one, 403 for contributor and author, and nothing changes`, async (t) => {
    const app = await buildTestApp(t, { env })
    const { contributor, author } = await callers(app)
    const refusals: Array<[Record<string, string>, number, string, string]> = [
      [{}, 401, 'unauthorized', 'This route needs an API token: send Authorization: Bearer <token>'],
      [bearer('no-such-token-0123456789abcdefghij'), 401, 'unauthorized', 'The API token is unknown or revoked'],
      [contributor, 403, 'forbidden', 'This route needs the editor role or higher; the token has the contributor role'],
      [author, 403, 'forbidden', 'This route needs the editor role or higher; the token has the author role']
    ]
    for (const [headers, status, kind, detail] of refusals) {
      const request = await route.make(app)
      const before = await state(app)
      const res = await app.inject({ ...request, headers })
      expectProblem(t, res, status, kind, detail)
      if (status === 401) t.match(res.headers['www-authenticate'], /^Bearer/)
      t.same(await state(app), before, 'nothing changed')
    }
  })

  t.test(`${route.name} → ${route.ok} for editor and admin`, async (t) => {
    const app = await buildTestApp(t, { env })
    const { editor } = await callers(app)
    for (const headers of [editor, admin]) {
      const res = await app.inject({ ...(await route.make(app)), headers })
      t.equal(res.statusCode, route.ok, res.body)
    }
  })
}

t.test('public without a token: serve, impression (GET and POST), click, GET /ads.txt and slot reads', async (t) => {
  const app = await buildTestApp(t)
  const { slot } = await createAd(app, { slot: { key: 'sidebar' } })
  const ad = await serveOne(app, 'sidebar')
  t.equal((await app.inject({ url: '/v1/ads/serve?slots=sidebar' })).statusCode, 200)
  t.equal((await hitAdUrl(app, ad.impressionUrl)).statusCode, 204)
  t.equal((await hitAdUrl(app, ad.impressionUrl, { method: 'POST' })).statusCode, 204)
  t.equal((await hitAdUrl(app, ad.clickUrl)).statusCode, 302)
  t.equal((await app.inject({ url: '/ads.txt' })).statusCode, 200)
  t.equal((await app.inject({ url: '/v1/ad-slots' })).statusCode, 200)
  t.equal((await app.inject({ url: '/v1/ad-slots/sidebar' })).statusCode, 200)
  t.equal((await app.inject({ url: `/v1/ad-slots/${slot.id}` })).statusCode, 200)
})

t.test('PUT /v1/settings/ads-txt is a setting: admin only (editor 403), and nothing changes', async (t) => {
  const app = await buildTestApp(t, { env })
  const { contributor, author, editor } = await callers(app)
  const payload = { content: 'example.com, pub-1, DIRECT' }
  for (const [headers, status] of [[{}, 401], [contributor, 403], [author, 403], [editor, 403]] as Array<[Record<string, string>, number]>) {
    const before = await state(app)
    const res = await app.inject({ method: 'PUT', url: '/v1/settings/ads-txt', payload, headers })
    t.equal(res.statusCode, status)
    t.same(await state(app), before, 'nothing changed')
  }
  const ok = await app.inject({ method: 'PUT', url: '/v1/settings/ads-txt', payload, headers: admin })
  t.equal(ok.statusCode, 200)
})
