// A comment's HTML from its plain text, and the link count and email form the defences use.
import { hash } from 'node:crypto'
import { LinkifyIt } from 'linkify-it'
import { escapeUTF8 } from 'entities'

// fuzzyLink: www.example.com is a link too, for the link limit and in the html.
const linkify = new LinkifyIt({ fuzzyLink: true })

const MAYBE_LINK = /:|\/\/|\.[\p{L}\p{N}]/u

function linkified (line: string): string {
  // A link needs a colon (a scheme), "//" or a dot before a letter or digit (a host): most lines of
  // a comment have neither, and linkify's large expressions need not run on them.
  if (!MAYBE_LINK.test(line)) return escapeUTF8(line)
  const matches = linkify.match(line) ?? []
  let out = ''
  let at = 0
  for (const m of matches) {
    // Only web links become anchors; an email address or other scheme stays text.
    if (!/^https?:/i.test(m.url)) continue
    out += escapeUTF8(line.slice(at, m.index))
    out += `<a href="${escapeUTF8(m.url)}" rel="nofollow ugc">${escapeUTF8(m.text)}</a>`
    at = m.lastIndex
  }
  return out + escapeUTF8(line.slice(at))
}

/**
 * A comment's HTML: the plain-text body escaped, web links made anchors with
 * rel="nofollow ugc", blank lines as paragraphs and single newlines as <br>. Everything a
 * reader typed is text in the result, so it is safe to insert into a page as is.
 */
export function commentHtml (body: string): string {
  return body.trim().split(/\n\s*\n/).map((paragraph) =>
    `<p>${paragraph.split('\n').map((line) => linkified(line.trim())).join('<br>')}</p>`
  ).join('')
}

/** Web links in a text, for the link limit. */
export function countLinks (text: string): number {
  if (!MAYBE_LINK.test(text)) return 0
  return (linkify.match(text) ?? []).filter((m) => /^https?:/i.test(m.url) || m.schema === '').length
}

/** The canonical form of an email: trimmed and lower-cased. */
export function normalizeEmail (email: string): string {
  return email.trim().toLowerCase()
}

/** SHA-256 of the normalized email, for Gravatar-style avatars. */
export function avatarHash (email: string): string {
  return hash('sha256', normalizeEmail(email), 'hex')
}
