// Full-text search of articles on PostgreSQL: a weighted tsvector per article in
// articles_search (GIN-indexed), with the behaviour of the FTS5 search on SQLite.
import { sql, type SQL } from 'drizzle-orm'
import { z } from 'zod'
import type { Executor } from '../db/database.js'
import type { AuthContext } from '../lib/roles.js'
import { decodeCursor, encodeCursor } from '../lib/cursor.js'
import { type ArticleRowsPage, rowsByIds, sortOf } from './queries.js'
import type { ArticleListQuery } from './schemas.js'
import { COMMON_FACTOR, MIN_PREFIX, PROBE_IDS, searchWords } from './search-plan.js'
import { foldWord, type RankingCache } from './search.js'
import { afterCursorPg, type DateSort, filtersPg, sortSpecPg } from './search-postgres-sql.js'
import type { SearchContext, SearchIndex } from './search-index.js'

/**
 * ts_rank's weights for {D, C, B, A}: body (C) 0.1, excerpt (B) 0.4, title (A) 1.0, the 1/4/10
 * of bm25 on SQLite. ts_rank rather than ts_rank_cd: it counts a word's further occurrences
 * less and less (1, 1/4, 1/9 …), as bm25 saturates, so a word repeated in a body does not
 * outrank it once in a title; normalization 1 divides by the log of the document's length,
 * as bm25 weighs long documents down.
 */
const RANK_WEIGHTS = '{0, 0.1, 0.4, 1.0}'

/**
 * The words of a text as FTS5's unicode61 tokenizer splits them (runs of letters and digits),
 * one space apart: PostgreSQL's parser would keep `example.com` or `3.14` whole, and a reader
 * typing `example` must find it, as on SQLite.
 */
function words (text: string): string {
  return text.match(/[\p{L}\p{N}][\p{L}\p{N}\p{M}]*/gu)?.join(' ') ?? ''
}

const field = (text: string, weight: 'A' | 'B' | 'C') => sql`setweight(to_tsvector('simple', broadsheet_fold(${words(text)})), ${weight})`

/**
 * A word as a tsquery: folded as the index is, then quoted as one lexeme (quotes and backslashes
 * escaped, chr() keeping the SQL free of escapes), so nothing the reader types is query syntax.
 * `suffix` is ours: `:*` for a prefix, `A` for titles only. Read back as text: the later
 * queries cast it once instead of parsing the words per row.
 */
function wordQuery (word: string, suffix: string): SQL {
  const quoted = sql`chr(39) || replace(replace(nullif(broadsheet_fold(${word}), ''), chr(92), chr(92) || chr(92)), chr(39), chr(39) || chr(39)) || chr(39)`
  return sql`cast(to_tsquery('simple', ${quoted} || ${suffix}) as text)`
}

/** A search ready to run: tsquery texts PostgreSQL wrote itself. */
export interface PgSearchPlan {
  /** Every word required (the last one as a prefix); null when no word leaves a lexeme. */
  match: string | null
  /** The words ranking weighs: all but the common ones; null when every word is common. */
  rank: string | null
  /** `match` within titles: with only common words, title matches come first. */
  title: string
  newestId: number
}

const and = (parts: string[]) => parts.map((p) => `(${p})`).join(' & ')

/**
 * Plans a search in one round trip: each word as a tsquery (the last one a prefix from
 * MIN_PREFIX letters), within titles too; then, past COMMON_FACTOR × window articles, which
 * words are common enough to leave out of the ranking (estimated as on SQLite).
 */
export async function planPostgresSearch (db: Executor, q: string, window: number): Promise<PgSearchPlan> {
  const list = searchWords(q)
  const last = list.length - 1
  const prefix = [...foldWord(list[last]!)].length >= MIN_PREFIX ? ':*' : ''
  const selects = list.map((word, i) => {
    const suffix = i === last ? prefix : ''
    return sql`${wordQuery(word, suffix)} as ${sql.identifier(`m${i}`)}, ${wordQuery(word, `${suffix === '' ? ':' : suffix}A`)} as ${sql.identifier(`t${i}`)}`
  })
  const row = (await db.get<Record<string, string | number | null>>(sql`select ${sql.join(selects, sql`, `)},
    (select max(id) from articles) as "newestId"`))!
  const present = list.map((_, i) => i).filter((i) => row[`m${i}`] !== null && row[`m${i}`] !== '')
  const newestId = Number(row.newestId ?? 0)
  if (present.length === 0) return { match: null, rank: null, title: '', newestId }
  const groups = present.map((i) => row[`m${i}`] as string)
  const common = COMMON_FACTOR * window
  const ranked: string[] = []
  for (const group of groups) {
    // Below that many articles no word can be common: nothing to estimate.
    if (newestId <= common || await estimateMatches(db, group, newestId) <= common) ranked.push(group)
  }
  return { match: and(groups), rank: ranked.length > 0 ? and(ranked) : null, title: and(present.map((i) => row[`t${i}`] as string)), newestId }
}

/** Estimated number of articles matching a tsquery, from the newest PROBE_IDS ids. */
async function estimateMatches (db: Executor, query: string, newestId: number): Promise<number> {
  const sample = Math.min(PROBE_IDS, newestId)
  const { n } = (await db.get<{ n: number }>(sql`select count(*) as "n" from articles_search
    where article_id > ${newestId - sample} and document @@ cast(${query} as tsquery)`))!
  return Math.round(n * newestId / sample)
}

interface Window { ids: number[], bounded: boolean, ranked: number[] }

