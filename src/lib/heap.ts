// The V8 heap flags the server starts with.
import { setFlagsFromString } from 'node:v8'

/**
 * How far V8 lets the old generation grow past what survived its last full collection before
 * collecting again. V8 alone lets it grow up to threefold, so under steady traffic the heap
 * swings far above what it holds; half keeps peak memory low at the same throughput, for
 * somewhat more frequent full collections.
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
