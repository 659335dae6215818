import t from 'tap'
import { admin, buildTestApp, expectProblem } from '../helper.js'

// A query parameter that takes one value but comes repeated (`?q=a&q=b` parses as a list) is a
// 400 naming it with "Give <name> once", on every route, instead of "expected string, received array".

const ONE_FIELD = 'The query string has 1 invalid field'

t.test('a single-valued list parameter given twice → 400 "Give <name> once", on every list', async (t) => {
  const app = await buildTestApp(t)
  const cases: Array<[string, string]> = [
    ['/v1/articles?q=sea&q=wall', 'q'],
    ['/v1/articles?limit=5&limit=6', 'limit'],
    ['/v1/articles?sort=title&sort=title', 'sort'],
    ['/v1/articles?status=draft&status=published', 'status'],
    ['/v1/articles?fields=title&fields=slug', 'fields'],
    ['/v1/articles?featured=true&featured=false', 'featured'],
    ['/v1/articles?publishedAfter=2025-01-01T00:00:00Z&publishedAfter=2025-02-01T00:00:00Z', 'publishedAfter'],
    ['/v1/articles?cursor=a&cursor=b', 'cursor'],
    ['/v1/articles?category=world&category=sport', 'category'],
    ['/v1/tags?q=a&q=b', 'q'],
    ['/v1/categories?count=true&count=true', 'count'],
    ['/v1/authors?fields=name&fields=slug', 'fields'],
    ['/v1/comments?status=pending&status=spam', 'status'],
    ['/v1/comments?q=a&q=b', 'q'],
    ['/v1/ad-campaigns?status=active&status=paused', 'status'],
    ['/v1/ad-creatives?campaignId=1&campaignId=2', 'campaignId'],
    ['/v1/ad-slots?limit=1&limit=1', 'limit'],
    ['/v1/tokens?includeRevoked=true&includeRevoked=true', 'includeRevoked'],
    ['/v1/ads/stats?groupBy=day&groupBy=slot', 'groupBy'],
    ['/v1/ads/stats?from=2025-01-01&from=2025-01-02', 'from'],
    ['/v1/ads/serve?slots=top&slots=side', 'slots']
  ]
  for (const [url, name] of cases) {
    const res = await app.inject({ url, headers: admin })
    t.test(url, async (t) => {
      expectProblem(t, res, 400, 'validation', ONE_FIELD, [{ path: name, message: `Give ${name} once` }])
    })
  }
})

t.test('a comment list parameter given twice → 400 "Give <name> once"', async (t) => {
  const app = await buildTestApp(t)
  const created = await app.inject({ method: 'POST', url: '/v1/articles', headers: admin, payload: { title: 'Open', status: 'published' } })
  t.equal(created.statusCode, 201)
  const res = await app.inject({ url: `/v1/articles/${created.json().id}/comments?sort=oldest&sort=newest` })
  expectProblem(t, res, 400, 'validation', ONE_FIELD, [{ path: 'sort', message: 'Give sort once' }])
})
