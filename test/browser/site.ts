// Shared set-up of the browser tests: the real server on 127.0.0.1 with the demo content,
// Debian's chromium driven by playwright-core, and nothing leaving the machine.
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Test } from 'tap'
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core'
import { buildApp, type App } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'

export const TOKEN = 'browser-tests-bootstrap-token-0123456789'
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
/** Every wait of these tests is bounded by this. */
export const WAIT = 15_000
export const ARTIFACTS = fileURLToPath(new URL('../../artifacts/browser/', import.meta.url))

// Headless Chromium says "HeadlessChrome" in its User-Agent, which the ad server rightly filters
// as a bot (impressions and clicks would count as filtered). The tests browse as a desktop Chrome.
const USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/150.0.0.0 Safari/537.36'

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run',
  // A safety net under the request routing below: no host name but 127.0.0.1 resolves at all.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1']

export interface Site {
  app: App
  /** http://127.0.0.1:<port> */
  origin: string
  browser: Browser
  context: BrowserContext
  page: Page
  /** Every URL the pages asked for, in order (same-origin or not). */
  requests: string[]
  /** Requests for anything but this server, stopped before they left the machine. */
  blocked: string[]
  /** Ad click URLs the pages followed, with the server's answer (302 and its Location). */
  clicks: Array<{ url: string, status: number, location: string | undefined }>
  /** Uncaught errors of the pages' scripts. */
  pageErrors: string[]
  /** Console errors (CSP violations, failed loads …) as "<resource url> <message>". */
  consoleErrors: string[]
  /** Calls the API the way a script would (Node's fetch, real HTTP); `token` adds the bearer. */
  api: (path: string, init?: { method?: string, body?: unknown, token?: string }) => Promise<{ status: number, headers: Headers, body: any }>
}

