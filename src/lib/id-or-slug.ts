/** A number given as digits is an id, anything else a slug. */
export function parseIdOrSlug (value: string): { id: number } | { slug: string } {
  return /^\d{1,15}$/.test(value) ? { id: Number(value) } : { slug: value }
}
