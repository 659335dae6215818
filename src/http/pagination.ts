// Cursor pagination: page queries, the { data, meta } envelope and cursors.
import { z } from 'zod'
import { encodeCursor } from '../lib/cursor.js'

/** `true`/`false` in a query string. */
export const queryBoolean = z.enum(['true', 'false'], { error: 'Use true or false' }).transform((v) => v === 'true')

/** The list parameters every collection takes. */
export const PageQuerySchema = z.object({
  limit: z.coerce.number({ error: 'limit must be an integer from 1 to 100' })
    .int('limit must be an integer from 1 to 100')
    .min(1, 'limit must be an integer from 1 to 100')
    .max(100, 'limit must be an integer from 1 to 100 (it is never silently capped)')
    .default(20)
    .describe('Page size, 1 to 100'),
  cursor: z.string().max(512, 'cursor is too long').optional()
    .describe('Opaque cursor from `meta.nextCursor` of the previous page'),
  count: queryBoolean.optional().describe('`true` adds `meta.total`, the number of matching items')
})

export const PageMetaSchema = z.object({
  limit: z.number().int().min(1).max(100),
  nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page'),
  total: z.number().int().nonnegative().optional().describe('Number of matching items, when `count=true`'),
  totalIsLowerBound: z.literal(true).optional()
    .describe('Present (true) when `total` is a lower bound: a full-text search (`q`) counts its matches among the newest 5,000 (`BROADSHEET_SEARCH_WINDOW`) and more articles match')
}).meta({ id: 'PageMeta' })

/** Wraps a list item schema into the `{ data, meta }` envelope. */
export function pageSchema<T extends z.ZodType> (item: T) {
  return z.object({ data: z.array(item), meta: PageMetaSchema })
}

/**
 * Turns `limit + 1` fetched rows into a page: the extra row only says another page exists.
 */
export function toPage<Row, Item> (rows: Row[], limit: number, map: (row: Row) => Item, cursorOf: (row: Row) => Array<string | number | null>) {
  const more = rows.length > limit
  const pageRows = more ? rows.slice(0, limit) : rows
  const last = pageRows[pageRows.length - 1]
  return {
    data: pageRows.map(map),
    meta: { limit, nextCursor: more && last !== undefined ? encodeCursor(cursorOf(last)) : null }
  }
}
