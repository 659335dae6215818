// The article page: one call to /v1/article-pages/{slug} renders everything but the ads and the
// comments, which come from /v1/ads/serve (never cached) and /v1/articles/{slug}/comments.

import { api, ApiError } from './api.js'
import { createSlot, loadAds } from './ads.js'
import { setupComments } from './comments.js'
import { articleHref, fillChrome, formatAgo, formatDateline, formatShortDate, fragmentFromHtml, h, showPageMessage, time } from './dom.js'

const $ = (selector, root = document) => root.querySelector(selector)

/** The slug from ?slug=, or the newest "Must read" (else newest) article for a bare article.html. */
async function resolveSlug () {
  const given = new URLSearchParams(location.search).get('slug')
  if (given) return given
  const featured = await api.articles({ featured: true, limit: 1, fields: 'slug' })
  const newest = featured.data[0] ?? (await api.articles({ limit: 1, fields: 'slug' })).data[0]
  if (newest) history.replaceState(null, '', articleHref(newest.slug))
  return newest?.slug ?? null
}

function renderHeader (article) {
  const kicker = $('[data-kicker]')
  if (article.category) kicker.append(h('a', { class: 'kicker__section', href: `./?category=${encodeURIComponent(article.category.slug)}` }, article.category.name))
  if (article.featured) kicker.append(h('span', { class: 'label-must-read' }, 'Must read'))
  kicker.hidden = kicker.childElementCount === 0

  const dateline = $('[data-dateline]')
  const published = article.publishedAt ?? article.createdAt
  dateline.replaceChildren(time(published, formatDateline(published), { class: 'dateline__time' }))

  $('[data-headline]').textContent = article.title
  const subtitle = $('[data-subtitle]')
  subtitle.textContent = article.subtitle ?? ''
  subtitle.hidden = !article.subtitle

  const byline = $('[data-byline]')
  if (article.author) byline.append(h('span', { class: 'byline__by' }, 'By ', h('span', { class: 'byline__name' }, article.author.name)))
  if (article.readingTimeMinutes) byline.append(h('span', { class: 'byline__reading' }, `${article.readingTimeMinutes} min read`))
  byline.hidden = byline.childElementCount === 0
}

function renderCover (article) {
  const figure = $('[data-cover]')
  if (!article.coverImage?.url) return
  const img = h('img', { src: article.coverImage.url, alt: article.coverImage.alt ?? '', width: 1200, height: 675, decoding: 'async', fetchpriority: 'high' })
  // A picture that cannot load leaves a quiet placeholder, never a broken-image icon.
  img.addEventListener('error', () => figure.classList.add('is-missing'), { once: true })
  figure.prepend(img)
  if (article.coverImage.caption) $('figcaption', figure).textContent = article.coverImage.caption
  else $('figcaption', figure).remove()
  figure.hidden = false
}

/** The body from the API's sanitized html, with each in-article slot after its paragraph. */
function renderBody (article, inArticleSlots, viewportWidth, containers) {
  const body = $('[data-body]')
  body.append(fragmentFromHtml(article.html))
  const paragraphs = [...body.children].filter((el) => el.tagName === 'P')
  for (const slot of inArticleSlots) {
    const after = slot.inArticle?.afterParagraph ?? 2
    // Only between paragraphs: an article too short for the slot shows no in-article ad.
    if (paragraphs.length <= after) continue
    const el = createSlot(slot, viewportWidth)
    paragraphs[after - 1].after(el)
    containers.set(slot.key, el)
  }
}

function renderTags (article) {
  const footer = $('[data-tags]')
  if (!article.tags?.length) { footer.remove(); return }
  footer.append(h('h2', { class: 'visually-hidden' }, 'Topics'),
    h('ul', { class: 'tags' }, article.tags.map((t) => h('li', {}, h('span', { class: 'tag' }, t.name)))))
}

function renderLatest (latest) {
  const list = $('[data-latest]')
  if (latest.length === 0) { list.closest('section').remove(); return }
  list.append(...latest.map((a, index) => h('li', { class: index === 0 ? 'latest__item latest__item--lead' : 'latest__item' },
    h('a', { class: 'latest__link', href: articleHref(a.slug) }, a.title),
    index === 0 && a.excerpt ? h('p', { class: 'latest__excerpt' }, a.excerpt) : null,
    h('p', { class: 'latest__meta' }, time(a.publishedAt, formatAgo(a.publishedAt))))))
}

function renderRelated (related) {
  const list = $('[data-related]')
  if (related.length === 0) { list.closest('section').remove(); return }
  list.append(...related.map((a) => h('li', { class: 'card' },
    h('article', {},
      a.category ? h('p', { class: 'card__section' }, a.category.name) : null,
      h('h3', { class: 'card__title' }, h('a', { href: articleHref(a.slug) }, a.title)),
      a.excerpt ? h('p', { class: 'card__excerpt' }, a.excerpt) : null,
      h('p', { class: 'card__meta' }, time(a.publishedAt, formatShortDate(a.publishedAt)),
        a.readingTimeMinutes ? ` · ${a.readingTimeMinutes} min read` : '')))))
}

/** Containers for every slot of the page, each where its placement belongs. */
function placeSlots (adSlots, viewportWidth, containers) {
  for (const slot of adSlots) {
    if (slot.placement === 'in_article') continue
    const host = document.querySelector(`[data-placement="${slot.placement}"]`)
    if (!host) continue
    const el = createSlot(slot, viewportWidth)
    host.append(el)
    containers.set(slot.key, el)
  }
}

async function main () {
  fillChrome()
  const main = $('#main')
  let slug
  let page
  let comments
  try {
    slug = await resolveSlug()
    if (!slug) { showPageMessage(main, 'No articles yet', 'Nothing has been published yet. Please come back later.'); return }
    // The page and its comments in parallel; the comments may fail on their own.
    comments = api.comments(slug).catch((error) => (error instanceof Error ? error : new Error(String(error))))
    page = await api.articlePage(slug)
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      showPageMessage(main, 'We could not find that article', 'It may have been moved or unpublished.')
    } else {
      showPageMessage(main, 'The news could not be loaded', 'Please check your connection and reload the page.')
    }
    return
  }

  const { article, related, latest, adSlots, commentCount } = page
  document.title = `${article.seo?.title || article.title} | The Broadsheet`
  const description = article.seo?.description || article.excerpt
  if (description) document.querySelector('meta[name="description"]')?.setAttribute('content', description)

  const viewportWidth = document.documentElement.clientWidth || window.innerWidth
  const containers = new Map()
  renderHeader(article)
  renderCover(article)
  renderBody(article, adSlots.filter((s) => s.placement === 'in_article'), viewportWidth, containers)
  renderTags(article)
  renderLatest(latest)
  renderRelated(related)
  placeSlots(adSlots, viewportWidth, containers)

  $('[data-loading]').remove()
  $('[data-page]').hidden = false
  main.removeAttribute('aria-busy')

  // One serve call in the slots' configured order: the most valuable slot is picked first.
  const ordered = new Map(adSlots.filter((s) => containers.has(s.key)).map((s) => [s.key, containers.get(s.key)]))
  const ads = loadAds(ordered, { article: article.slug, viewportWidth })
  setupComments($('#comments'), { slug: article.slug, article, commentCount, initial: await comments })
  await ads
  document.body.dataset.ready = 'true'
  if (location.hash) document.getElementById(location.hash.slice(1))?.scrollIntoView()
}

main()
