// The "Leave a reply" form shows each validation message of the API's problem+json next to
// its field, and a post the API refuses stores nothing.
import t from 'tap'
import { featuredArticle, openArticle, screenshotOf, startSite, TOKEN, type Site } from './site.js'

/** Every comment of the article, whatever its status (the moderation view). */
async function storedComments (site: Site, slug: string): Promise<number> {
  const res = await site.api(`/v1/comments?status=any&article=${slug}&limit=100`, { token: TOKEN })
  if (res.status !== 200) throw new Error(`moderation list answered ${res.status}`)
  return res.body.data.length
}

t.test('submitting the form without a name shows "Please enter your name" next to the name field, and nothing is stored', async (t) => {
  const site = await startSite(t)
  const { page } = site
  const article = await featuredArticle(site)
  const before = await storedComments(site, article.slug)
  await openArticle(site, article.slug)

  const form = page.locator('form.reply-form')
  await form.getByLabel('Comment').fill('The wall held, but what about the villages to the north?')
  await form.getByLabel('Email').fill('reader@example.net')
  const posted = page.waitForResponse((r) => r.url().endsWith(`/v1/articles/${article.slug}/comments`) && r.request().method() === 'POST')
  await form.getByRole('button', { name: 'Post comment' }).click()
  const response = await posted
  t.equal(response.status(), 400, 'the API refused the post')
  t.match(response.headers()['content-type'], /^application\/problem\+json/, 'with a problem')

  const name = form.getByLabel('Name')
  const nameError = form.locator('.field:has(#comment-authorName) .field__error')
  await nameError.getByText('Please enter your name').waitFor()
  t.equal(await nameError.textContent(), 'Please enter your name', 'the message sits in the name field\'s box')
  t.equal(await name.getAttribute('aria-invalid'), 'true', 'the name field is marked invalid')
  t.equal(await name.getAttribute('aria-describedby'), await nameError.getAttribute('id'), 'and described by the message')
  t.equal(await page.evaluate('document.activeElement && document.activeElement.id'), 'comment-authorName', 'focus moves to the field')
  t.equal(await form.locator('#comment-body-error').textContent(), '', 'no message for the comment')
  t.equal(await form.locator('#comment-authorEmail-error').textContent(), '', 'no message for the email')
  t.equal(await form.locator('[data-form-status]').textContent(), 'Please correct the highlighted fields.', 'a general note in the live region')
  t.equal(await form.locator('[data-form-status]').getAttribute('aria-live'), 'polite', 'announced')
  t.equal(await form.getByLabel('Comment').inputValue(), 'The wall held, but what about the villages to the north?', 'what was typed is kept')
  await screenshotOf(page.locator('section.reply'), 'comment-validation-name')
  t.equal(await storedComments(site, article.slug), before, 'nothing is stored')

  t.test('an empty form gets one message per required field, and a bad website its own', async (t) => {
    await form.getByLabel('Comment').fill('')
    await form.getByLabel('Email').fill('')
    await form.getByLabel('Website').fill('ftp://files.example.net')
    await form.getByRole('button', { name: 'Post comment' }).click()
    await form.locator('#comment-authorUrl-error').getByText('http://').waitFor()
    t.equal(await form.locator('#comment-body-error').textContent(), 'Please enter your comment')
    t.equal(await form.locator('#comment-authorName-error').textContent(), 'Please enter your name')
    t.equal(await form.locator('#comment-authorEmail-error').textContent(), 'Please enter a valid email address')
    t.equal(await form.locator('#comment-authorUrl-error').textContent(), 'Please enter a website address starting with http:// or https://')
    t.equal(await page.evaluate('document.activeElement && document.activeElement.id'), 'comment-body', 'focus on the first bad field')
    t.equal(await storedComments(site, article.slug), before, 'still nothing stored')
    await screenshotOf(page.locator('section.reply'), 'comment-validation-all')
  })

  t.test('the honeypot field is out of sight and out of reach', async (t) => {
    const trap = page.locator('#comment-homepage')
    t.equal(await trap.getAttribute('tabindex'), '-1', 'not in the tab order')
    t.equal(await trap.getAttribute('autocomplete'), 'off', 'never autofilled')
    t.equal(await page.locator('.honeypot').getAttribute('aria-hidden'), 'true', 'hidden from assistive technology')
    const box = await trap.boundingBox()
    t.ok(box === null || box.x + box.width <= 0, 'drawn off screen')
  })

  t.test('other refusals show a general message: closed comments (403), then too many posts (429) with the retry time', async (t) => {
    await form.getByLabel('Comment').fill('Posted just as the editors close the comments.')
    await form.getByLabel('Name').fill('Late Reader')
    await form.getByLabel('Email').fill('late@example.net')
    await form.getByLabel('Website').fill('')
    const closed = await site.api(`/v1/articles/${article.id}`, { method: 'PATCH', body: { commentsEnabled: false }, token: TOKEN })
    t.equal(closed.status, 200, 'an editor closes the comments while the page is open')
    await form.getByRole('button', { name: 'Post comment' }).click()
    const status = form.locator('[data-form-status]')
    await status.getByText('Comments are closed on this article').waitFor()
    t.equal(await form.locator('#comment-authorName-error').textContent(), '', 'no field message for a general refusal')
    t.equal(await storedComments(site, article.slug), before, 'nothing stored')

    // Use up this address's posts for the minute, then post from the page.
    let limited = false
    for (let i = 0; i < 10 && !limited; i++) {
      limited = (await site.api(`/v1/articles/${article.slug}/comments`, { method: 'POST', body: {} })).status === 429
    }
    t.ok(limited, 'the API rate-limits comment posts')
    await form.getByRole('button', { name: 'Post comment' }).click()
    await status.getByText('posting comments too quickly').waitFor()
    t.match(await status.textContent(), /^You are posting comments too quickly\. Please try again in \d+ seconds?\.$/, 'with the Retry-After time')
    await screenshotOf(page.locator('section.reply'), 'comment-rate-limited')
    t.equal(await storedComments(site, article.slug), before, 'still nothing stored')

    await page.reload()
    await page.locator('body[data-ready="true"]').waitFor()
    t.ok(await page.locator('[data-closed]').getByText('Comments are closed on this article.').isVisible(), 'after a reload the page says comments are closed')
    t.ok(await form.isHidden(), 'and shows no form')
  })

  t.same(site.pageErrors, [], 'no script errors')
})
