/**
 * A client-controlled request header as one bounded string: '' when absent, the first value
 * when a client repeats it, at most `max` characters. Parsers downstream (Bowser, isbot, the
 * database) then never meet undefined, an array or an 8 KB value.
 */
export function headerText (value: string | string[] | undefined, max = 512): string {
  const text = Array.isArray(value) ? (value[0] ?? '') : (value ?? '')
  return text.length > max ? text.slice(0, max) : text
}
