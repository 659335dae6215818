// Slugs: the schema of an explicit one, and one made from any text.
import { slugify as transliterate } from 'transliteration'
import { z } from 'zod'

export const SLUG_MAX = 120

/** An explicit slug: lower-case ASCII letters, digits and single hyphens. */
export const SlugSchema = z.string()
  .max(SLUG_MAX, `A slug has at most ${SLUG_MAX} characters`)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'Use lower-case letters, digits and single hyphens (e.g. world-news)')
  .refine((s) => !/^\d+$/.test(s), 'A slug needs a letter: digits alone read as an id (e.g. tag-2024)')

/** A slug from any text, transliterated to ASCII ('Привет мир' → 'privet-mir'), or `fallback`. */
export function slugify (text: string, fallback: string): string {
  const base = transliterate(text, { lowercase: true, separator: '-', trim: true })
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, SLUG_MAX - 8)
    .replace(/-$/, '')
  if (!base) return fallback
  // Digits alone would read as an id in /v1/tags/{idOrSlug}: "2024" becomes "tag-2024".
  return /^\d+$/.test(base) ? `${fallback}-${base}` : base
}

/** `base`, or `base-2`, `base-3` … : the first one `taken` says is free. */
export function uniqueSlug (base: string, taken: (slug: string) => boolean): string {
  if (!taken(base)) return base
  for (let n = 2; ; n++) {
    const candidate = `${base}-${n}`
    if (!taken(candidate)) return candidate
  }
}
