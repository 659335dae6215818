// Zod schemas shared by every resource: ids, id-or-slug params, timestamps.
import { z } from 'zod'

/** A positive integer id in a path. */
export const IdSchema = z.coerce.number({ error: 'id must be a positive integer' })
  .int('id must be a positive integer').positive('id must be a positive integer').max(Number.MAX_SAFE_INTEGER, 'id is too large')

export const IdParamsSchema = z.object({ id: IdSchema })

export const IdOrSlugParamsSchema = z.object({
  idOrSlug: z.string().min(1).max(200, 'idOrSlug is too long').describe('A numeric id or a slug')
})

/** Answers only: `format` documents the shape for clients and leaves validation as it was. */
export const TimestampSchema = z.string().describe('ISO 8601 timestamp in UTC').meta({ format: 'date-time', examples: ['2025-01-29T08:00:00.000Z'] })

/** `If-Match` / `If-None-Match` documented on the routes that honour them. */
export const IfMatchHeadersSchema = z.looseObject({
  'if-match': z.string().optional().describe('The ETag you read; a stale one answers 412 and changes nothing')
})
