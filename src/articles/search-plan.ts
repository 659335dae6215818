// Plans a full-text search so it stays fast on a big index.
import { sql, type SQL } from 'drizzle-orm'
import type { Executor } from '../db/database.js'
import { FieldError } from '../lib/errors.js'
import { foldWord, RANK } from './search.js'

// How a search stays fast on a big index. FTS5 costs grow with the documents it touches:
// bm25() reads the whole document list of every word once per query (to weigh it), a prefix
// query ("wa"*) merges the lists of every word it covers, and ranking scores each match.
// So: the last word is expanded from the search_terms dictionary into at most
// MAX_EXPANSIONS whole words; words found in very many articles still have to match but are
// left out of bm25 (which gives them almost no weight anyway); and a search matching more
// than `window` articles ranks only the newest `window` matches, found by reading ranges of
// the index forwards (rowid = article id, growing with creation), the newest range first.

/** The most words a search takes. */
export const MAX_WORDS = 12
/** The last word matches as a prefix from this many characters on (shorter ones match whole). */
export const MIN_PREFIX = 3
/** A prefix covers at most this many indexed words, the first in alphabetical order. */
export const MAX_EXPANSIONS = 20
/** How many of the newest ids are read to estimate how common a word is. */
export const PROBE_IDS = 2000
/** A word estimated in more than COMMON_FACTOR × window articles is "common". */
export const COMMON_FACTOR = 20

/** A search ready to run: FTS5 expressions made only of quoted whole terms. */
export interface SearchPlan {
  /** Every word required (the last one as any of its expansions). */
  match: string
  /** The words bm25 weighs: all but the common ones; null when every word is common. */
  rank: string | null
  /** `match` within titles: with only common words, title matches come first. */
  title: string
  /** The newest article id: the top of the first range a search window reads. */
  newestId: number
}

/** The words of a search as typed: letters and digits (with their marks); FTS5 syntax is only text. */
export function searchWords (q: string): string[] {
  const words = q.match(/[\p{L}\p{N}][\p{L}\p{N}\p{M}]*/gu)
  if (!words || words.length === 0) throw new FieldError('q', 'q needs at least one letter or digit')
  if (words.length > MAX_WORDS) throw new FieldError('q', `q has at most ${MAX_WORDS} words`)
  return words
}

const quote = (term: string) => `"${term.replaceAll('"', '""')}"`

/** The indexed words a prefix covers: at most MAX_EXPANSIONS, alphabetical, the word itself first. */
export async function expandPrefix (db: Executor, word: string): Promise<string[]> {
  const prefix = foldWord(word)
  if ([...prefix].length < MIN_PREFIX) return []
  return (await db.all<{ term: string }>(sql`select term from search_terms
    where term >= ${prefix} and term < ${prefix + String.fromCodePoint(0x10FFFF)}
    order by term limit ${MAX_EXPANSIONS}`)).map((r) => r.term)
}

/** Matches of an FTS5 expression among the `ids` newest article ids. */
async function matchesAmongNewest (db: Executor, match: string, newestId: number, ids: number): Promise<number> {
  // Bound as integers: FTS5 only takes a rowid limit from an integer value (a double is ignored).
  return (await db.get<{ n: number }>(sql`select count(*) as n from articles_fts
    where articles_fts match ${match} and rowid > cast(${newestId - ids} as integer)`))!.n
}

/** Estimated number of articles matching an expression, from the newest PROBE_IDS ids. */
export async function estimateMatches (db: Executor, match: string, newestId: number): Promise<number> {
  const sample = Math.min(PROBE_IDS, newestId)
  if (sample <= 0) return 0
  return Math.round(await matchesAmongNewest(db, match, newestId, sample) * newestId / sample)
}

/**
 * Plans a search: one FTS5 group per word (the last one expanded from the dictionary when it
 * has MIN_PREFIX characters), and which of them are common enough to leave out of bm25.
 */
export async function planSearch (db: Executor, q: string, window: number): Promise<SearchPlan> {
  const words = searchWords(q)
  const groups: string[] = []
  for (const [i, word] of words.entries()) {
    const expansions = i < words.length - 1 ? [] : await expandPrefix(db, word)
    groups.push(expansions.length === 0
      ? quote(word)
      : expansions.length === 1 ? quote(expansions[0]!) : `(${expansions.map(quote).join(' OR ')})`)
  }
  const match = groups.join(' AND ')
  const newestId = (await db.get<{ id: number | null }>(sql`select max(id) as id from articles`))!.id ?? 0
  const common = COMMON_FACTOR * window
  // Below that many articles no word can be common: nothing to estimate.
  const ranked: string[] = []
  for (const g of groups) if (newestId <= common || await estimateMatches(db, g, newestId) <= common) ranked.push(g)
  return { match, rank: ranked.length > 0 ? ranked.join(' AND ') : null, title: `{title} : (${match})`, newestId }
}

/**
 * The newest matches of a search that pass `where` (alias a), newest first; whether more
 * matched; and their bm25 scores when every word weighs (read in the same pass).
 */
export interface SearchWindow { ids: number[], bounded: boolean, scores?: Map<number, number> }

/**
 * The newest `size` matches of a search that `where` (visibility and filters, alias a) lets
 * through, newest first. `bounded` says the index holds more than `size` matches: older
 * ones are left out.
 *
 * The index is read forwards over the newest ids, in a range sized from the estimated share
 * of matches and widened (or narrowed) until it holds just over `size` matches: FTS5 steps
 * backwards badly through the long list of a common word when another word is rarer.
 */
