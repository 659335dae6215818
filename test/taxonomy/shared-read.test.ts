import t, { type Test } from 'tap'
import type { App } from '../../src/app.js'
import { createTaxon, taxonBody, taxonPaths, type TaxonPath } from '../fixtures/taxonomy.js'
import { admin, buildTestApp, expectJson, expectProblem } from '../helper.js'

// Reads every taxonomy resource shares: order, keyset pages, limits, count, q, fields, get.

/** Created in this order (ids 1..7); the list order is by name without case, then id. */
const NAMES = ['delta', 'Alpha', 'charlie', 'alpha', 'Bravo', 'ALPHA', 'echo']
const SLUGS = ['delta', 'alpha', 'charlie', 'alpha-2', 'bravo', 'alpha-3', 'echo']
const ORDER = [2, 4, 6, 5, 3, 1, 7]
const CURSOR = /^[\w-]+$/

async function seed (app: App, path: TaxonPath) {
  for (const name of NAMES) await createTaxon(app, path, { name })
}

function item (path: TaxonPath, id: number) {
  return taxonBody(path, { id, slug: SLUGS[id - 1]!, name: NAMES[id - 1]! })
}

async function list (app: App, path: TaxonPath, query: string) {
  return app.inject({ url: `/v1/${path}${query}` })
}

/** Follows nextCursor from the first page to the last; the ids in the order seen and the page count. */
async function walk (t: Test, app: App, path: TaxonPath, limit: number, between?: (page: number) => Promise<void>) {
  const ids: number[] = []
  let cursor: string | null = null
  let pages = 0
  do {
    const res = await list(app, path, `?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`)
    t.equal(res.statusCode, 200)
    const body = res.json()
    t.equal(body.meta.limit, limit)
    t.ok(body.data.length <= limit)
    ids.push(...body.data.map((row: { id: number }) => row.id))
    cursor = body.meta.nextCursor
    pages++
    if (between && cursor) await between(pages)
  } while (cursor && pages < 20)
  return { ids, pages }
}

