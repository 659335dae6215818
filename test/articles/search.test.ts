import t from 'tap'
import { createArticle, articleIds, dataIds } from '../fixtures/articles.js'
import { admin, buildTestApp, expectProblem } from '../helper.js'

// GET /v1/articles?q=…: full-text search over title, excerpt and body, ranked, with folded
// diacritics and a prefix on the last word; whatever a reader types is only ever text.

const live = { status: 'published' }

const search = articleIds

t.test('GET /v1/articles?q= → matches words in the title, the excerpt and the body', async (t) => {
  const app = await buildTestApp(t)
  const inTitle = await createArticle(app, { ...live, title: 'Lighthouse keeper retires', body: 'After forty years on the rock.', excerpt: 'A farewell.' })
  const inExcerpt = await createArticle(app, { ...live, title: 'Ferry timetable', body: 'Crossings change in spring.', excerpt: 'The lighthouse route is cut.' })
  const inBody = await createArticle(app, { ...live, title: 'Coastal walk', body: 'The path passes the old lighthouse and a cafe.\n\nSecond paragraph.', excerpt: 'A walk.' })
  await createArticle(app, { ...live, title: 'Unrelated', body: 'Nothing to see.' })
  t.same((await search(t, app, 'q=lighthouse')).sort(), [inTitle.id, inExcerpt.id, inBody.id].sort(), 'all three, none other')
  t.same(await search(t, app, 'q=keeper'), [inTitle.id], 'title word')
  t.same(await search(t, app, 'q=route'), [inExcerpt.id], 'excerpt word')
  t.same(await search(t, app, 'q=paragraph'), [inBody.id], 'body word beyond the excerpt')
  t.same(await search(t, app, 'q=LIGHTHOUSE%20keeper'), [inTitle.id], 'case-blind; every word is required')
  t.same(await search(t, app, 'q=zeppelin'), [], 'no match → empty list')
})

t.test('GET /v1/articles?q= → ranked: a title match comes before a body-only match', async (t) => {
  const app = await buildTestApp(t)
  // The body-only article is newer and created first, so neither date nor id explains the order.
  const inBody = await createArticle(app, { ...live, title: 'Wildlife notes', body: 'A quokka was seen near the ferry.', excerpt: 'Notes.', publishedAt: '2025-01-20T08:00:00.000Z' })
  const inTitle = await createArticle(app, { ...live, title: 'Quokka spotted', body: 'Rangers were surprised.', excerpt: 'A rare sight.', publishedAt: '2025-01-10T08:00:00.000Z' })
  t.same(await search(t, app, 'q=quokka'), [inTitle.id, inBody.id], 'default sort with q is relevance')
  t.same(await search(t, app, 'q=quokka&sort=relevance'), [inTitle.id, inBody.id])
  t.same(await search(t, app, 'q=quokka&sort=-publishedAt'), [inBody.id, inTitle.id], 'an explicit sort wins over the ranking')
})

t.test('GET /v1/articles?q=cafe → finds café: diacritics are folded both ways', async (t) => {
  const app = await buildTestApp(t)
  const accented = await createArticle(app, { ...live, title: 'Café culture returns', body: 'Terraces reopen.' })
  const plain = await createArticle(app, { ...live, title: 'Naive cafe owner', body: 'A résumé of the week.' })
  t.same((await search(t, app, 'q=cafe')).sort(), [accented.id, plain.id].sort())
  t.same((await search(t, app, `q=${encodeURIComponent('café')}`)).sort(), [accented.id, plain.id].sort())
  t.same(await search(t, app, 'q=resume'), [plain.id])
  // The same word written with a combining accent (NFD).
  t.same((await search(t, app, `q=${encodeURIComponent('cafe\u0301')}`)).sort(), [accented.id, plain.id].sort())
})

t.test('GET /v1/articles?q=barr → the last word matches as a prefix, the others whole', async (t) => {
  const app = await buildTestApp(t)
  const barrier = await createArticle(app, { ...live, title: 'Sea barrier tested', body: 'The wall held.' })
  t.same(await search(t, app, 'q=barr'), [barrier.id])
  t.same(await search(t, app, 'q=sea%20barr'), [barrier.id])
  t.same(await search(t, app, 'q=barr%20sea'), [], '"barr" before the last word must be a whole word')
})

