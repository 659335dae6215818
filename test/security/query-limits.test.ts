import t, { type Test } from 'tap'
import type { App } from '../../src/app.js'
import { serveAds } from '../fixtures/ads.js'
import { createTaxon } from '../fixtures/taxonomy.js'
import { admin, buildTestApp, expectProblem } from '../helper.js'

// Filter complexity: every list parameter is bounded (count, repeats, length) with a 400 that
// names it, and the bounds are in the OpenAPI document.

const ONE_FIELD = 'The query string has 1 invalid field'

function get (app: App, url: string) {
  return app.inject({ url, headers: admin })
}

async function expectBound (t: Test, app: App, over: string, atBound: string, path: string, message: string, detail = ONE_FIELD) {
  expectProblem(t, await get(app, over), 400, 'validation', detail, [{ path, message }])
  t.equal((await get(app, atBound)).statusCode, 200, 'at the bound: accepted')
}

t.test('GET /v1/articles?tag= repeated 11 times, even the same tag → 400; 10 times → 200', async (t) => {
  const app = await buildTestApp(t)
  await createTaxon(app, 'tags', { name: 'climate' })
  const repeat = (n: number) => '/v1/articles?' + Array.from({ length: n }, () => 'tag=climate').join('&')
  await expectBound(t, app, repeat(11), repeat(10), 'tag', 'At most 10 tag filters')
})

t.test('GET /v1/articles?tag= longer than 2000 characters → 400, even when it repeats one tag; 2000 → 200', async (t) => {
  const app = await buildTestApp(t)
  const atBound = `${'a,'.repeat(999)}ab`
  t.equal(atBound.length, 2000)
  // Filter values must name tags (else 400 "There is no tag"), so the two in it exist.
  await createTaxon(app, 'tags', { name: 'a' })
  await createTaxon(app, 'tags', { name: 'ab' })
  await expectBound(t, app, `/v1/articles?tag=${atBound}c`, `/v1/articles?tag=${atBound}`, 'tag', 'tag has at most 2000 characters')
})

t.test('GET /v1/articles?tag= with a 201-character tag → 400; 200 characters → 200', async (t) => {
  const app = await buildTestApp(t)
  const over = await get(app, `/v1/articles?tag=${'x'.repeat(201)}`)
  expectProblem(t, over, 400, 'validation', ONE_FIELD, [{ path: 'tag.0', message: 'A tag filter has at most 200 characters' }])
  // No slug is 200 characters long (at most 120): at the bound the value passes the length
  // check and is looked up, so the 400 names the unknown tag instead.
  const message = `There is no tag "${'x'.repeat(200)}"`
  expectProblem(t, await get(app, `/v1/articles?tag=${'x'.repeat(200)}`), 400, 'validation', message, [{ path: 'tag', message }])
})

t.test('GET /v1/articles?q= with 13 words → 400; 12 words → 200', async (t) => {
  const app = await buildTestApp(t)
  const words = (n: number) => '/v1/articles?q=' + Array.from({ length: n }, (_, i) => `w${i}`).join('+')
  await expectBound(t, app, words(13), words(12), 'q', 'q has at most 12 words', 'q has at most 12 words')
})

t.test('GET /v1/ads/serve?slots= with 21 keys → 400; 20 keys of the longest kind (64 characters) → 200', async (t) => {
  const app = await buildTestApp(t)
  const over = await serveAds(app, `slots=${Array.from({ length: 21 }, (_, i) => `slot-${i}`).join(',')}`)
  expectProblem(t, over, 400, 'validation', ONE_FIELD, [{ path: 'slots', message: 'At most 20 slots in one call' }])
  const longest = Array.from({ length: 20 }, (_, i) => `k${String(i).padStart(2, '0')}${'x'.repeat(61)}`).join(',')
  t.equal(longest.length, 1299)
  const ok = await serveAds(app, `slots=${longest}`)
  t.equal(ok.statusCode, 200, 'at the bound: accepted')
  t.equal(Object.keys(ok.json().slots).length, 20)
  const tooLong = await serveAds(app, `slots=${longest},${'y'.repeat(1300 - longest.length)}`)
  expectProblem(t, tooLong, 400, 'validation', ONE_FIELD, [{ path: 'slots', message: 'slots has at most 1300 characters' }])
})

interface Schema { type?: string, maxLength?: number, maxItems?: number, enum?: unknown[], pattern?: string, const?: unknown, anyOf?: Schema[], items?: Schema, $ref?: string }

/** Where a string or array in a parameter schema has no upper bound. */
function unbounded (schema: Schema, at: string): string[] {
  const out = (schema.anyOf ?? []).flatMap((s, i) => unbounded(s, `${at}|${i}`))
  if (schema.type === 'string' && schema.maxLength === undefined && !schema.enum && !schema.pattern && schema.const === undefined) out.push(`${at}: string without maxLength`)
  if (schema.type === 'array') {
    if (schema.maxItems === undefined) out.push(`${at}: array without maxItems`)
    if (schema.items) out.push(...unbounded(schema.items, `${at}[]`))
  }
  return out
}

t.test('OpenAPI: every query and path parameter has an upper bound (maxLength, maxItems, an enum or a pattern)', async (t) => {
  const app = await buildTestApp(t)
  const document = app.swagger() as { paths: Record<string, Record<string, { parameters?: Array<{ in: string, name: string, schema: Schema }> }>> }
  const found: string[] = []
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      for (const parameter of operation.parameters ?? []) {
        if (parameter.in !== 'query' && parameter.in !== 'path') continue
        found.push(...unbounded(parameter.schema, `${method.toUpperCase()} ${path} ${parameter.name}`))
      }
    }
  }
  t.same(found, [], 'no unbounded parameter')
  const tag = document.paths['/v1/articles']?.get?.parameters?.find((p) => p.name === 'tag')
  t.match(tag, { schema: { anyOf: [{ type: 'string', maxLength: 2000 }, { type: 'array', maxItems: 10 }] }, description: /At most 10 tags/ })
})
