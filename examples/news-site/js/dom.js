// Small DOM helpers shared by the pages. No innerHTML with API data: HTML from the API is
// parsed with DOMParser and its nodes are appended.

/**
 * Creates an element. `attrs` sets attributes (false/null/undefined skip one; `class` and
 * `text` are shorthands); children are nodes or strings.
 */
export function h (tag, attrs = {}, ...children) {
  const el = document.createElement(tag)
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue
    if (name === 'text') el.textContent = String(value)
    else el.setAttribute(name, value === true ? '' : String(value))
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue
    el.append(child instanceof Node ? child : String(child))
  }
  return el
}

/** The top-level nodes of an HTML fragment (the API's sanitized html), ready to append. */
export function fragmentFromHtml (html) {
  const doc = new DOMParser().parseFromString(`<!doctype html><body>${html}`, 'text/html')
  const fragment = document.createDocumentFragment()
  for (const node of [...doc.body.childNodes]) fragment.append(document.adoptNode(node))
  return fragment
}

const longDate = new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' })
const shortDate = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric' })
const clock = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', timeZoneName: 'short' })

/** "Friday 27 November 2026, 09:31 UTC" */
export const formatDateline = (iso) => `${longDate.format(new Date(iso))}, ${clock.format(new Date(iso))}`
/** "09:31 UTC" */
export const formatClock = (iso) => clock.format(new Date(iso))
/** "27 Nov 2026" */
export const formatShortDate = (iso) => shortDate.format(new Date(iso))
/** "Friday 27 November 2026": today, for the masthead. */
export const formatToday = () => longDate.format(new Date())

/** "3 hours ago", "yesterday", or the short date for anything older than a week. */
export function formatAgo (iso, now = Date.now()) {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000)
  const rtf = new Intl.RelativeTimeFormat('en-GB', { numeric: 'auto' })
  const abs = Math.abs(seconds)
  if (abs < 60) return 'just now'
  if (abs < 3600) return rtf.format(Math.round(seconds / 60), 'minute')
  if (abs < 86_400) return rtf.format(Math.round(seconds / 3600), 'hour')
  if (abs < 7 * 86_400) return rtf.format(Math.round(seconds / 86_400), 'day')
  return formatShortDate(iso)
}

/** A <time> element with the machine-readable timestamp. */
export const time = (iso, text, attrs = {}) => h('time', { datetime: iso, title: formatDateline(iso), ...attrs }, text)

/** The link to an article page of this demo. */
export const articleHref = (slug) => `article.html?slug=${encodeURIComponent(slug)}`

/** Fills the masthead's date and the footer's year (both pages share them). */
export function fillChrome () {
  const today = document.querySelector('[data-today]')
  if (today) { today.textContent = formatToday(); today.setAttribute('datetime', new Date().toISOString().slice(0, 10)) }
  const year = document.querySelector('[data-year]')
  if (year) year.textContent = String(new Date().getFullYear())
}

/** Replaces the content of the main region with a message (404, network error …). */
export function showPageMessage (container, title, text) {
  container.replaceChildren(h('section', { class: 'page-message', role: 'alert' },
    h('h1', { text: title }),
    h('p', { text }),
    h('p', {}, h('a', { href: './' }, 'Back to the front page'))))
  container.removeAttribute('aria-busy')
}
