import t from 'tap'
import { createTaxon, taxonPaths } from '../fixtures/taxonomy.js'
import { admin, buildTestApp } from '../helper.js'

// ETag, Cache-Control and conditional reads on every taxonomy resource.

const PUBLIC = 'public, max-age=60, stale-while-revalidate=300'
const PRIVATE = 'private, no-cache'

for (const path of taxonPaths) {
  for (const [what, url] of [['item', `/v1/${path}/1`], ['list', `/v1/${path}`]] as const) {
    t.test(`GET /v1/${path} (${what}) → ETag and public Cache-Control without a token, private with one`, async (t) => {
      const app = await buildTestApp(t)
      await createTaxon(app, path, { name: 'World' })
      const anonymous = await app.inject({ url })
      t.equal(anonymous.statusCode, 200)
      t.match(anonymous.headers.etag, what === 'item' ? /^"1-[\w-]+"$/ : /^"[\w-]+"$/)
      t.equal(anonymous.headers['cache-control'], PUBLIC)
      t.match(String(anonymous.headers.vary), /Authorization/i, 'caches key on Authorization')
      const signedIn = await app.inject({ url, headers: admin })
      t.equal(signedIn.statusCode, 200)
      t.equal(signedIn.headers['cache-control'], PRIVATE)
      t.equal(signedIn.headers.etag, anonymous.headers.etag, 'same representation, same ETag')
      t.same(signedIn.json(), anonymous.json())
    })

    t.test(`GET /v1/${path} (${what}) → 304 with an empty body for If-None-Match with the ETag`, async (t) => {
      const app = await buildTestApp(t)
      await createTaxon(app, path, { name: 'World' })
      const first = await app.inject({ url })
      const etag = String(first.headers.etag)
      for (const ifNoneMatch of [etag, `W/${etag}`, `"nope", ${etag}`]) {
        const res = await app.inject({ url, headers: { 'if-none-match': ifNoneMatch } })
        t.equal(res.statusCode, 304, `If-None-Match: ${ifNoneMatch}`)
        t.equal(res.body, '')
        t.equal(res.headers.etag, etag)
        t.equal(res.headers['cache-control'], PUBLIC)
      }
      const withToken = await app.inject({ url, headers: { ...admin, 'if-none-match': etag } })
      t.equal(withToken.statusCode, 304)
      t.equal(withToken.body, '')
      t.equal(withToken.headers['cache-control'], PRIVATE)
      const other = await app.inject({ url, headers: { 'if-none-match': '"1-someoneelse"' } })
      t.equal(other.statusCode, 200)
      t.same(other.json(), first.json())
    })

    t.test(`GET /v1/${path} (${what}) → after a PATCH the old ETag no longer gives 304`, async (t) => {
      const app = await buildTestApp(t)
      await createTaxon(app, path, { name: 'World' })
      const before = await app.inject({ url })
      const patch = await app.inject({ method: 'PATCH', url: `/v1/${path}/1`, headers: admin, payload: { name: 'Globe' } })
      t.equal(patch.statusCode, 200)
      const after = await app.inject({ url, headers: { 'if-none-match': String(before.headers.etag) } })
      t.equal(after.statusCode, 200)
      t.not(after.headers.etag, before.headers.etag)
      const name = what === 'item' ? after.json().name : after.json().data[0].name
      t.equal(name, 'Globe')
      const now = await app.inject({ url, headers: { 'if-none-match': String(after.headers.etag) } })
      t.equal(now.statusCode, 304)
    })
  }

  t.test(`GET /v1/${path} → the list ETag changes when an item is added or deleted`, async (t) => {
    const app = await buildTestApp(t)
    await createTaxon(app, path, { name: 'World' })
    const one = String((await app.inject({ url: `/v1/${path}` })).headers.etag)
    await createTaxon(app, path, { name: 'Sport' })
    const two = await app.inject({ url: `/v1/${path}`, headers: { 'if-none-match': one } })
    t.equal(two.statusCode, 200)
    t.equal(two.json().data.length, 2)
    t.equal((await app.inject({ method: 'DELETE', url: `/v1/${path}/2`, headers: admin })).statusCode, 204)
    const back = await app.inject({ url: `/v1/${path}`, headers: { 'if-none-match': String(two.headers.etag) } })
    t.equal(back.statusCode, 200)
    t.equal(back.json().data.length, 1)
  })

  t.test(`GET /v1/${path}?fields= → its own ETag, not the full representation's`, async (t) => {
    const app = await buildTestApp(t)
    await createTaxon(app, path, { name: 'World' })
    const full = await app.inject({ url: `/v1/${path}/1` })
    const some = await app.inject({ url: `/v1/${path}/1?fields=name`, headers: { 'if-none-match': String(full.headers.etag) } })
    t.equal(some.statusCode, 200)
    t.same(some.json(), { id: 1, name: 'World' })
    t.not(some.headers.etag, full.headers.etag)
    const again = await app.inject({ url: `/v1/${path}/1?fields=name`, headers: { 'if-none-match': String(some.headers.etag) } })
    t.equal(again.statusCode, 304)
  })
}
