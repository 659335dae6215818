import t from 'tap'
import { eq, sql } from 'drizzle-orm'
import type { Connected } from '../../src/db/connect.js'
import { createCommentsRepository, type NewCommentRow } from '../../src/comments/repository.js'
import { DuplicateCommentError } from '../../src/lib/errors.js'
import { testDatabases } from '../support/databases.js'
import { ISO_TIMESTAMP } from '../helper.js'

// The comments repository on both databases: the group commit (one batch, a savepoint per
// post), thread reads, moderation with exact counts, erasure, and the SQL each dialect says
// its own way (the recursive thread query, the moderation search, forgetting stored answers).

const T0 = '2025-03-01T10:00:00.000Z'
const T1 = '2025-03-01T10:05:00.000Z'

async function setup (db: Connected) {
  const { articles } = db.tables
  const article = async (slug: string) => (await db.get(db.orm.insert(articles).values({ slug, title: slug, status: 'published', publishedAt: T0 }).returning({ id: articles.id })))!.id
  const commentCount = async (id: number) => (await db.get(db.orm.select({ n: articles.commentCount }).from(articles).where(eq(articles.id, id))))!.n
  const approvedInDb = async (id: number) => (await db.get<{ n: number }>(sql`select count(*) as "n" from comments where article_id = ${id} and status = 'approved'`))!.n
  return { repo: createCommentsRepository(db), article, commentCount, approvedInDb }
}

let seq = 0
function comment (articleId: number, partial: Partial<NewCommentRow> = {}): NewCommentRow {
  seq++
  return { articleId, parentId: null, depth: 1, status: 'approved', body: `Comment ${seq}`, authorName: `Reader ${seq}`, authorEmail: `reader${seq}@example.org`, authorUrl: null, ip: '192.0.2.1', userAgent: 'Agent/1', flags: [], commenterKey: null, ...partial }
}