/** A tiny landing page standing in for an advertiser's site (https://*.example). */
const landingPage = (url: URL) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${url.hostname}</title></head>` +
  `<body><h1>Advertiser landing page</h1><p>${url.hostname}${url.pathname}</p></body></html>`

const attribute = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
const clientRedirect = (location: string) => '<!doctype html><html><head><meta charset="utf-8">' +
  `<meta http-equiv="refresh" content="0;url=${attribute(location)}"><title>Redirecting</title></head><body></body></html>`

/**
 * Starts the app on a fresh database file with the demo content and a bootstrap admin token,
 * launches chromium with a fresh profile, and closes everything when the test ends.
 */
export async function startSite (t: Test, { viewport = { width: 1280, height: 900 } } = {}): Promise<Site> {
  const dir = await mkdtemp(join(tmpdir(), 'broadsheet-browser-'))
  const app = await buildApp({
    config: loadConfig({
      DATABASE_URL: join(dir, 'broadsheet.db'),
      BROADSHEET_DEMO: 'true',
      BROADSHEET_BOOTSTRAP_TOKEN: TOKEN,
      LOG_LEVEL: 'silent'
    })
  })
  const opened: { browser?: Browser } = {}
  t.teardown(async () => {
    await opened.browser?.close().catch(() => {})
    await app.close()
    await rm(dir, { recursive: true, force: true })
  })
  const origin = await app.listen({ host: '127.0.0.1', port: 0 })
  const { host } = new URL(origin)

  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: WAIT })
  opened.browser = browser
  const context = await browser.newContext({ viewport, userAgent: USER_AGENT, locale: 'en-GB', timezoneId: 'UTC', serviceWorkers: 'block' })
  context.setDefaultTimeout(WAIT)
  context.setDefaultNavigationTimeout(WAIT)

  const requests: string[] = []
  const blocked: string[] = []
  const pageErrors: string[] = []
  const clicks: Site['clicks'] = []
  const consoleErrors: string[] = []
  // Only this server is reachable. An advertiser's https://*.example page (where an ad click
  // lands) is answered here with a stand-in; anything else is aborted before it leaves.
  await context.route('**/*', async (route) => {
    const request = route.request()
    const url = new URL(request.url())
    requests.push(url.href)
    if (url.host === host && url.pathname.startsWith('/v1/ads/click/')) {
      // Playwright never routes the next hop of a redirect, so a plain 302 to the advertiser
      // could not be stood in for. The click goes to the server as is (it counts and answers
      // 302); the browser then follows that Location as a client redirect, which is routed.
      const response = await route.fetch({ maxRedirects: 0, timeout: WAIT })
      const location = response.headers().location
      clicks.push({ url: url.href, status: response.status(), location })
      if (response.status() >= 300 && response.status() < 400 && location) {
        return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: clientRedirect(location) })
      }
      return route.fulfill({ response })
    }
    if (url.host === host) return route.continue()
    if (url.hostname.endsWith('.example') && request.isNavigationRequest()) {
      return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: landingPage(url) })
    }
    blocked.push(url.href)
    return route.abort('blockedbyclient')
  })
  context.on('page', (page) => {
    page.on('pageerror', (error) => pageErrors.push(`${page.url()}: ${error.message}`))
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(`${message.location().url} ${message.text()}`)
    })
  })
  const page = await context.newPage()

  const api: Site['api'] = async (path, { method = 'GET', body, token } = {}) => {
    const response = await fetch(`${origin}${path}`, {
      method,
      headers: {
        'user-agent': USER_AGENT,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {})
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(WAIT)
    })
    const text = await response.text()
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null }
  }

  return { app, origin, browser, context, page, requests, blocked, clicks, pageErrors, consoleErrors, api }
}

/** The newest "Must read" article of the demo content: the demo article page. */
export async function featuredArticle (site: Site): Promise<{ id: number, slug: string, title: string, publishedAt: string, html: string }> {
  const res = await site.api('/v1/articles?featured=true&limit=1&fields=slug,title,publishedAt,html')
  const article = res.body?.data?.[0]
  if (!article) throw new Error(`no featured demo article (status ${res.status})`)
  return article
}

/** Opens the article page and waits until its ads and comments are in. */
export async function openArticle (site: Site, slug: string, page: Page = site.page) {
  await page.goto(`${site.origin}/demo/article.html?slug=${encodeURIComponent(slug)}`)
  await page.locator('body[data-ready="true"]').waitFor()
}

/**
 * Saves a screenshot of the whole page to artifacts/browser/<name>.png. The viewport is made as
 * tall as the page for it: Chromium paints an ad's sandboxed iframe (its own process) only
 * inside the viewport, so a plain full-page capture would show it blank.
 */
export async function screenshot (page: Page, name: string, { fullPage = true } = {}) {
  await mkdir(ARTIFACTS, { recursive: true })
  const path = join(ARTIFACTS, `${name}.png`)
  const viewport = page.viewportSize()
  if (!fullPage || !viewport) {
    await page.screenshot({ path, timeout: WAIT })
    return path
  }
  const height = Number(await page.evaluate('document.documentElement.scrollHeight'))
  await page.setViewportSize({ width: viewport.width, height: Math.min(Math.max(height, viewport.height), 12_000) })
  await page.waitForTimeout(300)
  await page.screenshot({ path, timeout: WAIT })
  await page.setViewportSize(viewport)
  return path
}

/** Saves a screenshot of one element (scrolled into view) to artifacts/browser/<name>.png. */
export async function screenshotOf (locator: Locator, name: string) {
  await mkdir(ARTIFACTS, { recursive: true })
  const path = join(ARTIFACTS, `${name}.png`)
  await locator.screenshot({ path, timeout: WAIT })
  return path
}

/** Posts a comment through the API, as a reader's script would. */
export async function postComment (site: Site, slug: string, comment: Record<string, unknown>) {
  const res = await site.api(`/v1/articles/${encodeURIComponent(slug)}/comments`, { method: 'POST', body: comment })
  if (res.status !== 201) throw new Error(`posting a comment answered ${res.status}: ${JSON.stringify(res.body)}`)
  return res.body as { id: number, status: string, authorName: string }
}

/** Approves a comment as an editor would (the bootstrap admin token). */
export async function approve (site: Site, id: number) {
  const res = await site.api(`/v1/comments/${id}`, { method: 'PATCH', body: { status: 'approved' }, token: TOKEN })
  if (res.status !== 200) throw new Error(`approving comment ${id} answered ${res.status}: ${JSON.stringify(res.body)}`)
  return res.body
}
