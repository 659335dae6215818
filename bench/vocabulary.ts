// The bench articles' words: a vocabulary of real and made-up words drawn with a Zipf
// distribution, as in real text, so a few words are in nearly every article and most are rare.

/** Real words, spread over the frequency ranks so bench queries can be read. */
export const REAL_WORDS = ('harbour storm tide wall engineers city council budget energy wind turbine election vote coalition ' +
  'market trade port strike library science coral ocean climate river bridge school hospital railway festival ' +
  'museum court minister parliament farmers harvest drought rain summer winter').split(' ')

const ONSETS = ['b', 'c', 'd', 'f', 'g', 'h', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'w', 'z', 'br', 'cl', 'dr', 'gr', 'pl', 'st', 'tr', 'ch', 'sh', 'th']
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'ai', 'ea', 'ou', 'io']
const CODAS = ['', '', 'n', 'r', 's', 'l', 'm', 't', 'nd', 'st']

/** A deterministic pseudo-random source in [0, 1), so every run builds the same database. */
export function mulberry32 (seed: number) {
  return () => {
    seed = (seed + 0x6D2B79F5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * `size` distinct lower-case words by rank (index 0 the most frequent): syllable
 * combinations of two or three syllables, with REAL_WORDS placed at ranks spread evenly on
 * a log scale, so real words exist among the most common, the middle and the rare ones.
 */
export function buildVocabulary (size: number, random: () => number): string[] {
  const seen = new Set(REAL_WORDS)
  const made: string[] = []
  const syllable = () => ONSETS[Math.floor(random() * ONSETS.length)]! + VOWELS[Math.floor(random() * VOWELS.length)]! + CODAS[Math.floor(random() * CODAS.length)]!
  while (made.length < size - REAL_WORDS.length) {
    const word = syllable() + syllable() + (random() < 0.3 ? syllable() : '')
    if (word.length > 3 && !seen.has(word)) {
      seen.add(word)
      made.push(word)
    }
  }
  const words: Array<string | undefined> = new Array(size)
  let previous = -1
  REAL_WORDS.forEach((word, k) => {
    const rank = Math.max(previous + 1, Math.round(size ** (k / (REAL_WORDS.length - 1))) - 1)
    words[rank] = word
    previous = rank
  })
  let next = 0
  for (let i = 0; i < size; i++) words[i] ??= made[next++]
  return words as string[]
}

/**
 * Walker's alias table for a Zipf distribution over `n` ranks with exponent `s`: one draw is
 * two array reads, so a million articles of ~400 words each cost no more than uniform picks.
 */
export function zipfSampler (n: number, s: number, random: () => number): () => number {
  const weights = Float64Array.from({ length: n }, (_, r) => (r + 1) ** -s)
  const total = weights.reduce((sum, w) => sum + w, 0)
  const probability = new Float64Array(n)
  const alias = new Uint32Array(n)
  const scaled = weights.map((w) => (w * n) / total)
  const small: number[] = []
  const large: number[] = []
  scaled.forEach((p, i) => (p < 1 ? small : large).push(i))
  while (small.length > 0 && large.length > 0) {
    const less = small.pop()!
    const more = large.pop()!
    probability[less] = scaled[less]!
    alias[less] = more
    scaled[more] = scaled[more]! + scaled[less]! - 1
    ;(scaled[more]! < 1 ? small : large).push(more)
  }
  for (const i of [...small, ...large]) probability[i] = 1
  return () => {
    const u = random() * n
    const i = Math.floor(u)
    return u - i < probability[i]! ? i : alias[i]!
  }
}
