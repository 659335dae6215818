// The dependency keys of article answers and of article writes (see http/dependencies.ts).
import { keys } from '../lib/dependency-keys.js'
import type { ArticleRow } from './repository.js'
import type { Article, ArticleListQuery } from './schemas.js'
import { TEASER_FIELDS } from './schemas.js'
import { isLive } from './workflow.js'

type Shown = Pick<Partial<Article>, 'category' | 'author' | 'tags' | 'commentCount'> & { id: number }

const TEASER = new Set<string>(TEASER_FIELDS)

/** Whether an answer showing `fields` (undefined: all) of an article shows only what a teaser does. */
export function teaserOnly (fields: readonly string[] | undefined): boolean {
  return fields !== undefined && fields.every((field) => TEASER.has(field))
}

/**
 * What answers showing `articles` depend on: each article (or its teaser), its comment count
 * and the category, author and tags shown with it, whose names and slugs it repeats; only
 * what the answer shows of them (?fields=).
 */
export function articleKeys (articles: Shown[], teaser: boolean): string[] {
  const out: string[] = []
  for (const article of articles) {
    out.push(teaser ? keys.teaser(article.id) : keys.article(article.id))
    if (article.commentCount !== undefined) out.push(keys.commentCount(article.id))
    if (article.category) out.push(keys.category(article.category.id))
    if (article.author) out.push(keys.author(article.author.id))
    for (const tag of article.tags ?? []) out.push(keys.tag(tag.id))
  }
  return out
}

/** The collection keys of a list: which articles it holds and in what order. */
export function listKeys (query: Pick<ArticleListQuery, 'q' | 'sort' | 'updatedAfter'>): string[] {
  const out: string[] = [keys.articles]
  if (query.q !== undefined) out.push(keys.search)
  if (query.sort === 'title') out.push(keys.articlesTitle)
  if (query.sort === 'updatedAt' || query.sort === '-updatedAt' || query.updatedAfter !== undefined) out.push(keys.articlesUpdated)
  return out
}

/** Columns a teaser shows (besides tags and the comment count, named by their writes). */
const TEASER_COLUMNS = ['slug', 'title', 'subtitle', 'excerpt', 'featured', 'categoryId', 'authorId', 'coverImage', 'readingTimeMinutes', 'publishedAt'] as const
/** Columns that decide which lists hold an article and where (with its tags). */
const MEMBERSHIP_COLUMNS = ['publishedAt', 'categoryId', 'authorId', 'featured'] as const
/** Columns the search index reads. */
const TEXT_COLUMNS = ['title', 'excerpt', 'html'] as const

const differs = (before: ArticleRow, after: ArticleRow, columns: ReadonlyArray<keyof ArticleRow>) =>
  columns.some((column) => JSON.stringify(before[column]) !== JSON.stringify(after[column]))

/** Waiting to go live (scheduled, or published with a date to come). */
const goesLiveLater = (row: ArticleRow | undefined, now: string) =>
  row !== undefined && (row.status === 'scheduled' || row.status === 'published') && row.publishedAt !== null && row.publishedAt > now

/**
 * What a write of an article changed, from its row before (undefined: created) and after
 * (undefined: deleted); `tagsChanged` when the write set its tags. Null, every answer, when
 * the write moves a go-live time: the cache then starts over as when a scheduled article goes live.
 * An article that is not live before or after shows only in its own (non-public) answers.
 */
export function articleChangeKeys (before: ArticleRow | undefined, after: ArticleRow | undefined, now: string, tagsChanged: boolean): string[] | null {
  if (goesLiveLater(before, now) || goesLiveLater(after, now)) return null
  const id = (after ?? before)!.id
  const out = [keys.article(id)]
  const liveBefore = before !== undefined && isLive(before, now)
  const liveAfter = after !== undefined && isLive(after, now)
  if (!liveBefore && !liveAfter) return out
  out.push(keys.articlesUpdated)
  const moved = liveBefore !== liveAfter || tagsChanged || differs(before!, after!, MEMBERSHIP_COLUMNS)
  if (moved || differs(before!, after!, TEASER_COLUMNS)) out.push(keys.teaser(id))
  // Its comments are public only while it is, at the URL of its slug.
  if (liveBefore !== liveAfter || differs(before!, after!, ['slug'])) out.push(keys.comments(id))
  // Lists, "More articles", "Latest article" and the taxonomy's article counts.
  if (moved) out.push(keys.articles, keys.categories, keys.authors, keys.tags)
  if (liveBefore !== liveAfter || differs(before!, after!, ['title'])) out.push(keys.articlesTitle)
  if (liveBefore !== liveAfter || differs(before!, after!, TEXT_COLUMNS)) out.push(keys.search)
  return out
}

/** What a change of article `id`'s approved comments changed: its comment list and count. */
export function commentChangeKeys (id: number): string[] {
  return [keys.comments(id), keys.commentCount(id)]
}
