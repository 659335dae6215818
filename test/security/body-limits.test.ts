import { sql } from 'drizzle-orm'
import t, { type Test } from 'tap'
import type { App } from '../../src/app.js'
import { adTables, createSlot } from '../fixtures/ads.js'
import { admin, buildTestApp, expectProblem } from '../helper.js'

// Array sizes in request bodies: one over the bound is a 400 naming the field and the bound,
// and nothing changes; at the bound the write goes through.

const ONE_FIELD = 'The request body has 1 invalid field'

function send (app: App, method: 'POST' | 'PUT', url: string, payload: Record<string, unknown>) {
  return app.inject({ method, url, headers: admin, payload })
}

const slugs = (n: number, prefix = 's') => Array.from({ length: n }, (_, i) => `${prefix}-${i}`)
const sizes = (n: number) => Array.from({ length: n }, (_, i) => [300 + i, 250])

async function expectAdBound (t: Test, app: App, url: string, over: Record<string, unknown>, atBound: Record<string, unknown>, path: string, message: string) {
  const before = await adTables(app)
  expectProblem(t, await send(app, 'POST', url, over), 400, 'validation', ONE_FIELD, [{ path, message }])
  t.same(await adTables(app), before, 'nothing changed')
  const ok = await send(app, 'POST', url, atBound)
  t.equal(ok.statusCode, 201, `at the bound: created ${ok.statusCode === 201 ? '' : ok.body}`)
}

t.test('POST /v1/ad-campaigns with 101 slotKeys → 400 and nothing created; 100 → 201', async (t) => {
  const app = await buildTestApp(t)
  const keys: string[] = []
  for (let i = 0; i < 100; i++) keys.push((await createSlot(app, { key: `slot-${i}` })).key)
  const campaign = { name: 'Everywhere', advertiser: 'Harbour Lines' }
  await expectAdBound(t, app, '/v1/ad-campaigns', { ...campaign, slotKeys: [...keys, 'slot-0'] }, { ...campaign, slotKeys: keys },
    'slotKeys', 'A campaign lists at most 100 slots')
})

t.test('POST /v1/ad-campaigns with 201 entries in a targeting list → 400 and nothing created; 200 → 201', async (t) => {
  const app = await buildTestApp(t)
  const campaign = { name: 'Targeted', advertiser: 'Harbour Lines' }
  for (const side of ['include', 'exclude'] as const) {
    for (const list of ['categories', 'tags', 'articles', 'authors'] as const) {
      t.test(`${side}.${list}`, async (t) => {
        await expectAdBound(t, app, '/v1/ad-campaigns',
          { ...campaign, targeting: { [side]: { [list]: slugs(201) } } },
          { ...campaign, targeting: { [side]: { [list]: slugs(200) } } },
          `targeting.${side}.${list}`, 'A targeting list has at most 200 entries')
      })
    }
  }
})

t.test('POST /v1/ad-campaigns with 4 devices → 400; 3 → 201', async (t) => {
  const app = await buildTestApp(t)
  const campaign = { name: 'Devices', advertiser: 'Harbour Lines' }
  await expectAdBound(t, app, '/v1/ad-campaigns',
    { ...campaign, targeting: { include: { devices: ['mobile', 'tablet', 'desktop', 'mobile'] } } },
    { ...campaign, targeting: { include: { devices: ['mobile', 'tablet', 'desktop'] } } },
    'targeting.include.devices', 'devices lists at most 3 (mobile, tablet, desktop)')
})

t.test('POST /v1/ad-slots with 21 sizes → 400 and nothing created; 20 → 201', async (t) => {
  const app = await buildTestApp(t)
  const slot = (key: string, n: number) => ({ key, name: 'Sidebar', placement: 'sidebar', sizes: sizes(n) })
  await expectAdBound(t, app, '/v1/ad-slots', slot('many', 21), slot('many', 20), 'sizes', 'A slot takes at most 20 sizes')
})

t.test('POST /v1/ad-slots with 11 size-mapping rules or a rule with 21 sizes → 400; 10 rules of 20 → 201', async (t) => {
  const app = await buildTestApp(t)
  const rules = (n: number, each = 1) => Array.from({ length: n }, (_, i) => ({ minWidth: i * 100, sizes: sizes(each) }))
  const slot = (mapping: unknown) => ({ key: 'mapped', name: 'Sidebar', placement: 'sidebar', sizes: [[300, 250]], sizeMapping: mapping })
  const before = await adTables(app)
  expectProblem(t, await send(app, 'POST', '/v1/ad-slots', slot(rules(1, 21))), 400, 'validation', ONE_FIELD,
    [{ path: 'sizeMapping.0.sizes', message: 'A slot takes at most 20 sizes' }])
  t.same(await adTables(app), before, 'nothing changed')
  await expectAdBound(t, app, '/v1/ad-slots', slot(rules(11)), slot(rules(10, 20)), 'sizeMapping', 'A slot has at most 10 size-mapping rules')
})

t.test('PUT /v1/settings/comments with 1001 blocked words, emails or addresses → 400 and the settings unchanged; 1000 → 200', async (t) => {
  const app = await buildTestApp(t)
  const stored = () => app.database.get(sql`select value from settings where key = 'comments'`)
  const lists: Array<[string, (i: number) => string, string]> = [
    ['words', (i) => `word${i}`, 'At most 1000 blocked words'],
    ['emails', (i) => `@spam${i}.example`, 'At most 1000 blocked emails'],
    ['ips', (i) => `203.0.${Math.floor(i / 256)}.${i % 256}`, 'At most 1000 blocked addresses']
  ]
  for (const [list, entry, message] of lists) {
    const before = await stored()
    const over = await send(app, 'PUT', '/v1/settings/comments', { blocklist: { [list]: Array.from({ length: 1001 }, (_, i) => entry(i)) } })
    expectProblem(t, over, 400, 'validation', ONE_FIELD, [{ path: `blocklist.${list}`, message }])
    t.same(await stored(), before, 'nothing changed')
    const ok = await send(app, 'PUT', '/v1/settings/comments', { blocklist: { [list]: Array.from({ length: 1000 }, (_, i) => entry(i)) } })
    t.equal(ok.statusCode, 200, `${list}: 1000 are accepted`)
    t.equal(ok.json().blocklist[list].length, 1000)
  }
})
