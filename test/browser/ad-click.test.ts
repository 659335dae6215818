// Impressions are reported only for ads that are seen; a click goes through the click URL to
// the advertiser and is counted.
import t from 'tap'
import { featuredArticle, openArticle, screenshot, startSite, TOKEN, WAIT } from './site.js'

interface StatsRow { key: string, impressions: number, clicks: number, filteredImpressions: number, filteredClicks: number }

t.test('an image ad click goes through the click URL to the advertiser and is counted; impressions are reported for visible ads only', async (t) => {
  const site = await startSite(t)
  const { page, context, origin } = site
  const impressions: string[] = []
  page.on('request', (request) => {
    if (request.url().startsWith(`${origin}/v1/ads/impression/`)) impressions.push(`${request.method()} ${request.url()}`)
  })
  const article = await featuredArticle(site)
  await openArticle(site, article.slug)

  // The header ad is in view from the start: its impression goes out after a second in view.
  const header = page.locator('aside.ad[data-slot="header"]')
  await page.locator('aside.ad[data-slot="header"][data-impression="sent"]').waitFor()
  t.ok(impressions.length >= 1 && impressions.every((line) => line.startsWith('POST ')), 'impressions are POSTed')
  const below = page.locator('aside.ad[data-slot="below-article"]')
  t.equal(await below.getAttribute('data-impression'), null, 'the below-article ad, never seen, reported nothing')
  const headerCreative = Number(await header.getAttribute('data-creative'))

  // The in-article ad: scrolled into view, reported, then clicked.
  const inline = page.locator('aside.ad[data-slot="article-inline"]')
  t.equal(await inline.getAttribute('data-kind'), 'image', 'the in-article ad is an image ad')
  const creativeId = Number(await inline.getAttribute('data-creative'))
  const link = inline.locator('a.ad__link')
  const clickUrl = await link.getAttribute('href')
  t.ok(clickUrl?.startsWith(`${origin}/v1/ads/click/`), 'the ad links to its click URL')
  await link.scrollIntoViewIfNeeded()
  await page.locator('aside.ad[data-slot="article-inline"][data-impression="sent"]').waitFor()

  const creative = await site.api(`/v1/ad-creatives/${creativeId}`, { token: TOKEN })
  t.equal(creative.status, 200, 'the creative, as the editor sees it')
  const targetUrl: string = creative.body.targetUrl
  t.match(targetUrl, /^https:\/\/[a-z.-]+\.example\//, 'an advertiser URL on .example')

  const [popup] = await Promise.all([context.waitForEvent('page', { timeout: WAIT }), link.click()])
  await popup.waitForURL(targetUrl)
  t.equal(popup.url(), targetUrl, 'the new tab lands on the advertiser URL')
  t.equal(await popup.locator('h1').textContent(), 'Advertiser landing page', 'the stand-in page of the advertiser')
  t.same(site.clicks.map(({ url, status, location }) => ({ url, status, location })), [{ url: clickUrl, status: 302, location: targetUrl }],
    'the click went through the click URL, which redirected to the target URL')
  await screenshot(popup, 'ad-click-landing', { fullPage: false })
  await popup.close()

  site.app.ads.flush()
  const stats = await site.api('/v1/ads/stats?groupBy=creative', { token: TOKEN })
  t.equal(stats.status, 200, 'stats')
  const row = (id: number) => (stats.body.data as StatsRow[]).find((r) => r.key === String(id))
  t.ok((row(creativeId)?.clicks ?? 0) >= 1, `creative ${creativeId}: ${row(creativeId)?.clicks} click(s)`)
  t.equal(row(creativeId)?.filteredClicks, 0, 'not filtered as a bot')
  t.ok((row(creativeId)?.impressions ?? 0) >= 1, `creative ${creativeId}: ${row(creativeId)?.impressions} impression(s)`)
  t.ok((row(headerCreative)?.impressions ?? 0) >= 1, `header creative ${headerCreative}: ${row(headerCreative)?.impressions} impression(s)`)
  const belowCreative = Number(await below.getAttribute('data-creative'))
  t.equal(row(belowCreative)?.impressions ?? 0, 0, 'the unseen below-article ad has no impression')

  await screenshot(page, 'ad-click-article', { fullPage: false })

  t.test('with no ad to show (every campaign paused), the slots fold away instead of leaving holes', async (t) => {
    const campaigns = await site.api('/v1/ad-campaigns?limit=100', { token: TOKEN })
    for (const campaign of campaigns.body.data as Array<{ id: number }>) {
      const res = await site.api(`/v1/ad-campaigns/${campaign.id}`, { method: 'PATCH', body: { status: 'paused' }, token: TOKEN })
      t.equal(res.status, 200, `campaign ${campaign.id} paused`)
    }
    await openArticle(site, article.slug)
    for (const key of ['header', 'article-inline', 'sidebar', 'below-article']) {
      t.ok(await page.locator(`aside.ad[data-slot="${key}"]`).isHidden(), `${key}: folded away`)
    }
    t.equal(await page.getByText('Advertisement', { exact: true }).count(), await page.locator('aside.ad[hidden] .ad__label').count(), 'no visible "Advertisement" label')
    t.equal(await page.locator('.story__body > p').count(), (article.html.match(/<p>/g) ?? []).length, 'the article reads on without a gap')
    await screenshot(page, 'ads-folded', { fullPage: false })
  })

  t.same(site.pageErrors, [], 'no script errors')
})