export async function searchWindow (db: Executor, plan: SearchPlan, where: SQL, publicOnly: boolean, size: number): Promise<SearchWindow> {
  const cap = 4 * size
  const estimate = await estimateMatches(db, plan.match, plan.newestId)
  const span = (share: number) => Math.ceil(1.2 * size / share)
  let from = estimate <= 2 * size ? 1 : Math.max(1, plan.newestId - span(estimate / plan.newestId))
  let to = Number.MAX_SAFE_INTEGER
  let matches: number[] = []
  for (;;) {
    const chunk = (await db.all<{ id: number }>(matchesSql(plan.match, { from, to, limit: cap + 1 }))).map((r) => r.id)
    if (chunk.length > cap) {
      // Far denser than estimated (the newest ids were not typical): narrow the range and read again.
      from = Math.max(from, Math.min(to, plan.newestId) - span(cap / (chunk[cap - 1]! - from + 1)))
      continue
    }
    matches = chunk.concat(matches)
    if (matches.length > size || from === 1) break
    // Too few: read the range below, twice as wide as everything read so far.
    to = from - 1
    from = Math.max(1, from - 2 * (plan.newestId - from + 1))
  }
  const ids = matches.slice(-size)
  const rows = ids.length === 0 ? [] : (await db.all<{ id: number, score: number | null, hit: number }>(windowSql(plan, ids, where, publicOnly)))
  const hits = rows.filter((r) => r.hit).sort((x, y) => y.id - x.id)
  return {
    ids: hits.map((r) => r.id),
    bounded: matches.length > size,
    ...(plan.rank !== null ? { scores: new Map(hits.map((r) => [r.id, r.score!])) } : {})
  }
}

/** The first `limit` ids from `from` to `to` matching an FTS5 expression, in id order. */
export function matchesSql (match: string, range: { from: number, to: number, limit: number }): SQL {
  return sql`select rowid as id from articles_fts where articles_fts match ${match}
    and rowid >= cast(${range.from} as integer) and rowid <= cast(${range.to} as integer) order by rowid limit ${range.limit}`
}

/**
 * The SQL that checks the ids of a window (ascending matches of the search) against `where`
 * and scores them with bm25 over the words that weigh, in one forward read of the index
 * (exported for query-plan tests).
 */
export function windowSql (plan: SearchPlan, ids: number[], where: SQL, publicOnly: boolean): SQL {
  // Public visibility is answered by articles_public_id_idx, without reading the rows (whose
  // status sits behind the body on overflow pages).
  const articles = publicOnly ? sql.raw('articles a indexed by articles_public_id_idx') : sql.raw('articles a')
  const visible = sql`exists (select 1 from ${articles} where a.id = articles_fts.rowid and ${where})`
  const from = sql`rowid >= cast(${ids[0]!} as integer) and rowid <= cast(${ids[ids.length - 1]!} as integer)`
  if (plan.rank === null) {
    return sql`select rowid as id, null as score, ${visible} as hit from articles_fts where articles_fts match ${plan.match} and ${from}`
  }
  // When common words were left out, bm25 reads the other words' matches: keep the window's
  // (+rowid: a filter on the rows read, not one index lookup per id).
  const inWindow = plan.rank === plan.match ? sql`` : sql` and +rowid in (select value from json_each(${JSON.stringify(ids)}))`
  return sql`select rowid as id, ${RANK} as score, ${visible} as hit from articles_fts
    where articles_fts match ${plan.rank} and ${from}${inWindow}`
}

/**
 * Orders a search window (newest first) by relevance: bm25 over the words that are not
 * common (title ×10, excerpt ×4, body ×1), ties by id; when every word is common, articles
 * with the words in the title first, each part newest first.
 */
export async function rankWindow (db: Executor, plan: SearchPlan, window: SearchWindow): Promise<number[]> {
  const { ids } = window
  if (ids.length === 0) return []
  if (window.scores) {
    const scores = window.scores
    const ranked = ids.map((id) => ({ id, score: scores.get(id) ?? Number.POSITIVE_INFINITY }))
    return ranked.sort((x, y) => x.score - y.score || x.id - y.id).map((r) => r.id)
  }
  const inTitle = new Set((await db.all<{ id: number }>(sql`select rowid as id from articles_fts
    where articles_fts match ${plan.title} and rowid >= cast(${ids[ids.length - 1]!} as integer)`)).map((r) => r.id))
  return ids.filter((id) => inTitle.has(id)).concat(ids.filter((id) => !inTitle.has(id)))
}

/**
 * Of `ids`, those matching the search, with one index read per run of close ids (the
 * batches of a date-sorted search are mostly consecutive ids; a stray old one is read alone).
 */
export async function matchingIds (db: Executor, plan: SearchPlan, ids: number[]): Promise<Set<number>> {
  const sorted = [...ids].sort((x, y) => x - y)
  const found = new Set<number>()
  let start = 0
  for (let i = 1; i <= sorted.length; i++) {
    if (i < sorted.length && sorted[i]! - sorted[i - 1]! <= RUN_GAP) continue
    const [from, to] = [sorted[start]!, sorted[i - 1]!]
    for (const r of (await db.all<{ id: number }>(matchesSql(plan.match, { from, to, limit: to - from + 1 })))) found.add(r.id)
    start = i
  }
  return found
}

/** Ids further apart than this are read from the index separately. */
const RUN_GAP = 64
