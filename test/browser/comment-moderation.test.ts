// A good post shows "awaiting moderation"; once an editor approves it, it is on the page.
// A returning commenter's post (with the commenterToken the form kept) is approved at once and
// appears without a reload.
import t from 'tap'
import { approve, featuredArticle, openArticle, screenshot, screenshotOf, startSite, TOKEN } from './site.js'

t.test('a good post shows "awaiting moderation", and appears after an editor approves it through the API', async (t) => {
  const site = await startSite(t)
  const { page } = site
  const article = await featuredArticle(site)
  await openArticle(site, article.slug)
  const form = page.locator('form.reply-form')
  const text = 'Will the northern villages get a wall of their own before next winter?'

  await form.getByLabel('Comment').fill(text)
  await form.getByLabel('Name').fill('Jonas Weber')
  await form.getByLabel('Email').fill('jonas@example.net')
  await form.getByLabel('Website').fill('https://jonas.example.net')
  await form.getByRole('button', { name: 'Post comment' }).click()
  const status = form.locator('[data-form-status]')
  await status.getByText('awaiting moderation').waitFor()
  t.match(await status.textContent(), /^Thank you, Jonas Weber\. Your comment is awaiting moderation\.$/, 'the message')
  t.equal(await form.getByLabel('Comment').inputValue(), '', 'the comment box is emptied')
  t.equal(await page.locator('#comments .comment-list').getByText(text).count(), 0, 'not shown before moderation')
  await screenshotOf(page.locator('section.reply'), 'comment-awaiting-moderation')

  // The editor's side: the comment waits in the queue, not as spam (the honeypot stayed empty).
  const queue = await site.api(`/v1/comments?status=pending&article=${article.slug}`, { token: TOKEN })
  const stored = queue.body.data.find((c: { body: string }) => c.body === text)
  t.ok(stored, 'in the moderation queue')
  t.equal(stored.authorUrl, 'https://jonas.example.net', 'with the website')
  t.notOk(stored.flags.includes('honeypot'), 'not caught by the honeypot')
  await approve(site, stored.id)

  await page.reload()
  await page.locator('body[data-ready="true"]').waitFor()
  const comment = page.locator(`#comment-${stored.id}`)
  t.ok(await comment.isVisible(), 'shown after approval')
  t.equal(await comment.locator('.comment__body').textContent(), text, 'its text')
  t.equal(await comment.locator('a.comment__author').getAttribute('rel'), 'nofollow ugc', 'the name links to the website')
  t.equal(await page.locator('#comments-title').textContent(), '1 comment', 'counted')

  t.test('a returning commenter is approved at once: the reply appears nested without a reload', async (t) => {
    // The first post's answer left its commenterToken in localStorage: the reply sends it back.
    t.match(await page.evaluate('localStorage.getItem("broadsheet.commenterToken")'), /^[\w-]+\.[\w-]{43}$/, 'the form kept the commenter token')
    await comment.getByRole('button', { name: 'Reply to Jonas Weber' }).click()
    t.ok(await form.locator('[data-replying]').getByText('Jonas Weber').isVisible(), '"Replying to Jonas Weber"')
    const reply = 'Answering myself: the council meets on Thursday.'
    await form.getByLabel('Comment').fill(reply)
    await form.getByLabel('Name').fill('Jonas Weber')
    await form.getByLabel('Email').fill('jonas@example.net')
    await form.getByRole('button', { name: 'Post comment' }).click()
    await status.getByText('published').waitFor()
    const nested = page.locator(`#comment-${stored.id} > .comment-list--replies > .comment`).filter({ hasText: reply })
    t.ok(await nested.isVisible(), 'the reply is nested under its parent at once')
    t.equal(await page.locator('#comments-title').textContent(), '2 comments', 'counted')
    t.ok(await form.locator('[data-replying]').isHidden(), 'no longer replying')
    await screenshot(page, 'comment-approved')
  })

  t.same(site.pageErrors, [], 'no script errors')
})