t.test('GET /v1/articles?q= with FTS5 syntax → never a 5xx: a 200 or a 400 problem', async (t) => {
  const app = await buildTestApp(t)
  await createArticle(app, { ...live, title: 'Sea wall holds', body: 'The harbour wall held near the sea.' })
  const inputs = [
    '"sea wall"', '"sea', 'sea"', 'sea AND wall', 'sea OR wall', 'sea NOT wall', 'AND', 'OR', 'NOT', 'NEAR',
    'NEAR(sea wall)', 'NEAR(sea wall, 2)', 'sea*', '*', '*sea', '(sea', 'sea)', '(sea OR wall) AND held',
    'title:sea', 'body:wall', '{title body}:sea', '-', '-sea', 'sea -wall', '^sea', 'sea + wall', ':', "'", '\\',
    '%', '_', 'sea;drop table articles', 'a"b', '""', '()', 'sea:*', 'rank:1', 'rowid=1', '\u0000sea', 'ــ'
  ]
  for (const q of inputs) {
    const res = await app.inject({ url: `/v1/articles?q=${encodeURIComponent(q)}` })
    t.test(JSON.stringify(q), async (t) => {
      if (res.statusCode === 200) {
        t.match(res.json(), { data: Array, meta: { limit: 20 } })
      } else if (q.includes('\u0000')) {
        // No text may hold the NUL character (PostgreSQL's text cannot), a search neither.
        const message = 'q must not contain the NUL character (U+0000)'
        expectProblem(t, res, 400, 'validation', 'The query string has 1 invalid field', [{ path: 'q', message }])
      } else {
        const message = 'q needs at least one letter or digit'
        expectProblem(t, res, 400, 'validation', message, [{ path: 'q', message }])
      }
    })
  }
  t.same(await search(t, app, `q=${encodeURIComponent('"sea wall"')}`), [1], 'quotes are just punctuation around words')
  t.same(await search(t, app, `q=${encodeURIComponent('title:sea')}`), [], 'a column filter is two words, "title" and "sea"')
  t.same(await search(t, app, `q=${encodeURIComponent('sea OR zeppelin')}`), [], 'OR is a word like any other')
})

t.test('GET /v1/articles?q= of punctuation only → 400 naming q', async (t) => {
  const app = await buildTestApp(t)
  await createArticle(app, { ...live, title: 'Anything' })
  for (const q of ['-', '!?', '"*"', '()', '...']) {
    const res = await app.inject({ url: `/v1/articles?q=${encodeURIComponent(q)}` })
    t.test(JSON.stringify(q), async (t) => {
      expectProblem(t, res, 400, 'validation', 'q needs at least one letter or digit', [{ path: 'q', message: 'q needs at least one letter or digit' }])
    })
  }
  const blank = await app.inject({ url: '/v1/articles?q=%20%20' })
  expectProblem(t, blank, 400, 'validation', 'The query string has 1 invalid field', [{ path: 'q', message: 'q must not be empty' }])
  const long = await app.inject({ url: `/v1/articles?q=${'a'.repeat(201)}` })
  expectProblem(t, long, 400, 'validation', 'The query string has 1 invalid field', [{ path: 'q', message: 'q has at most 200 characters' }])
})

t.test('GET /v1/articles?sort=relevance without q → 400 naming sort', async (t) => {
  const app = await buildTestApp(t)
  const res = await app.inject({ url: '/v1/articles?sort=relevance' })
  expectProblem(t, res, 400, 'validation', 'sort=relevance needs q, the words to rank by', [{ path: 'sort', message: 'sort=relevance needs q, the words to rank by' }])
})

t.test('PATCH of the body → the old word no longer matches and the new one does', async (t) => {
  const app = await buildTestApp(t)
  const a = await createArticle(app, { ...live, title: 'Budget vote', body: 'The council debated the walrus statue.' })
  t.same(await search(t, app, 'q=walrus'), [a.id])
  const patched = await app.inject({ method: 'PATCH', url: `/v1/articles/${a.id}`, headers: admin, payload: { body: 'The council debated the pelican fountain.' } })
  t.equal(patched.statusCode, 200)
  t.same(await search(t, app, 'q=walrus'), [], 'old word gone')
  t.same(await search(t, app, 'q=pelican'), [a.id], 'new word found')
  const retitled = await app.inject({ method: 'PATCH', url: `/v1/articles/${a.id}`, headers: admin, payload: { title: 'Fountain vote' } })
  t.equal(retitled.statusCode, 200)
  t.same(await search(t, app, 'q=budget'), [], 'old title word gone')
  t.same(await search(t, app, 'q=fountain'), [a.id], 'new title word found')
})

