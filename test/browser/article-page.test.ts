// The demo article page renders the featured demo article entirely from the API: header,
// body with the in-article ad after paragraph 2, the other ads, the lists and the comments.
import t from 'tap'
import { HTML_SANDBOX } from '../../src/ads/decision-json.js'
import { approve, featuredArticle, openArticle, postComment, screenshot, startSite } from './site.js'

const SLOTS = ['header', 'article-inline', 'sidebar', 'below-article']

t.test('the demo page shows the featured article, its ads with their label, "More articles", "Latest article" and the approved comments, threaded', async (t) => {
  const site = await startSite(t)
  const { page, origin } = site
  const article = await featuredArticle(site)

  // Comments through the API: one approved with a website, a reply to it, and one left pending.
  const first = await postComment(site, article.slug, {
    body: 'Dry floors for the first time in years. Tide chart: https://example.org/tide',
    authorName: 'Rosa Mendel',
    authorEmail: 'rosa@example.net',
    authorUrl: 'https://rosa.example.net'
  })
  await approve(site, first.id)
  const reply = await postComment(site, article.slug, { body: 'The gates closed on time, as designed.', authorName: 'Hana Ruiz', authorEmail: 'hana@example.net', parentId: first.id })
  if (reply.status !== 'approved') await approve(site, reply.id)
  const pending = await postComment(site, article.slug, { body: 'Still waiting for a moderator.', authorName: 'Pending Person', authorEmail: 'pending@example.net' })
  t.equal(pending.status, 'pending', 'a first-time commenter waits for moderation')
  const expected = (await site.api(`/v1/article-pages/${article.slug}`)).body

  await openArticle(site, article.slug)

  // Header of the article
  t.equal(await page.title(), `${article.title} | The Broadsheet`, 'document title')
  t.equal(await page.locator('h1#headline').textContent(), article.title, 'headline')
  t.ok(await page.locator('.story__kicker .label-must-read').getByText('Must read', { exact: true }).isVisible(), '"Must read" label')
  const dateline = page.locator('.dateline time')
  t.equal(await dateline.getAttribute('datetime'), article.publishedAt, 'date line carries publishedAt')
  const published = new Date(article.publishedAt)
  const day = `${published.getUTCDate()} ${published.toLocaleString('en-GB', { month: 'long', timeZone: 'UTC' })} ${published.getUTCFullYear()}`
  t.match(await dateline.textContent(), day, `date line reads ${day}`)
  t.equal(await page.locator('.story__standfirst').textContent(), expected.article.subtitle, 'subtitle')
  t.match(await page.locator('.byline').textContent(), expected.article.author.name, 'byline')
  t.ok(await page.locator('.story__cover.is-missing figcaption').isVisible(), 'the unreachable cover image leaves a placeholder with its caption')

  // Body paragraphs from the API's html, with the in-article ad after paragraph 2
  const paragraphs = page.locator('.story__body > p')
  const apiParagraphs = article.html.match(/<p>/g)?.length ?? 0
  t.ok(apiParagraphs >= 3, 'the demo article has paragraphs around the ad')
  t.equal(await paragraphs.count(), apiParagraphs, 'every paragraph of article.html')
  t.match(await paragraphs.first().textContent(), /^Just after two in the morning/, 'first paragraph')
  t.equal(await page.locator('.story__body > p:nth-of-type(2) + aside.ad[data-slot="article-inline"] + p:nth-of-type(3)').count(), 1,
    'the in-article ad sits between paragraphs 2 and 3')

  // Every ad slot: where it belongs, labelled, with reserved space and a rendered ad
  t.equal(await page.locator('header.masthead aside.ad[data-slot="header"]').count(), 1, 'header ad in the masthead')
  t.equal(await page.locator('.rail aside.ad[data-slot="sidebar"]').count(), 1, 'sidebar ad in the rail')
  t.equal(await page.locator('.layout + [data-placement="below_article"] aside.ad[data-slot="below-article"]').count(), 1, 'below-article ad after the article')
  for (const key of SLOTS) {
    const slot = page.locator(`aside.ad[data-slot="${key}"]`)
    await slot.scrollIntoViewIfNeeded()
    t.ok(await slot.isVisible(), `${key}: visible`)
    t.equal(await slot.locator('.ad__label').textContent(), 'Advertisement', `${key}: "Advertisement" label`)
    const minHeight = parseInt(await slot.locator('.ad__frame').evaluate((el) => el.style.minHeight), 10)
    const kind = await slot.getAttribute('data-kind')
    if (kind === 'image') {
      const link = slot.locator('a.ad__link')
      t.equal(await link.getAttribute('rel'), 'sponsored noopener', `${key}: rel`)
      t.equal(await link.getAttribute('target'), '_blank', `${key}: target`)
      t.ok((await link.getAttribute('href'))?.startsWith(`${origin}/v1/ads/click/`), `${key}: links to the click URL`)
      const img = link.locator('img')
      t.ok(await img.getAttribute('alt'), `${key}: alt text`)
      const height = Number(await img.getAttribute('height'))
      t.ok(Number(await img.getAttribute('width')) > 0 && height > 0, `${key}: width and height`)
      t.ok(await img.evaluate((el) => (el as unknown as { complete: boolean, naturalWidth: number }).complete && (el as unknown as { naturalWidth: number }).naturalWidth > 0), `${key}: the banner loaded`)
      t.ok(minHeight >= height, `${key}: ${minHeight}px reserved for a ${height}px ad`)
    } else {
      t.equal(kind, 'html', `${key}: an image or an html ad`)
      const frame = slot.locator('iframe')
      t.equal(await frame.getAttribute('sandbox'), HTML_SANDBOX, `${key}: the sandbox exactly as served`)
      t.match(await frame.getAttribute('srcdoc'), /subscribe to The Broadsheet/, `${key}: the srcdoc as served`)
      t.ok(minHeight >= Number(await frame.getAttribute('height')), `${key}: space reserved`)
    }
  }
  t.equal(await page.locator('header.masthead aside.ad[data-slot="header"] .ad__frame').evaluate((el) => el.style.minHeight), '90px', 'a 1280px wide page reserves the 728x90 header size')

  // "More articles" and "Latest article"
  const more = page.getByRole('region', { name: 'More articles' })
  t.ok(await more.getByRole('heading', { name: 'More articles' }).isVisible(), '"More articles" heading')
  t.equal(await more.getByRole('link').count(), expected.related.length, 'one link per related article')
  t.ok(expected.related.length > 0, 'the demo article has related articles')
  for (const [i, related] of expected.related.entries()) {
    t.equal(await more.getByRole('link').nth(i).getAttribute('href'), `article.html?slug=${related.slug}`, `related ${i + 1} links to its page`)
  }
  const latest = page.getByRole('region', { name: 'Latest article' })
  t.ok(await latest.getByRole('heading', { name: 'Latest article' }).isVisible(), '"Latest article" heading')
  t.equal(await latest.getByRole('link').count(), 5, 'the 5 latest other articles')
  t.same(await latest.getByRole('link').allTextContents(), expected.latest.map((a: { title: string }) => a.title), 'newest first')

  // Approved comments, threaded; the pending one is not shown
  const comments = page.locator('#comments')
  t.equal(await comments.locator('#comments-title').textContent(), `${expected.commentCount} comments`, 'comment count heading')
  const rosa = comments.locator(`#comment-${first.id}`)
  t.ok(await rosa.isVisible(), 'the approved comment')
  const rosaName = rosa.locator('.comment__meta a.comment__author')
  t.equal(await rosaName.textContent(), 'Rosa Mendel', 'name')
  t.equal(await rosaName.getAttribute('href'), 'https://rosa.example.net/', 'name links to the website')
  t.equal(await rosaName.getAttribute('rel'), 'nofollow ugc', 'rel="nofollow ugc" on the name')
  t.ok(await rosa.locator('.comment__meta time').first().getAttribute('datetime'), 'date')
  t.equal(await rosa.locator(':scope > article .comment__body a[href="https://example.org/tide"][rel="nofollow ugc"]').count(), 1, 'the API html, linkified')
  const nested = comments.locator(`#comment-${first.id} > .comment-list--replies > #comment-${reply.id}`)
  t.ok(await nested.isVisible(), 'the reply is nested under its parent')
  t.equal(await nested.locator('.comment__author').evaluate((el) => el.tagName), 'SPAN', 'a name without website is not a link')
  t.equal(await comments.locator(`#comment-${pending.id}`).count(), 0, 'the pending comment is not shown')
  t.equal(await comments.getByText('Still waiting for a moderator.').count(), 0, 'nor its text')
  t.ok(await page.getByRole('heading', { name: 'Leave a reply' }).isVisible(), '"Leave a reply" form')

  t.same(site.pageErrors, [], 'no script errors')
  t.same(site.consoleErrors.filter((line) => !line.startsWith('https://images.example.com/')), [], 'no console errors: no CSP violation, no failed load but the cover image')
  t.same(site.blocked.filter((url) => !url.startsWith('https://images.example.com/')), [], 'nothing but the demo cover image asked to leave the machine')
  await screenshot(page, 'article-page')

  t.test('the front page at /demo/ lists the latest articles, newest first, each linking to its page', async (t) => {
    const front = await site.context.newPage()
    const listed = (await site.api('/v1/articles?fields=slug,title&limit=10')).body.data as Array<{ slug: string, title: string }>
    await front.goto(`${origin}/demo/`)
    await front.locator('body[data-ready="true"]').waitFor()
    const links = front.locator('.front__list .teaser__title a')
    t.same(await links.allTextContents(), listed.map((a) => a.title), 'every published article, newest first')
    t.equal(await links.first().getAttribute('href'), `article.html?slug=${listed[0]!.slug}`, 'links to the article page')
    t.ok(await front.locator('.teaser--lead .label-must-read').getByText('Must read').isVisible(), 'the lead story is the "Must read" one')
    await screenshot(front, 'front-page')
    await links.first().click()
    await front.locator('body[data-ready="true"]').waitFor()
    t.equal(await front.locator('h1#headline').textContent(), listed[0]!.title, 'the link opens the article page')
    await front.close()
  })

  t.test('a related article link opens that article page', async (t) => {
    await more.getByRole('link').first().click()
    await page.locator('body[data-ready="true"]').waitFor()
    t.equal(await page.locator('h1#headline').textContent(), expected.related[0].title)
  })

  t.test('on a phone the header reserves and shows the 320x50 size, and the rail follows the article', async (t) => {
    const phone = await site.context.newPage()
    await phone.setViewportSize({ width: 390, height: 844 })
    await openArticle(site, article.slug, phone)
    const header = phone.locator('aside.ad[data-slot="header"]')
    t.equal(await header.locator('.ad__frame').evaluate((el) => el.style.minHeight), '50px', 'reserved 50px')
    t.equal(await header.locator('img').getAttribute('width'), '320', 'the 320x50 creative')
    const story = await phone.locator('article.story').boundingBox()
    const rail = await phone.locator('.rail').boundingBox()
    t.ok(story && rail && rail.y >= story.y + story.height, 'one column: the rail comes after the article')
    const overflow = await phone.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')
    t.equal(overflow, 0, 'no horizontal scrolling')
    await screenshot(phone, 'article-page-phone')
    await phone.close()
  })
})
