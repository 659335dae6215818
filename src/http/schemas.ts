// Zod schemas shared by every resource: ids, id-or-slug params, timestamps.
import { z } from 'zod'
import { MAX_ID } from '../lib/id-or-slug.js'

/** The message for a number past the largest id, naming the field. */
export const tooLargeId = (field: string) => `${field} must be at most ${MAX_ID}: ids are positive 32-bit integers`

/**
 * An id in a body (`field` names it in the messages): a positive integer up to MAX_ID, so a
 * larger one is a 400 naming the field on both databases, never a number PostgreSQL refuses.
 */
export function idField (field: string, error?: string): z.ZodNumber {
  return z.number(error === undefined ? undefined : { error }).int().positive().max(MAX_ID, tooLargeId(field))
}

/** A positive integer id in a path. */
export const IdSchema = z.coerce.number({ error: 'id must be a positive integer' })
  .int('id must be a positive integer').positive('id must be a positive integer').max(MAX_ID, tooLargeId('id'))

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
