// The ?fields= parameter: an answer with only the named fields.
import { z } from 'zod'

/** `?fields=a,b,c`: only these top-level fields in the answer (`id` always); unknown names are a 400. */
export function fieldsQuery (keys: readonly string[]) {
  return z.string().max(1000).optional()
    .transform((value, ctx) => {
      if (value === undefined) return undefined
      const names = [...new Set(value.split(',').map((s) => s.trim()).filter(Boolean))]
      const unknown = names.filter((n) => !keys.includes(n))
      if (unknown.length > 0) {
        ctx.addIssue({ code: 'custom', message: `Unknown field${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; choose from ${keys.join(', ')}` })
        return z.NEVER
      }
      return ['id', ...names.filter((n) => n !== 'id')]
    })
    .describe(`Comma-separated top-level fields to return (id always): ${keys.join(', ')}. The answer is then the projected (…Partial) schema: only these properties.`)
}
