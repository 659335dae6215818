// The NUL character (U+0000) in input: PostgreSQL's text cannot hold it, so no input may carry it.

/**
 * Where the first string holding U+0000 sits in a parsed input (object keys count too), as a
 * path of keys and indexes; undefined when there is none.
 */
export function nulPath (value: unknown): Array<string | number> | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? [] : undefined
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nulPath(value[i])
      if (found) return [i, ...found]
    }
    return undefined
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key.includes('\u0000')) return [key]
      const found = nulPath(item)
      if (found) return [key, ...found]
    }
  }
  return undefined
}

/** The message for a field holding U+0000. */
export function nulMessage (path: Array<string | number>): string {
  return `${path.length > 0 ? path.join('.') : 'The value'} must not contain the NUL character (U+0000)`
}
