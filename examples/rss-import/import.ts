import { createBroadsheetClient, type BroadsheetClient } from '../../clients/typescript/index.js'
import { articleFromItem, FeedError, parseFeed, readFeed, type ArticleDraft } from './feed.js'

// Creates each item of an RSS 2.0 feed as a Broadsheet article through the typed client.
// Usage: BROADSHEET_TOKEN=bs_… npx tsx examples/rss-import/import.ts <feed URL or file>

type Outcome = 'created' | 'already there' | 'failed'

const USAGE = 'Usage: BROADSHEET_TOKEN=bs_… npx tsx examples/rss-import/import.ts <feed URL or file>'
const NO_TOKEN = 'BROADSHEET_TOKEN is not set: give an editor or admin token (npm run cli -- token create --role editor --name rss-import)'

/** Why a request never got an answer: the system's code (ECONNREFUSED …) when there is one. */
function unreachable (error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { code?: string } | undefined) : undefined
  return cause?.code ?? (error instanceof Error ? error.message : String(error))
}

/** Creates one article; a replay of its Idempotency-Key means an earlier run created it. */
async function importOne (client: BroadsheetClient, baseUrl: string, { key, body }: ArticleDraft): Promise<[Outcome, string]> {
  const label = body.title === '' ? '(an item without a title)' : `"${body.title}"`
  const answer = await client.POST('/v1/articles', { params: { header: { 'idempotency-key': key } }, body })
    .catch((error: unknown) => unreachable(error))
  if (typeof answer === 'string') return ['failed', `failed: ${label}: could not reach ${baseUrl} (${answer})`]
  const { data, error, response } = answer
  if (data !== undefined) {
    const outcome = response.headers.get('idempotent-replayed') === 'true' ? 'already there' : 'created'
    return [outcome, `${outcome}: ${label} → /v1/articles/${data.slug}`]
  }
  // The key was used with another body: this item was imported, and has changed in the feed since.
  if (error?.type === 'urn:broadsheet:problem:idempotency-key-reused') {
    return ['already there', `already there: ${label} (changed in the feed since it was imported; not updated)`]
  }
  const fields = error?.errors?.map(({ path, message }) => `${path}: ${message}`).join('; ')
  return ['failed', `failed: ${label}: ${error?.detail ?? `HTTP ${response.status}`}${fields ? ` (${fields})` : ''}`]
}

async function main (args: string[]): Promise<number> {
  const [source, ...extra] = args
  if (source === undefined || extra.length > 0) { console.error(USAGE); return 1 }
  const token = process.env.BROADSHEET_TOKEN
  if (!token) { console.error(NO_TOKEN); return 1 }
  const baseUrl = process.env.BROADSHEET_URL || 'http://127.0.0.1:3000'
  if (!/^https?:\/\//i.test(baseUrl) || !URL.canParse(baseUrl)) {
    console.error(`BROADSHEET_URL must be the API's http(s) origin, such as http://127.0.0.1:3000 (got ${baseUrl})`)
    return 1
  }

  let items
  try {
    items = parseFeed(await readFeed(source), source)
  } catch (error) {
    if (!(error instanceof FeedError)) throw error
    console.error(error.message)
    return 1
  }

  const client = createBroadsheetClient({ baseUrl, token })
  const now = new Date()
  const counts: Record<Outcome, number> = { created: 0, 'already there': 0, failed: 0 }
  for (const item of items) {
    const [outcome, line] = await importOne(client, baseUrl, articleFromItem(item, now))
    counts[outcome] += 1
    console.log(line)
  }
  console.log(`${items.length} items: ${counts.created} created, ${counts['already there']} already there, ${counts.failed} failed`)
  return counts.failed > 0 ? 1 : 0
}

process.exitCode = await main(process.argv.slice(2))
