import t from 'tap'
import type { App } from '../../src/app.js'
import { adTables, createAd, createSlot, serveAds, type ServedAd } from '../fixtures/ads.js'
import { admin, buildTestApp, expectProblem } from '../helper.js'

// The iframe sandbox of html ads: a creative never navigates the news page itself unless its
// slot opts in (allowTopNavigation), and never gets allow-scripts with allow-same-origin.

const HTML = { kind: 'html', imageUrl: null, alt: null, html: '<a href="{{clickUrl}}">Book now</a>' }
const DEFAULT_SANDBOX = 'allow-scripts allow-popups allow-popups-to-escape-sandbox'
const TOP = 'allow-top-navigation-by-user-activation'

type ServeBody = { slots: Record<string, { ad: ServedAd | null } | null> }

/** The sandbox list of the html ad each slot got, by slot key. */
async function sandboxes (app: App, keys: string[]): Promise<Record<string, string[]>> {
  const res = await serveAds(app, `slots=${keys.join(',')}`)
  if (res.statusCode !== 200) throw new Error(`serve failed: ${res.statusCode} ${res.body}`)
  const body = res.json() as ServeBody
  return Object.fromEntries(keys.map((k) => [k, body.slots[k]!.ad!.html!.sandbox.split(' ')]))
}

t.test('GET /v1/ads/serve → an html ad in a default slot has no top navigation and never scripts with same-origin', async (t) => {
  const app = await buildTestApp(t)
  await createAd(app, { slot: { key: 'sidebar' }, creative: HTML })
  const res = await serveAds(app, 'slots=sidebar')
  const sandbox = (res.json() as ServeBody).slots.sidebar!.ad!.html!.sandbox
  t.equal(sandbox, DEFAULT_SANDBOX)
  const tokens = sandbox.split(' ')
  t.notOk(tokens.some((s) => s.startsWith('allow-top-navigation')), 'no kind of top navigation')
  t.notOk(tokens.includes('allow-scripts') && tokens.includes('allow-same-origin'), 'never both')
})

t.test('GET /v1/ads/serve → an opted-in slot\'s html ads may navigate the page on a click; other slots of the same call may not', async (t) => {
  const app = await buildTestApp(t)
  await createAd(app, { slot: { key: 'takeover', allowTopNavigation: true }, creative: HTML })
  await createAd(app, { slot: { key: 'sidebar' }, creative: HTML })
  const got = await sandboxes(app, ['takeover', 'sidebar'])
  t.same(got.takeover, [...DEFAULT_SANDBOX.split(' '), TOP])
  t.notOk(got.takeover!.includes('allow-same-origin'))
  t.same(got.sidebar, DEFAULT_SANDBOX.split(' '))

  const off = await app.inject({ method: 'PATCH', url: '/v1/ad-slots/takeover', headers: admin, payload: { allowTopNavigation: false } })
  t.equal(off.statusCode, 200)
  t.same((await sandboxes(app, ['takeover'])).takeover, DEFAULT_SANDBOX.split(' '), 'turning it off applies to the next serve')
})

t.test('allowTopNavigation round-trips through POST, PATCH and GET of /v1/ad-slots (default false)', async (t) => {
  const app = await buildTestApp(t)
  const plain = await createSlot(app, { key: 'plain' })
  t.equal(plain.allowTopNavigation, false, 'off unless asked')
  const opted = await createSlot(app, { key: 'opted', allowTopNavigation: true })
  t.equal(opted.allowTopNavigation, true)
  t.equal((await app.inject({ url: '/v1/ad-slots/opted' })).json().allowTopNavigation, true)

  const on = await app.inject({ method: 'PATCH', url: '/v1/ad-slots/plain', headers: admin, payload: { allowTopNavigation: true } })
  t.equal(on.statusCode, 200)
  t.equal(on.json().allowTopNavigation, true)
  t.equal((await app.inject({ url: `/v1/ad-slots/${plain.id}` })).json().allowTopNavigation, true)
  const other = await app.inject({ method: 'PATCH', url: '/v1/ad-slots/plain', headers: admin, payload: { label: 'Sponsored' } })
  t.equal(other.json().allowTopNavigation, true, 'a PATCH of another field keeps it')
  const list = await app.inject({ url: '/v1/ad-slots' })
  t.same(list.json().data.map((s: { key: string, allowTopNavigation: boolean }) => [s.key, s.allowTopNavigation]), [['plain', true], ['opted', true]])
})

t.test('POST and PATCH /v1/ad-slots → 400 for an allowTopNavigation that is not a boolean, and nothing changes', async (t) => {
  const app = await buildTestApp(t)
  await createSlot(app, { key: 'sidebar' })
  const before = await adTables(app)
  for (const value of ['true', 1, null, 'yes']) {
    const post = await app.inject({ method: 'POST', url: '/v1/ad-slots', headers: admin, payload: { key: 'other', name: 'Other', placement: 'sidebar', sizes: [[300, 250]], allowTopNavigation: value } })
    expectProblem(t, post, 400, 'validation', 'The request body has 1 invalid field', [{ path: 'allowTopNavigation', message: 'allowTopNavigation must be true or false' }])
    const patch = await app.inject({ method: 'PATCH', url: '/v1/ad-slots/sidebar', headers: admin, payload: { allowTopNavigation: value } })
    expectProblem(t, patch, 400, 'validation', 'The request body has 1 invalid field', [{ path: 'allowTopNavigation', message: 'allowTopNavigation must be true or false' }])
  }
  t.same(await adTables(app), before)
})