t.test('GET /v1/articles?q= → drafts, scheduled, archived and trashed articles never appear publicly', async (t) => {
  const app = await buildTestApp(t)
  const shown = await createArticle(app, { ...live, title: 'Narwhal sighting' })
  await createArticle(app, { title: 'Narwhal draft' })
  await createArticle(app, { title: 'Narwhal scheduled', status: 'scheduled', publishAt: '2999-01-01T00:00:00.000Z' })
  await createArticle(app, { title: 'Narwhal archived', status: 'archived' })
  const trashed = await createArticle(app, { ...live, title: 'Narwhal trashed' })
  const unpublished = await createArticle(app, { ...live, title: 'Narwhal unpublished' })
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/articles/${trashed.id}`, headers: admin })).statusCode, 204)
  t.equal((await app.inject({ method: 'POST', url: `/v1/articles/${unpublished.id}/unpublish`, headers: admin })).statusCode, 200)
  t.same(await search(t, app, 'q=narwhal'), [shown.id])
  t.same(await search(t, app, 'q=narwhal&count=true&fields=slug'), [shown.id])
  const counted = await app.inject({ url: '/v1/articles?q=narwhal&count=true' })
  t.equal(counted.statusCode, 200)
  t.equal(counted.json().meta.total, 1, 'the total counts only what the public sees')
})

t.test('GET /v1/articles?q=…&sort=relevance → cursor pages never repeat or skip an article', async (t) => {
  const app = await buildTestApp(t)
  const made: number[] = []
  // Mixed strengths (title, excerpt, body, several times) and exact ties.
  for (let i = 0; i < 17; i++) {
    const payload = i % 3 === 0
      ? { title: `Otter news ${i}`, body: 'Nothing else.' }
      : i % 3 === 1
        ? { title: `River report ${i}`, body: 'otter '.repeat(1 + (i % 4)) + 'in the river.' }
        : { title: 'Same river report', body: 'An otter in the river.', excerpt: 'Same.' }
    made.push((await createArticle(app, { ...live, ...payload })).id)
  }
  await createArticle(app, { ...live, title: 'No match here' })
  const big = await app.inject({ url: '/v1/articles?q=otter&limit=100' })
  t.equal(big.statusCode, 200)
  const order = dataIds(big)
  t.same([...order].sort((a, b) => a - b), made, 'the big page has every match')
  const seen: number[] = []
  let cursor: string | null = null
  let pages = 0
  do {
    const url: string = `/v1/articles?q=otter&sort=relevance&limit=4${cursor ? `&cursor=${cursor}` : ''}`
    const res = await app.inject({ url })
    t.equal(res.statusCode, 200, `page ${pages + 1}`)
    seen.push(...dataIds(res))
    cursor = res.json().meta.nextCursor
    pages++
  } while (cursor && pages < 20)
  t.equal(new Set(seen).size, seen.length, 'no article twice')
  t.same(seen, order, 'the pages are the big page, in order')
})

t.test('GET /v1/articles?q=… → articles published between relevance pages never make the walk repeat or skip one', async (t) => {
  const app = await buildTestApp(t)
  const made: number[] = []
  for (let i = 0; i < 12; i++) {
    made.push((await createArticle(app, { ...live, title: i % 2 ? `Otter ${i}` : `River ${i}`, body: 'otter '.repeat(1 + (i % 5)) + 'bank '.repeat(i * 3) })).id)
    await createArticle(app, { ...live, title: `Heron ${i}`, body: 'No such animal here.' })
  }
  const big = await app.inject({ url: '/v1/articles?q=otter&limit=100' })
  t.equal(big.statusCode, 200)
  const order = dataIds(big)
  const seen: number[] = []
  let cursor: string | null = null
  let pages = 0
  do {
    const url: string = `/v1/articles?q=otter&limit=4${cursor ? `&cursor=${cursor}` : ''}`
    const res = await app.inject({ url })
    t.equal(res.statusCode, 200, `page ${pages + 1}`)
    seen.push(...dataIds(res))
    cursor = res.json().meta.nextCursor
    pages++
    if (pages === 1) {
      for (let i = 0; i < 5; i++) await createArticle(app, { ...live, title: `Otter otter ${i}`, body: 'otter otter otter otter' })
    }
  } while (cursor && pages < 20)
  t.equal(new Set(seen).size, seen.length, 'no article twice')
  t.same(seen.filter((id) => made.includes(id)), order, 'every original match once, in the original order')
})

t.test('POST /v1/articles/{id}/restore → a restored article is found again', async (t) => {
  const app = await buildTestApp(t)
  const a = await createArticle(app, { ...live, title: 'Puffin colony grows' })
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/articles/${a.id}`, headers: admin })).statusCode, 204)
  t.same(await search(t, app, 'q=puffin'), [])
  t.equal((await app.inject({ method: 'POST', url: `/v1/articles/${a.id}/restore`, headers: admin })).statusCode, 200)
  t.same(await search(t, app, 'q=puffin'), [a.id])
})
