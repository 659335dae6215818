// Ids and id-or-slug values: what a number in a path, a query or a body can name.

/**
 * The largest id. Ids are positive 32-bit integers on both databases (PostgreSQL's `integer`,
 * and SQLite's rowids never get there), so a larger number names nothing: it is refused or
 * not found the same way on both, never sent to the database.
 */
export const MAX_ID = 2_147_483_647

/** Whether `value` can be an id: an integer from 1 to MAX_ID. */
export function isId (value: number): boolean {
  return Number.isInteger(value) && value >= 1 && value <= MAX_ID
}

/**
 * A number given as digits is an id, anything else a slug. Digits past MAX_ID stay a slug:
 * no slug is digits alone, so they name nothing, as an id past the last row does.
 */
export function parseIdOrSlug (value: string): { id: number } | { slug: string } {
  if (/^\d{1,15}$/.test(value)) {
    const id = Number(value)
    if (id <= MAX_ID) return { id }
  }
  return { slug: value }
}
