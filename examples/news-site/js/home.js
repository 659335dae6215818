// The front page: the latest published articles from GET /v1/articles, newest first, each
// linking to its article page; sections from GET /v1/categories filter the list.

import { api } from './api.js'
import { articleHref, fillChrome, formatAgo, formatShortDate, h, time } from './dom.js'

const FIELDS = 'slug,title,subtitle,excerpt,featured,category,author,publishedAt,readingTimeMinutes,commentCount'
const PAGE_SIZE = 10

const $ = (selector) => document.querySelector(selector)

function teaser (article, lead) {
  return h('li', { class: lead ? 'teaser teaser--lead' : 'teaser' },
    h('article', {},
      h('p', { class: 'teaser__kicker' },
        article.category ? h('span', { class: 'teaser__section' }, article.category.name) : null,
        article.featured ? h('span', { class: 'label-must-read' }, 'Must read') : null),
      h('h3', { class: 'teaser__title' }, h('a', { href: articleHref(article.slug) }, article.title)),
      lead && article.subtitle ? h('p', { class: 'teaser__standfirst' }, article.subtitle) : null,
      article.excerpt ? h('p', { class: 'teaser__excerpt' }, article.excerpt) : null,
      h('p', { class: 'teaser__meta' },
        article.author ? `${article.author.name} · ` : '',
        time(article.publishedAt, lead ? formatAgo(article.publishedAt) : formatShortDate(article.publishedAt)),
        article.readingTimeMinutes ? ` · ${article.readingTimeMinutes} min read` : '',
        article.commentCount ? ` · ${article.commentCount} comment${article.commentCount === 1 ? '' : 's'}` : '')))
}

async function loadSections (current) {
  try {
    const { data } = await api.sections()
    const list = $('[data-sections]')
    for (const category of data) {
      const link = h('a', { href: `./?category=${encodeURIComponent(category.slug)}` }, category.name)
      if (category.slug === current) link.setAttribute('aria-current', 'page')
      list.append(h('li', {}, link))
    }
    return data.find((c) => c.slug === current) ?? null
  } catch {
    return null
  }
}

async function main () {
  fillChrome()
  const category = new URLSearchParams(location.search).get('category') || undefined
  const list = $('[data-articles]')
  const more = $('[data-more]')
  const message = $('[data-message]')
  let cursor

  const section = await loadSections(category)
  if (section) {
    $('[data-front-title]').textContent = section.name
    document.title = `${section.name} | The Broadsheet`
  }

  async function load () {
    more.disabled = true
    try {
      const page = await api.articles({ fields: FIELDS, limit: PAGE_SIZE, category, cursor })
      const first = list.childElementCount === 0
      list.append(...page.data.map((a, i) => teaser(a, first && i === 0)))
      cursor = page.meta.nextCursor ?? undefined
      more.hidden = !cursor
      if (first && page.data.length === 0) message.textContent = 'Nothing has been published here yet.'
    } catch {
      message.textContent = 'The news could not be loaded. Please check your connection and reload the page.'
    } finally {
      more.disabled = false
      $('[data-loading]')?.remove()
      $('#main').removeAttribute('aria-busy')
    }
  }
  more.addEventListener('click', load)
  await load()
  document.body.dataset.ready = 'true'
}

main()