for (const [name, open] of testDatabases) {
  t.test(`${name}: a batch with a duplicate and a broken reference stores the others, answers each post, and counts exactly`, async (t) => {
    const db = await open(t)
    if (!db) return
    const { repo, article, commentCount, approvedInDb } = await setup(db)
    const a = await article('a')
    const first = await repo.insert(comment(a, { body: 'Said once', authorEmail: 'same@example.org', flags: ['first-time'] }), T0, T0)
    t.match(first, { id: Number, articleId: a, status: 'approved', body: 'Said once', flags: ['first-time'], createdAt: T0, updatedAt: T0, avatarHash: /^[0-9a-f]{64}$/ })
    t.same(await repo.get(first.id), first, 'the row answered is the row stored')

    const since = '2025-03-01T09:55:00.000Z'
    const results = await Promise.allSettled([
      repo.insert(comment(a, { body: 'New one' }), T1, since),
      repo.insert(comment(a, { body: 'Said once', authorEmail: 'same@example.org' }), T1, since),
      repo.insert(comment(a + 1000, { body: 'No such article' }), T1, since),
      repo.insert(comment(a, { body: 'Twice in one batch', authorEmail: 'twice@example.org', status: 'pending' }), T1, since),
      repo.insert(comment(a, { body: 'Twice in one batch', authorEmail: 'twice@example.org', status: 'pending' }), T1, since),
      repo.insert(comment(a, { body: 'Another new one' }), T1, since)
    ])
    t.same(results.map((r) => r.status), ['fulfilled', 'rejected', 'rejected', 'fulfilled', 'rejected', 'fulfilled'])
    t.ok((results[1] as PromiseRejectedResult).reason instanceof DuplicateCommentError, 'the duplicate of an earlier post')
    t.match(String((results[2] as PromiseRejectedResult).reason?.cause ?? (results[2] as PromiseRejectedResult).reason), /foreign key/i, 'the broken reference')
    t.ok((results[4] as PromiseRejectedResult).reason instanceof DuplicateCommentError, 'the duplicate within the batch')
    const bodies = await db.all<{ body: string }>(sql`select body as "body" from comments order by id`)
    t.same(bodies.map((r) => r.body), ['Said once', 'New one', 'Twice in one batch', 'Another new one'])
    t.equal(await commentCount(a), 3, 'commentCount moved by the approved posts only')
    t.equal(await approvedInDb(a), 3)
    const stored = (results[5] as PromiseFulfilledResult<Awaited<ReturnType<typeof repo.insert>>>).value
    t.same(await repo.get(stored.id), stored)
  })

  t.test(`${name}: two instances posting the same comment at once store it once`, async (t) => {
    const db = await open(t)
    if (!db) return
    const { article, commentCount } = await setup(db)
    const a = await article('two-instances')
    // Repositories are app instances: their batches are separate transactions, on
    // PostgreSQL on connections opened beforehand so that they do run side by side.
    await Promise.all([1, 2, 3].map(() => db.transaction((tx) => tx.get(sql`select 1 as "x"`))))
    const instances = [createCommentsRepository(db), createCommentsRepository(db), createCommentsRepository(db)]
    const results = await Promise.allSettled(instances.map((repo) => repo.insert(comment(a, { body: 'Sent from every tab', authorEmail: 'tabs@example.org' }), T1, T0)))
    t.same(results.map((r) => r.status).sort(), ['fulfilled', 'rejected', 'rejected'])
    for (const r of results) if (r.status === 'rejected') t.ok(r.reason instanceof DuplicateCommentError)
    t.equal(await commentCount(a), 1)
  })

  t.test(`${name}: threads: approved replies below the roots, top-level pages, counts and cursors`, async (t) => {
    const db = await open(t)
    if (!db) return
    const { repo, article } = await setup(db)
    const a = await article('threads')
    const at = (minute: number) => `2025-03-01T10:${String(minute).padStart(2, '0')}:00.000Z`
    const root1 = await repo.insert(comment(a, { body: 'Root one' }), at(1))
    const root2 = await repo.insert(comment(a, { body: 'Root two' }), at(2))
    const reply = await repo.insert(comment(a, { parentId: root1.id, depth: 2, body: 'Reply' }), at(3))
    const deeper = await repo.insert(comment(a, { parentId: reply.id, depth: 3, body: 'Reply to the reply' }), at(4))
    await repo.insert(comment(a, { parentId: root1.id, depth: 2, body: 'Pending reply', status: 'pending' }), at(5))
    const orphan = await repo.insert(comment(a, { parentId: (await repo.insert(comment(a, { body: 'Spam root', status: 'spam' }), at(6))).id, depth: 2, body: 'Reply under spam' }), at(7))

    const descendants = await repo.approvedDescendants(a, [root1.id, root2.id])
    t.same(descendants.map((r) => r.body), ['Reply', 'Reply to the reply'])
    t.same(descendants[1], deeper)

    const top = await repo.listApproved(a, { limit: 2, sort: 'oldest', topLevelOnly: true })
    t.same(top.rows.map((r) => r.body), ['Root one', 'Root two'])
    t.type(top.nextCursor, 'string')
    const next = await repo.listApproved(a, { limit: 2, cursor: top.nextCursor!, sort: 'oldest', topLevelOnly: true })
    t.same(next.rows.map((r) => r.id), [orphan.id], 'a reply whose parent is not shown stands at the top level')
    t.equal(next.nextCursor, null)
    const newest = await repo.listApproved(a, { limit: 10, sort: 'newest', topLevelOnly: false })
    t.same(newest.rows.map((r) => r.body), ['Reply under spam', 'Reply to the reply', 'Reply', 'Root two', 'Root one'])
    t.match(newest.rows[0], { createdAt: ISO_TIMESTAMP, flags: [] })
    t.equal(await repo.countApproved(a, false), 5)
    t.equal(await repo.countApproved(a, true), 3)
  })

  t.test(`${name}: moderation: one and many status changes keep commentCount exact; search ignores case`, async (t) => {
    const db = await open(t)
    if (!db) return
    const { repo, article, commentCount, approvedInDb } = await setup(db)
    const a = await article('moderated')
    const b = await article('other')
    const one = await repo.insert(comment(a, { status: 'pending', body: 'About the ÉCOLE roof', authorName: 'Zoë Quill' }), T0)
    const two = await repo.insert(comment(a, { status: 'pending' }), T0)
    const three = await repo.insert(comment(b, { status: 'approved' }), T0)
    t.equal(await commentCount(a), 0)

    const approved = await repo.update(one.id, { status: 'approved' }, T1)
    t.match(approved, { id: one.id, status: 'approved', updatedAt: T1, body: one.body })
    t.equal(await commentCount(a), 1)
    t.same(await repo.update(one.id, { body: 'Edited' }, T1), { ...one, status: 'approved', body: 'Edited', updatedAt: T1 })
    t.equal(await commentCount(a), 1, 'an edit moves nothing')
    t.equal(await repo.update(99_999, { status: 'spam' }, T1), undefined)

    t.same(await repo.bulkStatus([one.id, two.id, three.id, 99_998], 'approved', T1), { updated: 1, notFound: [99_998] }, 'the approved ones are not changed again')
    t.same([await commentCount(a), await commentCount(b)], [2, 1])
    t.same(await repo.bulkStatus([one.id, three.id], 'spam', T1), { updated: 2, notFound: [] })
    t.same([await commentCount(a), await commentCount(b)], [1, 0])
    t.same([await commentCount(a), await commentCount(b)], [await approvedInDb(a), await approvedInDb(b)])

    t.equal(await repo.remove(two.id), true)
    t.equal(await repo.remove(two.id), false)
    t.equal(await commentCount(a), 0)

    const search = async (q: string) => {
      const page = await repo.listForModeration({ limit: 10, statuses: ['pending', 'approved', 'spam', 'trash'], q, sort: 'oldest' })
      return { ids: page.rows.map((r) => r.id), total: await page.count() }
    }
    t.same(await search('edited'), { ids: [one.id], total: 1 }, 'body, any case')
    t.same(await search('zOË'), { ids: [one.id], total: 1 }, 'author name, any case beyond ASCII')
    t.same(await search(three.authorEmail.toUpperCase()), { ids: [three.id], total: 1 }, 'email')
    t.same(await search('nothing like it'), { ids: [], total: 0 })
    const spamOfA = await repo.listForModeration({ limit: 10, statuses: ['spam'], articleId: a, sort: 'newest' })
    t.same(spamOfA.rows.map((r) => r.id), [one.id])
  })

  t.test(`${name}: erasure deletes every comment of the email and its stored answers, and counts follow`, async (t) => {
    const db = await open(t)
    if (!db) return
    const { repo, article, commentCount } = await setup(db)
    const a = await article('erased')
    const email = 'gone@example.org'
    const kept = await repo.insert(comment(a), T0)
    const mine = await repo.insert(comment(a, { authorEmail: email }), T0)
    await repo.insert(comment(a, { authorEmail: email, status: 'pending' }), T0)
    await repo.insert(comment(a, { authorEmail: email, parentId: kept.id, depth: 2 }), T0)
    const reply = await repo.insert(comment(a, { parentId: mine.id, depth: 2 }), T0)
    t.equal(await commentCount(a), 4)
    const { idempotencyKeys } = db.tables
    const answer = (key: string, body: string) => ({ scope: 'ip:192.0.2.1', key, requestHash: 'h', status: 201, body, headers: {}, createdAt: T0 })
    await db.run(db.orm.insert(idempotencyKeys).values([
      answer('mine', JSON.stringify({ id: mine.id, avatarHash: mine.avatarHash, body: 'x' })),
      answer('quoted', JSON.stringify({ id: kept.id, avatarHash: kept.avatarHash, body: `"avatarHash":"${mine.avatarHash}"` })),
      answer('not-json', 'plain text')
    ]))

    t.equal(await repo.eraseEmail(email), 3)
    t.equal(await repo.eraseEmail(email), 0, 'nothing left the second time')
    const left = await db.all<{ id: number, parentId: number | null }>(sql`select id as "id", parent_id as "parentId" from comments order by id`)
    t.same(left, [{ id: kept.id, parentId: null }, { id: reply.id, parentId: null }], 'a reply to an erased comment loses its parent')
    t.equal(await commentCount(a), 2)
    const keys = await db.all<{ key: string }>(sql`select key as "key" from idempotency_keys order by key`)
    t.same(keys.map((r) => r.key), ['not-json', 'quoted'], 'only their answer goes; one quoting their hash in a body stays')
  })
}
