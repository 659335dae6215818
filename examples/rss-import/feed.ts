import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { decodeHTML } from 'entities'
import { XMLParser, XMLValidator } from 'fast-xml-parser'
import type { components } from '../../clients/typescript/index.js'

/** A feed that cannot be read or is not RSS 2.0: the importer prints the message and stops. */
export class FeedError extends Error {}

/** One RSS 2.0 `<item>`, the fields the importer reads. */
export interface FeedItem {
  title: string
  guid?: string | undefined
  link?: string | undefined
  pubDate?: string | undefined
  description?: string | undefined
  content?: string | undefined
  categories: string[]
}

/** An article to create and the Idempotency-Key that makes its creation happen once. */
export interface ArticleDraft { key: string, body: components['schemas']['CreateArticle'] }

const EXCERPT_MAX = 1000

/** The feed's XML from an http(s) URL or a file path. */
export async function readFeed (source: string): Promise<string> {
  if (!/^https?:\/\//i.test(source)) {
    return readFile(source, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new FeedError(`Could not read ${source}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`)
    })
  }
  const response = await fetch(source, { signal: AbortSignal.timeout(30_000) }).catch((error: Error) => {
    throw new FeedError(`Could not fetch ${source}: ${error.message}`)
  })
  if (!response.ok) throw new FeedError(`Could not fetch ${source}: HTTP ${response.status}`)
  return response.text()
}

/** A text element's value; an element holding markup instead of text counts as absent. */
function text (value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined
}

/** The items of an RSS 2.0 document, or a FeedError saying why it is not one. */
export function parseFeed (xml: string, source: string): FeedItem[] {
  const valid = XMLValidator.validate(xml)
  if (valid !== true) throw new FeedError(`${source} is not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`)
  const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, isArray: (name) => name === 'item' || name === 'category' })
  const channel = parser.parse(xml)?.rss?.channel
  if (channel === undefined || channel === null || typeof channel !== 'object') {
    throw new FeedError(`${source} is not an RSS 2.0 feed: it has no <rss><channel>`)
  }
  const items: Array<Record<string, unknown>> = channel.item ?? []
  return items.map((item) => ({
    title: text(item.title) ?? '',
    guid: text(item.guid),
    link: text(item.link),
    pubDate: text(item.pubDate),
    description: text(item.description),
    content: text(item['content:encoded']),
    categories: [...new Set((item.category as unknown[] | undefined ?? []).map(text).filter((name) => name !== undefined))]
  }))
}

/** Tags removed, entities decoded, whitespace collapsed, cut at a word to fit an excerpt. */
function excerptOf (html: string): string {
  const plain = decodeHTML(html.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim()
  if (plain.length <= EXCERPT_MAX) return plain
  return `${plain.slice(0, EXCERPT_MAX - 1).replace(/\s+\S*$/, '')}…`
}

/**
 * The article an item becomes: its content (or description) as an html body, the description
 * as the excerpt when both exist, categories as tags (by name: unknown ones are created), and
 * its pubDate kept (published, or scheduled when still to come). The key hashes the guid (or
 * link) so a re-run sends the same key and the API answers the first creation again.
 */
export function articleFromItem (item: FeedItem, now: Date): ArticleDraft {
  const identity = item.guid ?? item.link ?? `${item.title}\n${item.pubDate ?? ''}`
  const key = `rss-${createHash('sha256').update(identity).digest('hex')}`
  const body: ArticleDraft['body'] = { title: item.title, body: item.content ?? item.description ?? '', format: 'html', status: 'published' }
  if (item.content !== undefined && item.description !== undefined) body.excerpt = excerptOf(item.description)
  if (item.categories.length > 0) body.tags = item.categories
  const date = item.pubDate === undefined ? undefined : new Date(item.pubDate)
  if (date !== undefined && !Number.isNaN(date.getTime())) {
    if (date > now) Object.assign(body, { status: 'scheduled', publishAt: date.toISOString() })
    else body.publishedAt = date.toISOString()
  }
  return { key, body }
}
