// Keyset pagination cursors: opaque base64url of the last item's sort values.
import type { z } from 'zod'
import { FieldError } from './errors.js'

/** An opaque keyset cursor: the sort values of the last item of a page. */
export function encodeCursor (values: Array<string | number | null>): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url')
}

/** Decodes a cursor made by encodeCursor and checks it has the given shape, or throws a FieldError naming `cursor`. */
export function decodeCursor<T extends z.ZodType> (cursor: string, shape: T): z.infer<T> {
  try {
    const parsed = shape.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')))
    if (parsed.success) return parsed.data
  } catch {}
  throw new FieldError('cursor', 'cursor is not valid for this list; use meta.nextCursor from the previous page')
}
