// SQLite's search index of articles: FTS5 (search.ts), planned (search-plan.ts) and listed (search-list.ts).
import type { SearchIndex } from './search-index.js'
import { searchArticles } from './search-list.js'
import { indexArticle, unindexArticle } from './search.js'

/** FTS5 behind the SearchIndex interface, for the articles repository and the list route. */
export const sqliteSearchIndex: SearchIndex = {
  index: indexArticle,
  unindex: unindexArticle,
  search: searchArticles
}
