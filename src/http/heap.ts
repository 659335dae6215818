import { setFlagsFromString } from 'node:v8'

/**
 * How far V8 lets the old generation grow past what survived its last full collection before
 * it collects again: 50 % here. V8 picks up to 300 % on its own when collections are cheap, and
 * under a stream of requests whose garbage partly outlives a scavenge the heap then swings
 * between ~35 and ~140 MB. Measured (bench scenarios in runs of their own, two alternations):
 * peak RSS of uncached reads by slug 236–237 → 176–178 MB, of the warm list 185 → 134–137 MB;
 * 50 clients posting comments (before their objects lost a spread) 263–265 → 181–184 MB; the
 * same throughput (the extra full collections take a few ms each).
 */
export const HEAP_GROWING_PERCENT = 50

const FLAG = '--heap-growing-percent'

/** The V8 flags the server sets at start: none that the node command line already sets. */
export function heapFlags (execArgv: readonly string[]): string[] {
  const given = execArgv.some((arg) => arg.replaceAll('_', '-').startsWith(FLAG))
  return given ? [] : [`${FLAG}=${HEAP_GROWING_PERCENT}`]
}

/** Sets the heap flags (V8 reads this one at every collection, so it applies after start) and returns them. */
export function tuneHeap (execArgv: readonly string[] = process.execArgv): string[] {
  const flags = heapFlags(execArgv)
  for (const flag of flags) setFlagsFromString(flag)
  return flags
}
