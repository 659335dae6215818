// Article body to HTML: markdown-it, then sanitize-html, which decides what survives.
import MarkdownIt from 'markdown-it'
import sanitizeHtml from 'sanitize-html'
import { decodeHTML } from 'entities'

// markdown-it: CommonMark, well kept, and with `html: true` a writer may embed a figure
// or an embed; whatever it emits then goes through sanitize-html, which is what decides
// what survives. No renderer output reaches a reader unsanitized.
const markdown = new MarkdownIt({ html: true, linkify: true, typographer: true })

/**
 * Prefix of every id and name in article HTML, as GitHub does: an author's `id="comments"`
 * must not clobber the frontend's own element (or `window.comments`) on the same page.
 */
export const ID_PREFIX = 'user-content-'

const prefixed = (value: string) => (value.startsWith(ID_PREFIX) ? value : `${ID_PREFIX}${value}`)

/** Prefixes id and name, and same-page fragment links with them so in-article anchors still land. */
function namespaceIds (attribs: sanitizeHtml.Attributes): sanitizeHtml.Attributes {
  for (const key of ['id', 'name']) {
    const value = attribs[key]?.trim()
    if (value === undefined) continue
    if (value === '') delete attribs[key]
    else attribs[key] = prefixed(value)
  }
  // A bare "#" means the top of the page, not an element: left alone.
  const fragment = attribs.href !== undefined ? /^\s*#(.+)$/s.exec(attribs.href)?.[1] : undefined
  if (fragment !== undefined) attribs.href = `#${prefixed(fragment)}`
  return attribs
}

/** Hosts whose players may be embedded in an article; any other iframe is removed. */
export const IFRAME_HOSTS = ['www.youtube.com', 'www.youtube-nocookie.com', 'player.vimeo.com', 'www.openstreetmap.org']

const sanitizeOptions: sanitizeHtml.IOptions = {
  allowedTags: [
    'p', 'br', 'hr', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'code', 'em', 'strong', 'b', 'i', 'u', 's',
    'sub', 'sup', 'small', 'mark', 'abbr', 'cite', 'q', 'time', 'a', 'ul', 'ol', 'li', 'dl', 'dt', 'dd',
    'figure', 'figcaption', 'img', 'picture', 'source', 'table', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td', 'caption',
    'iframe', 'aside', 'section', 'span', 'div'
  ],
  allowedAttributes: {
    // name: old-style anchors (<a name="notes">) of imported articles, prefixed like ids.
    a: ['href', 'title', 'rel', 'target', 'name'],
    img: ['src', 'srcset', 'sizes', 'alt', 'title', 'width', 'height', 'loading'],
    source: ['srcset', 'sizes', 'media', 'type'],
    iframe: ['src', 'width', 'height', 'title', 'allow', 'allowfullscreen', 'loading'],
    abbr: ['title'],
    time: ['datetime'],
    td: ['colspan', 'rowspan'],
    th: ['colspan', 'rowspan', 'scope'],
    ol: ['start', 'reversed'],
    blockquote: ['cite'],
    q: ['cite'],
    code: ['class'],
    '*': ['id', 'lang', 'dir']
  },
  allowedClasses: { code: [/^language-[\w-]+$/] },
  allowedSchemes: ['http', 'https', 'mailto', 'tel'],
  allowedSchemesByTag: { img: ['http', 'https'], source: ['http', 'https'], iframe: ['https'] },
  allowedSchemesAppliedToAttributes: ['href', 'src', 'cite', 'srcset'],
  allowProtocolRelative: false,
  allowedIframeHostnames: IFRAME_HOSTS,
  disallowedTagsMode: 'discard',
  // An iframe whose src was refused (unknown host, not https) goes entirely.
  exclusiveFilter: (frame) => frame.tag === 'iframe' && !frame.attribs.src,
  transformTags: {
    // The headline is the page's h1; headings in a body start at h2.
    h1: 'h2',
    // Links that open elsewhere must not hand the opener to the other page.
    a: (tagName, attribs) => {
      const target = attribs.target?.trim().toLowerCase()
      if (target && target !== '_self' && target !== '_parent' && target !== '_top') attribs.rel = 'noopener noreferrer'
      return { tagName, attribs }
    },
    iframe: (tagName, attribs) => ({ tagName, attribs: { ...attribs, loading: 'lazy' } }),
    // Runs after the tag's own transform, for every tag.
    '*': (tagName, attribs) => ({ tagName, attribs: namespaceIds(attribs) })
  }
}

/** Renders an article body to sanitized HTML. */
export function renderBody (body: string, format: 'markdown' | 'html'): string {
  const raw = format === 'markdown' ? markdown.render(body) : body
  return sanitizeHtml(raw, sanitizeOptions).trim()
}

/** The visible text of sanitized HTML, with block boundaries as spaces. */
export function plainText (html: string): string {
  const text = sanitizeHtml(html.replace(/<\/(p|h[1-6]|li|blockquote|figcaption|td|th|div|pre)>|<br\s*\/?>/gi, '$& '), {
    allowedTags: [],
    allowedAttributes: {}
  })
  return decodeHTML(text).replace(/\s+/g, ' ').trim()
}

// Scripts written without spaces between words count one word per character.
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}]/u
const WORD = /[\p{L}\p{N}][\p{L}\p{N}\p{M}'’-]*/gu

/** Words in plain text: runs of letters and digits; each CJK or Thai character is one word. */
export function countWords (text: string): number {
  let count = 0
  for (const match of text.matchAll(WORD)) {
    const word = match[0]
    if (CJK.test(word)) {
      const chars = [...word]
      const cjk = chars.filter((c) => CJK.test(c)).length
      count += cjk + (cjk < chars.length ? 1 : 0)
    } else {
      count += 1
    }
  }
  return count
}

/** Minutes to read at 230 words a minute, at least 1 for any text. */
export function readingTime (words: number): number {
  return words === 0 ? 0 : Math.max(1, Math.round(words / 230))
}

/** The text of the paragraphs of sanitized HTML (no headings, captions or lists), or all of it. */
export function paragraphText (html: string): string {
  const paragraphs = [...html.matchAll(/<p>([\s\S]*?)<\/p>/g)].map((m) => plainText(m[1]!)).filter(Boolean)
  return paragraphs.length > 0 ? paragraphs.join(' ') : plainText(html)
}

/** An excerpt from the first paragraphs: at most `max` characters, cut at a word. */
export function deriveExcerpt (text: string, max = 220): string {
  if (text.length <= max) return text
  const cut = text.slice(0, max - 1)
  const space = cut.lastIndexOf(' ')
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,.;:!?-]+$/, '')}…`
}
