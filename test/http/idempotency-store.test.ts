// The Idempotency-Key store on both databases: find within the window, expiry, first answer wins.
import t from 'tap'
import { createIdempotencyStore } from '../../src/http/idempotency-store.js'
import { testDatabases } from '../support/databases.js'

const answer = (body: string) => ({ scope: 'token:1', key: 'k1', requestHash: 'h', status: 201, body, headers: { location: '/v1/tags/1', 'content-type': 'application/json' } })

for (const [name, open] of testDatabases) {
  t.test(`${name}: an answer is found while it is newer than the window, with its headers as stored`, async (t) => {
    const db = await open(t)
    if (!db) return
    const store = createIdempotencyStore(db)
    await store.remember(answer('{"id":1}'), '2025-02-01T00:00:00.000Z', '2025-01-31T00:00:00.000Z')
    t.match(await store.find('token:1', 'k1', '2025-01-31T00:00:00.000Z'), { ...answer('{"id":1}'), createdAt: '2025-02-01T00:00:00.000Z' })
    t.match(await store.find('token:1', 'k1', '2025-02-01T00:00:00.000Z'), { body: '{"id":1}' }, 'stamped exactly at the bound: still kept')
    t.equal(await store.find('token:1', 'k1', '2025-02-01T00:00:00.001Z'), undefined, 'older than the window')
    t.equal(await store.find('ip:127.0.0.1', 'k1', '2025-01-01T00:00:00.000Z'), undefined, 'another caller never sees it')
  })

  t.test(`${name}: the first answer under a key wins; expired answers go before a new one is kept`, async (t) => {
    const db = await open(t)
    if (!db) return
    const store = createIdempotencyStore(db)
    const { idempotencyKeys } = db.tables
    await store.remember(answer('first'), '2025-02-01T00:00:00.000Z', '2025-01-31T00:00:00.000Z')
    await store.remember(answer('second'), '2025-02-01T00:00:01.000Z', '2025-01-31T00:00:01.000Z')
    t.match(await store.find('token:1', 'k1', '2025-01-01T00:00:00.000Z'), { body: 'first' })
    await store.remember({ ...answer('other'), key: 'k2' }, '2025-02-01T12:00:00.000Z', '2025-01-31T12:00:00.000Z')
    await store.remember(answer('after expiry'), '2025-02-02T00:00:01.000Z', '2025-02-01T00:00:01.000Z')
    const rows = await db.all(db.orm.select({ key: idempotencyKeys.key, body: idempotencyKeys.body, createdAt: idempotencyKeys.createdAt }).from(idempotencyKeys).orderBy(idempotencyKeys.key))
    t.same(rows, [
      { key: 'k1', body: 'after expiry', createdAt: '2025-02-02T00:00:01.000Z' },
      { key: 'k2', body: 'other', createdAt: '2025-02-01T12:00:00.000Z' }
    ])
  })
}
