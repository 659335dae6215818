// Keyset pagination cursors: opaque base64url of the last item's sort values.
import { z } from 'zod'
import { FieldError } from './errors.js'
import { MAX_ID } from './id-or-slug.js'
import { nulPath } from './nul.js'

/** The id in a cursor: a forged one past MAX_ID is an invalid cursor, not a number the database refuses. */
export const CursorIdSchema = z.number().int().min(0).max(MAX_ID)

/** An opaque keyset cursor: the sort values of the last item of a page. */
export function encodeCursor (values: Array<string | number | null>): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url')
}

/**
 * Decodes a cursor made by encodeCursor and checks it has the given shape, or throws a
 * FieldError naming `cursor`. A cursor holding U+0000 was never made here (no stored text
 * holds it), and PostgreSQL would refuse it: invalid too.
 */
export function decodeCursor<T extends z.ZodType> (cursor: string, shape: T): z.infer<T> {
  try {
    const parsed = shape.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')))
    if (parsed.success && nulPath(parsed.data) === undefined) return parsed.data
  } catch {}
  throw new FieldError('cursor', 'cursor is not valid for this list; use meta.nextCursor from the previous page')
}
