import t from 'tap'
import type { App } from '../../src/app.js'
import { taxonBody, taxonPaths, taxonRows, type TaxonPath } from '../fixtures/taxonomy.js'
import { admin, buildTestApp, expectJson, expectProblem } from '../helper.js'

// Create behaviour every taxonomy resource shares; kind-specific fields live in
// categories.test.ts, tags.test.ts and authors.test.ts.

function post (app: App, path: TaxonPath, payload: Record<string, unknown>) {
  return app.inject({ method: 'POST', url: `/v1/${path}`, headers: admin, payload })
}

const SLUG_MESSAGE = 'Use lower-case letters, digits and single hyphens (e.g. world-news)'

for (const path of taxonPaths) {
  t.test(`POST /v1/${path} → 201 with a slug transliterated from the name`, async (t) => {
    const app = await buildTestApp(t)
    const names: Array<[string, string]> = [['Привет мир', 'privet-mir'], ['北京', 'bei-jing'], ['Über Straße', 'uber-strasse'], ['  Trim Me  ', 'trim-me']]
    for (const [i, [name, slug]] of names.entries()) {
      const res = await post(app, path, { name })
      expectJson(t, res, 201, taxonBody(path, { id: i + 1, slug, name: name.trim() }))
    }
    t.same((await taxonRows(app, path)).map((r) => r.slug), ['privet-mir', 'bei-jing', 'uber-strasse', 'trim-me'])
  })

  t.test(`POST /v1/${path} → 201 with -2, -3 … when the derived slug is taken`, async (t) => {
    const app = await buildTestApp(t)
    const slugs = []
    for (const name of ['World', 'World', 'world!', 'WORLD']) {
      const res = await post(app, path, { name })
      t.equal(res.statusCode, 201)
      slugs.push(res.json().slug)
    }
    t.same(slugs, ['world', 'world-2', 'world-3', 'world-4'])
    // A derived slug also steps over a taken explicit one.
    const explicit = await post(app, path, { name: 'Sport', slug: 'sport' })
    expectJson(t, explicit, 201, taxonBody(path, { id: 5, slug: 'sport', name: 'Sport' }))
    const derived = await post(app, path, { name: 'Sport' })
    expectJson(t, derived, 201, taxonBody(path, { id: 6, slug: 'sport-2', name: 'Sport' }))
  })

  t.test(`POST /v1/${path} → 201 with the explicit slug, not one derived from the name`, async (t) => {
    const app = await buildTestApp(t)
    const res = await post(app, path, { name: 'Middle East', slug: 'mideast' })
    expectJson(t, res, 201, taxonBody(path, { id: 1, slug: 'mideast', name: 'Middle East' }))
  })

  t.test(`POST /v1/${path} → 409 when the explicit slug is taken, and nothing is created`, async (t) => {
    const app = await buildTestApp(t)
    t.equal((await post(app, path, { name: 'World' })).statusCode, 201)
    const before = await taxonRows(app, path)
    const res = await post(app, path, { name: 'Other', slug: 'world' })
    expectProblem(t, res, 409, 'slug-taken', 'The slug "world" is already taken')
    t.same(await taxonRows(app, path), before)
  })

  t.test(`POST /v1/${path} → 400 naming slug when the slug is not lower-case ASCII with single hyphens`, async (t) => {
    const app = await buildTestApp(t)
    for (const slug of ['World', 'two words', '-lead', 'trail-', 'a--b', 'straße', 'a_b', '']) {
      const res = await post(app, path, { name: 'World', slug })
      expectProblem(t, res, 400, 'validation', 'The request body has 1 invalid field', [{ path: 'slug', message: SLUG_MESSAGE }])
    }
    const long = await post(app, path, { name: 'World', slug: 'a'.repeat(121) })
    expectProblem(t, long, 400, 'validation', 'The request body has 1 invalid field', [{ path: 'slug', message: 'A slug has at most 120 characters' }])
    t.same(await taxonRows(app, path), [])
  })

  t.test(`POST /v1/${path} → 400 naming an unknown field`, async (t) => {
    const app = await buildTestApp(t)
    const res = await post(app, path, { name: 'World', colour: 'red' })
    expectProblem(t, res, 400, 'validation', 'The request body has 1 invalid field', [{ path: 'colour', message: '"colour" is not a field you can set here' }])
    t.same(await taxonRows(app, path), [])
  })

  t.test(`POST /v1/${path} → 400 'Required' at path name when the name is missing`, async (t) => {
    const app = await buildTestApp(t)
    const res = await post(app, path, {})
    expectProblem(t, res, 400, 'validation', 'The request body has 1 invalid field', [{ path: 'name', message: 'Required' }])
    t.same(await taxonRows(app, path), [])
  })

  t.test(`POST /v1/${path} → 400 when the name is empty or blank`, async (t) => {
    const app = await buildTestApp(t)
    for (const name of ['', '   ']) {
      const res = await post(app, path, { name })
      expectProblem(t, res, 400, 'validation', 'The request body has 1 invalid field', [{ path: 'name', message: 'name must not be empty' }])
    }
    t.same(await taxonRows(app, path), [])
  })

  t.test(`POST /v1/${path} → 400 when the name has 101 characters; 100 are fine`, async (t) => {
    const app = await buildTestApp(t)
    const res = await post(app, path, { name: 'n'.repeat(101) })
    expectProblem(t, res, 400, 'validation', 'The request body has 1 invalid field', [{ path: 'name', message: 'name has at most 100 characters' }])
    t.same(await taxonRows(app, path), [])
    const ok = await post(app, path, { name: 'n'.repeat(100) })
    expectJson(t, ok, 201, taxonBody(path, { id: 1, slug: 'n'.repeat(100), name: 'n'.repeat(100) }))
  })

  t.test(`POST /v1/${path} → 400 whose errors name every bad field`, async (t) => {
    const app = await buildTestApp(t)
    const res = await post(app, path, { name: 'n'.repeat(101), slug: 'Not A Slug', colour: 'red', size: 3 })
    expectProblem(t, res, 400, 'validation', 'The request body has 4 invalid fields', [
      { path: 'name', message: 'name has at most 100 characters' },
      { path: 'slug', message: SLUG_MESSAGE },
      { path: 'colour', message: '"colour" is not a field you can set here' },
      { path: 'size', message: '"size" is not a field you can set here' }
    ])
    t.same(await taxonRows(app, path), [])
  })

  t.test(`POST /v1/${path} → 400 when the body is not an object`, async (t) => {
    const app = await buildTestApp(t)
    const res = await app.inject({ method: 'POST', url: `/v1/${path}`, headers: { ...admin, 'content-type': 'application/json' }, payload: '["World"]' })
    expectProblem(t, res, 400, 'validation', 'The request body has 1 invalid field', [{ path: 'body', message: /object/ }])
    t.same(await taxonRows(app, path), [])
  })

  t.test(`POST /v1/${path} → 201 with Location and an ETag that a GET of it honours`, async (t) => {
    const app = await buildTestApp(t)
    const res = await post(app, path, { name: 'World' })
    const created = expectJson(t, res, 201, taxonBody(path, { id: 1, slug: 'world', name: 'World' }))
    t.equal(res.headers.location, `/v1/${path}/1`)
    t.match(res.headers.etag, /^"1-[\w-]+"$/)
    const read = await app.inject({ url: String(res.headers.location) })
    t.equal(read.statusCode, 200)
    t.same(read.json(), created)
    t.equal(read.headers.etag, res.headers.etag, 'the GET sends the ETag the POST gave')
    const again = await app.inject({ url: String(res.headers.location), headers: { 'if-none-match': String(res.headers.etag) } })
    t.equal(again.statusCode, 304)
    t.equal(again.body, '')
  })
}
