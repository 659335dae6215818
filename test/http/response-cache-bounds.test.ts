import Fastify from 'fastify'
import t, { type Test } from 'tap'
import { connectDatabase } from '../../src/db/connect.js'
import { responseCachePlugin } from '../../src/http/response-cache.js'

// The response cache alone, with small bounds: past its entries or its bytes, the least
// recently used answers go first. The app's own bounds (5,000 and 24 MB) are these with
// more room.

/** A Fastify with the response cache and one public route whose answer is `size` bytes; counts its reads. */
async function cached (t: Test, opts: { maxEntries: number, maxBytes: number }) {
  const database = await connectDatabase({ databaseUrl: ':memory:', pgPoolSize: 1 })
  const app = Fastify()
  t.teardown(async () => { await app.close(); await database.close() })
  app.decorate('database', database)
  // On SQLite the cache polls data_version through the synchronous handle (see response-cache.ts).
  app.decorate('now', () => new Date())
  await app.register(responseCachePlugin, opts)
  const reads = new Map<string, number>()
  app.get<{ Params: { name: string } }>('/:name', { config: { publicCache: true } }, async (request, reply) => {
    const { name } = request.params
    reads.set(name, (reads.get(name) ?? 0) + 1)
    reply.header('etag', `"${name}"`).header('cache-control', 'public, max-age=60').type('application/json; charset=utf-8')
    return JSON.stringify(name.padEnd(98, '.'))
  })
  /** Reads `name` and says whether the handler ran (false: a cache hit). */
  const read = async (name: string): Promise<boolean> => {
    const before = reads.get(name) ?? 0
    const res = await app.inject({ url: `/${name}` })
    t.equal(res.statusCode, 200)
    return (reads.get(name) ?? 0) > before
  }
  /** Reads a URL twice, so its answer is admitted. */
  const keep = async (name: string) => { await read(name); await read(name) }
  return { read, keep }
}

t.test('past maxEntries the least recently used answer goes first', async (t) => {
  const { read, keep } = await cached(t, { maxEntries: 2, maxBytes: 1_000_000 })
  await keep('a')
  await keep('b')
  t.equal(await read('a'), false, 'a is a hit, and now the most recently used')
  await keep('c')
  t.equal(await read('a'), false, 'a kept')
  t.equal(await read('c'), false, 'c kept')
  t.equal(await read('b'), true, 'b went first')
})

t.test('past maxBytes the least recently used answers go first; an answer over a 16th of it is never kept', async (t) => {
  // 100-byte answers (98 characters and JSON's quotes), so 16 fill 1,600 bytes.
  const { read, keep } = await cached(t, { maxEntries: 100, maxBytes: 1600 })
  const names = Array.from({ length: 16 }, (_, i) => `n${i}`)
  for (const name of names) await keep(name)
  for (const name of names) t.equal(await read(name), false, `${name} is a hit: 16 answers fit`)
  await keep('n16')
  t.equal(await read('n16'), false, 'the 17th is kept')
  t.equal(await read('n0'), true, 'n0, the least recently used, went for it')
  for (const name of names.slice(1)) t.equal(await read(name), false, `${name} kept`)

  const wide = await cached(t, { maxEntries: 100, maxBytes: 1599 })
  await wide.keep('x')
  t.equal(await wide.read('x'), true, '100 bytes is over a 16th of 1,599: read again every time')
})
