/**
 * Sets `key` in a Map kept to at most `max` entries: a new key in a full map first drops the
 * oldest (Map keeps insertion order). The memos of hot paths (parsed queries, verified tokens,
 * user agents, prepared statements) share it; one that deletes a key before setting it again
 * gets least-recently-used order.
 */
export function setBounded<K, V> (map: Map<K, V>, key: K, value: V, max: number): void {
  if (map.size >= max && !map.has(key)) map.delete(map.keys().next().value!)
  map.set(key, value)
}