/**
 * The newest `size` matches `where` lets through (alias a), newest first, whether more matched,
 * and their order by relevance, read in one query: ts_rank over the words that weigh, or,
 * when every word is common, title matches first, each part newest first.
 */
async function searchWindow (db: Executor, plan: PgSearchPlan & { match: string }, where: SQL, size: number): Promise<Window> {
  const score = plan.rank === null
    ? sql`case when s.document @@ cast(${plan.title} as tsquery) then 1 else 0 end`
    : sql`ts_rank(cast(${RANK_WEIGHTS} as real[]), s.document, cast(${plan.rank} as tsquery), 1)`
  // Ranked in the outer query: only the window's documents are scored.
  const rows = await db.all<{ id: number, score: number }>(sql`select w.id as "id", ${score} as "score"
    from (select s.article_id as id from articles_search s join articles a on a.id = s.article_id
      where s.document @@ cast(${plan.match} as tsquery) and ${where}
      order by s.article_id desc limit ${size + 1}) w
    join articles_search s on s.article_id = w.id`)
  const newest = rows.sort((x, y) => y.id - x.id).slice(0, size)
  // Ties by id ascending, as on SQLite; with only common words, the title part newest first.
  const ranked = plan.rank === null
    ? newest.filter((r) => r.score === 1).concat(newest.filter((r) => r.score === 0))
    : [...newest].sort((x, y) => y.score - x.score || x.id - y.id)
  return { ids: newest.map((r) => r.id), bounded: rows.length > size, ranked: ranked.map((r) => r.id) }
}

/**
 * Lists the articles matching `q`, by relevance (the default) or another sort, with the same
 * answers as searchArticles on SQLite: count exact up to `window` matches, past that a lower bound.
 */
async function search (db: Executor, query: ArticleListQuery & { q: string }, auth: AuthContext | null, now: string, ctx: SearchContext): Promise<ArticleRowsPage> {
  const sort = sortOf(query)
  const { where, publicOnly } = filtersPg(query, auth, now)
  const plan = await planPostgresSearch(db, query.q, ctx.window)
  if (plan.match === null) return { rows: [], nextCursor: null, ...(query.count ? { total: 0 } : {}) }
  const matched = { ...plan, match: plan.match }
  let window: Promise<Window> | undefined
  const windowed = () => (window ??= searchWindow(db, matched, where, ctx.window))
  const page = sort === 'relevance'
    ? await relevancePage(db, query, where, ctx.rankings, async () => (await windowed()).ranked)
    : await datePage(db, query, sort, publicOnly, where, matched.match)
  if (!query.count) return page
  const { ids, bounded } = await windowed()
  return { ...page, total: ids.length, ...(bounded ? { totalIsLowerBound: true as const } : {}) }
}

/**
 * Relevance pages walk the ranking made for the first page, kept in `rankings`, as on SQLite:
 * scores shift whenever the index changes, so a keyset on them could repeat or skip.
 */
async function relevancePage (db: Executor, query: ArticleListQuery, where: SQL, rankings: RankingCache, rank: () => Promise<number[]>): Promise<ArticleRowsPage> {
  let key: string | undefined
  let offset = 0
  let ids: number[] | undefined
  if (query.cursor !== undefined) {
    [, key, offset] = decodeCursor(query.cursor, z.tuple([z.literal('relevance'), z.string().max(64), z.number().int().min(0)]))
    ids = rankings.get(key)
  }
  // No cursor, or its ranking expired (or the server restarted): rank again.
  ids ??= await rank()
  const more = offset + query.limit < ids.length
  if (more && key === undefined) key = rankings.put(ids)
  return {
    rows: await rowsByIds(db, ids.slice(offset, offset + query.limit), where, query.fields),
    nextCursor: more && key !== undefined ? encodeCursor(['relevance', key, offset + query.limit]) : null
  }
}

/**
 * A search sorted by date, update or title, keyset-paged like any list over every match:
 * one query, the planner choosing between the GIN index and walking the sort's index.
 */
async function datePage (db: Executor, query: ArticleListQuery, sort: DateSort, publicOnly: boolean, where: SQL, match: string): Promise<ArticleRowsPage> {
  const spec = sortSpecPg(sort, publicOnly)
  const conditions = query.cursor !== undefined ? sql`${where} and ${afterCursorPg(query.cursor, sort, spec)}` : where
  const direction = sql.raw(spec.direction)
  const picked = await db.all<{ id: number, sortValue: string }>(sql`select a.id as "id", ${spec.value} as "sortValue"
    from articles_search s join articles a on a.id = s.article_id
    where s.document @@ cast(${match} as tsquery) and ${conditions}
    order by ${spec.key} ${direction}, a.id ${direction} limit ${query.limit + 1}`)
  const more = picked.length > query.limit
  const pageIds = picked.slice(0, query.limit)
  const last = pageIds[pageIds.length - 1]
  return {
    rows: await rowsByIds(db, pageIds.map((p) => p.id), where, query.fields),
    nextCursor: more && last ? encodeCursor([sort, last.sortValue, last.id]) : null
  }
}

/** PostgreSQL's search index of articles, for the articles repository. */
export const postgresSearchIndex: SearchIndex = {
  async index (tx, doc) {
    await tx.run(sql`insert into articles_search (article_id, document)
      values (${doc.id}, ${field(doc.title, 'A')} || ${field(doc.excerpt, 'B')} || ${field(doc.text, 'C')})
      on conflict (article_id) do update set document = excluded.document`)
  },
  async unindex (tx, id) {
    await tx.run(sql`delete from articles_search where article_id = ${id}`)
  },
  search
}
