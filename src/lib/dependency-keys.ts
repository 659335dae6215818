// The dependency keys of public answers: what an answer shows and a write changes (see http/dependencies.ts).

/**
 * The dependency keys, one vocabulary for the cache, the headers and the docs (docs/api.md,
 * "Caching"). An article's answer shows `article-<id>`; a teaser of it (lists with teaser
 * fields, "More articles", "Latest article") `teaser-<id>`; either may show its comment count.
 * Collections name what decides which rows a list holds and in what order.
 */
export const keys = {
  /** Everything of article `id` a full answer shows (body, SEO, revision, comment count, …). */
  article: (id: number) => `article-${id}`,
  /** What a teaser of article `id` shows: title, excerpt, cover, date, relations, comment count. */
  teaser: (id: number) => `teaser-${id}`,
  /** The approved comments of article `id`. */
  comments: (id: number) => `comments-${id}`,
  /** The approved comment count of article `id`, which its answers and teasers show. */
  commentCount: (id: number) => `comment-count-${id}`,
  category: (id: number) => `category-${id}`,
  author: (id: number) => `author-${id}`,
  tag: (id: number) => `tag-${id}`,
  /** Which live articles there are, by date, status, category, author, tags and "featured". */
  articles: 'articles',
  /** The order of lists sorted by updatedAt: every edit of a live article moves it. */
  articlesUpdated: 'articles-updated',
  /** The order of lists sorted by title. */
  articlesTitle: 'articles-title',
  /** Full-text search answers: any text of a live article. */
  search: 'search',
  categories: 'categories',
  tags: 'tags',
  authors: 'authors',
  /** Ad slots and what article pages list of them. */
  ads: 'ads'
} as const
