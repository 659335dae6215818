/** The object with only the named fields. */
export function pick<T extends Record<string, unknown>> (item: T, fields: readonly string[]): Partial<T> {
  const out: Partial<T> = {}
  for (const f of fields) if (f in item) out[f as keyof T] = item[f as keyof T]
  return out
}