for (const path of taxonPaths) {
  t.test(`GET /v1/${path} → 200 ordered by name without regard to case, then id; public`, async (t) => {
    const app = await buildTestApp(t)
    await seed(app, path)
    const res = await list(app, path, '')
    expectJson(t, res, 200, { data: ORDER.map((id) => item(path, id)), meta: { limit: 20, nextCursor: null } })
  })

  t.test(`GET /v1/${path} → an empty page when there are none`, async (t) => {
    const app = await buildTestApp(t)
    expectJson(t, await list(app, path, '?count=true'), 200, { data: [], meta: { limit: 20, nextCursor: null, total: 0 } })
  })

  t.test(`GET /v1/${path} → keyset pages that never repeat or skip an item`, async (t) => {
    const app = await buildTestApp(t)
    await seed(app, path)
    const first = await list(app, path, '?limit=2')
    expectJson(t, first, 200, { data: [item(path, 2), item(path, 4)], meta: { limit: 2, nextCursor: CURSOR } })
    for (const limit of [1, 2, 3, 7]) {
      const { ids, pages } = await walk(t, app, path, limit)
      t.same(ids, ORDER, `limit ${limit}: every item once, in order`)
      t.equal(pages, Math.ceil(ORDER.length / limit), `limit ${limit}: page count`)
    }
  })

  t.test(`GET /v1/${path} → pages neither repeat nor skip when items are added between fetches`, async (t) => {
    const app = await buildTestApp(t)
    await seed(app, path)
    const { ids } = await walk(t, app, path, 3, async (page) => {
      if (page !== 1) return
      // 8 sorts before the cursor (ALPHA, 6): this walk never sees it. 9 ties the cursor's
      // name with a higher id and 10 sorts last: both are seen, once.
      await createTaxon(app, path, { name: 'Aardvark' })
      await createTaxon(app, path, { name: 'alpha' })
      await createTaxon(app, path, { name: 'zulu' })
    })
    t.same(ids, [2, 4, 6, 9, 5, 3, 1, 7, 10])
  })

  t.test(`GET /v1/${path} → the next page still follows when the cursor's item is deleted`, async (t) => {
    const app = await buildTestApp(t)
    await seed(app, path)
    const { ids } = await walk(t, app, path, 2, async (page) => {
      if (page !== 1) return
      const del = await app.inject({ method: 'DELETE', url: `/v1/${path}/4`, headers: admin })
      t.equal(del.statusCode, 204)
    })
    t.same(ids, ORDER)
  })

  t.test(`GET /v1/${path} → 400 naming limit when it is outside 1..100 or not an integer`, async (t) => {
    const app = await buildTestApp(t)
    for (const limit of ['0', '101', 'abc', '1.5', '-1']) {
      const res = await list(app, path, `?limit=${limit}`)
      expectProblem(t, res, 400, 'validation', 'The query string has 1 invalid field', [{ path: 'limit', message: /^limit must be an integer from 1 to 100/ }])
    }
    t.equal((await list(app, path, '?limit=100')).statusCode, 200)
  })

  t.test(`GET /v1/${path} → 400 at path cursor when the cursor is not one it gave`, async (t) => {
    const app = await buildTestApp(t)
    await seed(app, path)
    const forged = [
      'not-a-cursor!',
      Buffer.from('["alpha"]').toString('base64url'),
      Buffer.from('{"name":"alpha","id":2}').toString('base64url'),
      Buffer.from('["alpha",1.5]').toString('base64url'),
      Buffer.from('[2,"alpha"]').toString('base64url')
    ]
    for (const cursor of forged) {
      const res = await list(app, path, `?cursor=${encodeURIComponent(cursor)}`)
      const message = 'cursor is not valid for this list; use meta.nextCursor from the previous page'
      expectProblem(t, res, 400, 'validation', message, [{ path: 'cursor', message }])
    }
    const long = await list(app, path, `?cursor=${'a'.repeat(513)}`)
    expectProblem(t, long, 400, 'validation', 'The query string has 1 invalid field', [{ path: 'cursor', message: 'cursor is too long' }])
  })

  t.test(`GET /v1/${path}?count=true → meta.total counts every match, not the page`, async (t) => {
    const app = await buildTestApp(t)
    await seed(app, path)
    expectJson(t, await list(app, path, '?limit=2&count=true'), 200, {
      data: [item(path, 2), item(path, 4)],
      meta: { limit: 2, nextCursor: CURSOR, total: 7 }
    })
    expectJson(t, await list(app, path, '?count=true&q=alp'), 200, {
      data: [item(path, 2), item(path, 4), item(path, 6)],
      meta: { limit: 20, nextCursor: null, total: 3 }
    })
    const without = await list(app, path, '?count=false&limit=1')
    t.equal(without.statusCode, 200)
    t.same(Object.keys(without.json().meta).sort(), ['limit', 'nextCursor'])
    const bad = await list(app, path, '?count=yes')
    expectProblem(t, bad, 400, 'validation', 'The query string has 1 invalid field', [{ path: 'count', message: 'Use true or false' }])
  })

  t.test(`GET /v1/${path}?q= → only names containing the text, without regard to ASCII case`, async (t) => {
    const app = await buildTestApp(t)
    await seed(app, path)
    expectJson(t, await list(app, path, '?q=ALP'), 200, { data: [item(path, 2), item(path, 4), item(path, 6)], meta: { limit: 20, nextCursor: null } })
    expectJson(t, await list(app, path, '?q=ar'), 200, { data: [item(path, 3)], meta: { limit: 20, nextCursor: null } })
    expectJson(t, await list(app, path, '?q=%25'), 200, { data: [], meta: { limit: 20, nextCursor: null } })
    expectJson(t, await list(app, path, '?q=zzz'), 200, { data: [], meta: { limit: 20, nextCursor: null } })
    // q pages like any list.
    const first = await list(app, path, '?q=alpha&limit=2')
    expectJson(t, first, 200, { data: [item(path, 2), item(path, 4)], meta: { limit: 2, nextCursor: CURSOR } })
    const second = await list(app, path, `?q=alpha&limit=2&cursor=${first.json().meta.nextCursor}`)
    expectJson(t, second, 200, { data: [item(path, 6)], meta: { limit: 2, nextCursor: null } })
    const long = await list(app, path, `?q=${'q'.repeat(101)}`)
    expectProblem(t, long, 400, 'validation', 'The query string has 1 invalid field', [{ path: 'q', message: 'q has at most 100 characters' }])
  })

  t.test(`GET /v1/${path}?fields=name → only id and name`, async (t) => {
    const app = await buildTestApp(t)
    await seed(app, path)
    const res = await list(app, path, '?fields=name&limit=2')
    expectJson(t, res, 200, { data: [{ id: 2, name: 'Alpha' }, { id: 4, name: 'alpha' }], meta: { limit: 2, nextCursor: CURSOR } })
    const many = await list(app, path, '?fields=slug,%20articleCount,id&limit=1')
    expectJson(t, many, 200, { data: [{ id: 2, slug: 'alpha', articleCount: 0 }], meta: { limit: 1, nextCursor: CURSOR } })
    const one = await app.inject({ url: `/v1/${path}/alpha?fields=name` })
    expectJson(t, one, 200, { id: 2, name: 'Alpha' })
  })

  t.test(`GET /v1/${path}?fields= → 400 naming fields when a field is unknown`, async (t) => {
    const app = await buildTestApp(t)
    await seed(app, path)
    for (const url of [`/v1/${path}?fields=name,nope`, `/v1/${path}/1?fields=nope`, `/v1/${path}?fields=revision`]) {
      const res = await app.inject({ url })
      expectProblem(t, res, 400, 'validation', 'The query string has 1 invalid field', [{ path: 'fields', message: /^Unknown field (nope|revision);/ }])
    }
  })

  t.test(`GET /v1/${path}/{idOrSlug} → the same item by id and by slug; public`, async (t) => {
    const app = await buildTestApp(t)
    await seed(app, path)
    const byId = await app.inject({ url: `/v1/${path}/4` })
    expectJson(t, byId, 200, item(path, 4))
    const bySlug = await app.inject({ url: `/v1/${path}/alpha-2` })
    expectJson(t, bySlug, 200, item(path, 4))
    t.equal(bySlug.headers.etag, byId.headers.etag)
  })

  t.test(`GET /v1/${path}/{idOrSlug} → 404 problem for an unknown id or slug`, async (t) => {
    const app = await buildTestApp(t)
    await seed(app, path)
    for (const key of ['999', 'no-such-slug']) {
      const res = await app.inject({ url: `/v1/${path}/${key}` })
      expectProblem(t, res, 404, 'not-found', new RegExp(`^There is no \\w+ .*${key}`))
    }
  })
}
