// Swagger UI at /docs: it loads, "Authorize" takes the bearer token, and "Try it out" on
// GET /v1/articles answers 200.
import t from 'tap'
import { screenshot, startSite, TOKEN } from './site.js'

t.test('Swagger UI loads, takes the bearer token in "Authorize", and "Try it out" on GET /v1/articles answers 200', async (t) => {
  const site = await startSite(t)
  const { page, origin } = site
  await page.goto(`${origin}/docs`)
  await page.locator('.swagger-ui .information-container .title').getByText('Broadsheet API').waitFor()
  t.pass('Swagger UI shows the Broadsheet API')

  // Authorize: the bearerAuth value in the dialog, Authorize, Close.
  await page.locator('.auth-wrapper button.authorize').click()
  const dialog = page.locator('.dialog-ux .modal-ux')
  await dialog.waitFor()
  const bearer = dialog.locator('.auth-container').filter({ hasText: 'bearerAuth' })
  await bearer.locator('input').fill(TOKEN)
  // Swagger UI labels its dialog buttons for screen readers: "Authorize" is "Apply credentials".
  await dialog.getByRole('button', { name: 'Apply credentials' }).click()
  await dialog.getByRole('button', { name: 'Remove authorization' }).getByText('Logout').waitFor()
  t.pass('the dialog shows the scheme as authorized ("Logout")')
  await dialog.locator('button.btn-done').getByText('Close').click()
  await dialog.waitFor({ state: 'detached' })
  t.match(await page.locator('.auth-wrapper button.authorize').getAttribute('class'), /\blocked\b/, 'the Authorize button shows a closed lock')

  // Try it out on GET /v1/articles, then Execute.
  const operation = page.locator('.opblock.opblock-get').filter({ has: page.locator('.opblock-summary-path[data-path="/v1/articles"]') })
  await operation.locator('.opblock-summary').click()
  await operation.getByRole('button', { name: 'Try it out' }).click()
  const sent = page.waitForResponse((r) => r.url().startsWith(`${origin}/v1/articles`) && r.request().method() === 'GET')
  await operation.getByRole('button', { name: 'Execute' }).click()
  t.equal((await sent).status(), 200, 'the request answered 200')
  // The live table's first row is its header ("Code", "Details"); the answer follows.
  await operation.locator('.live-responses-table .response-col_status').filter({ hasText: /^\s*200\s*$/ }).waitFor()
  t.pass('Swagger UI shows the 200 response')
  t.ok(await operation.locator('.live-responses-table .response-col_description').filter({ hasText: '"nextCursor"' }).isVisible(), 'with the article list')
  await operation.locator('.live-responses-table').scrollIntoViewIfNeeded()
  await screenshot(page, 'swagger-ui-articles', { fullPage: false })

  t.test('the token is used: GET /v1/tokens (admin only) answers 200 from Swagger UI', async (t) => {
    const tokens = page.locator('.opblock.opblock-get').filter({ has: page.locator('.opblock-summary-path[data-path="/v1/tokens"]') })
    await tokens.locator('.opblock-summary').click()
    await tokens.getByRole('button', { name: 'Try it out' }).click()
    const answer = page.waitForResponse((r) => r.url().startsWith(`${origin}/v1/tokens`) && r.request().method() === 'GET')
    await tokens.getByRole('button', { name: 'Execute' }).click()
    const response = await answer
    t.equal(response.request().headers().authorization, `Bearer ${TOKEN}`, 'sent with the bearer token')
    t.equal(response.status(), 200, 'answered 200')
    await tokens.locator('.live-responses-table .response-col_status').filter({ hasText: /^\s*200\s*$/ }).waitFor()
    await tokens.locator('.live-responses-table').scrollIntoViewIfNeeded()
    await screenshot(page, 'swagger-ui-tokens', { fullPage: false })
  })

  t.test('a public read sends the token too: a draft opens from Swagger UI', async (t) => {
    const made = await site.app.inject({
      method: 'POST', url: '/v1/articles', headers: { authorization: `Bearer ${TOKEN}` }, payload: { title: 'Embargoed draft for the docs' }
    })
    t.equal(made.statusCode, 201)
    const { slug } = made.json() as { slug: string }
    const read = page.locator('.opblock.opblock-get').filter({ has: page.locator('.opblock-summary-path[data-path="/v1/articles/{idOrSlug}"]') })
    await read.locator('.opblock-summary').click()
    await read.getByRole('button', { name: 'Try it out' }).click()
    await read.locator('tr[data-param-name="idOrSlug"] input').fill(slug)
    const answer = page.waitForResponse((r) => r.url().startsWith(`${origin}/v1/articles/${slug}`) && r.request().method() === 'GET')
    await read.getByRole('button', { name: 'Execute' }).click()
    const response = await answer
    t.equal(response.request().headers().authorization, `Bearer ${TOKEN}`, 'sent with the bearer token (optional security)')
    t.equal(response.status(), 200, 'the draft answers 200')
    t.equal((await response.json()).title, 'Embargoed draft for the docs')
  })

  t.same(site.pageErrors, [], 'no script errors')
})
