import t from 'tap'
import { sign } from '../../src/lib/signing.js'
import { createPublishedArticle } from '../fixtures/articles.js'
import {
  commentForm, storedComments, commentTotal, createApprovedComment, createComment, expectedAvatarHash,
  moderateComment, postComment, storedCommentStatus
} from '../fixtures/comments.js'
import { admin, buildTestApp, createClock, expectProblem } from '../helper.js'

// First-time moderation trusts a returning commenter only with proof: the 201 of a post carries
// a signed commenterToken bound to the email; a later post approved at once must send it back.
// An email alone is public knowledge (avatarHash), so without the token it waits like a first-timer.

const flagsOf = async (app: Parameters<typeof storedComments>[0], id: number) => JSON.parse(String((await storedComments(app)).find((r) => r.id === id)!.flags))
const DAY = 86_400_000

/** The same token with one character of its signature changed. */
function tamper (token: string): string {
  const last = token.at(-2) === 'A' ? 'B' : 'A'
  return `${token.slice(0, -2)}${last}${token.at(-1)}`
}

t.test('POST comment → 201 carries a commenterToken bound to the email, revealing nothing but the public avatarHash', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  const res = await postComment(app, article.id, commentForm({ authorEmail: 'Rosa@Example.net' }))
  t.equal(res.statusCode, 201)
  const { commenterToken } = res.json()
  t.match(commenterToken, /^[\w-]+\.[\w-]{43}$/)
  t.equal(commenterToken.length, 199, 'well under the 500-character limit')
  const payload = JSON.parse(Buffer.from(commenterToken.split('.')[0], 'base64url').toString('utf8'))
  t.same(Object.keys(payload).sort(), ['h', 'k', 'x'])
  t.equal(payload.h, expectedAvatarHash('rosa@example.net'))
  t.match(payload.k, /^[\w-]{22}$/, 'a random chain key')
  t.equal((await storedComments(app))[0]!.commenter_key, payload.k, 'stored with the comment, never answered')
  t.notOk(JSON.stringify((await app.inject({ url: '/v1/comments?status=any', headers: admin })).json()).includes(payload.k), 'not even to moderators')
  t.notOk(Buffer.from(commenterToken.split('.')[0], 'base64url').toString('utf8').includes('@'), 'no email in clear')
})

t.test('impersonation: an approved email posted again without a token → 201 pending, flagged unproven-email:missing', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  await createApprovedComment(app, article.id, { authorEmail: 'victim@example.com', authorName: 'Victim' })
  const res = await postComment(app, article.id, commentForm({ authorEmail: 'victim@example.com', authorName: 'Not the victim', body: 'Buy my pills' }))
  t.equal(res.statusCode, 201)
  t.equal(res.json().status, 'pending')
  t.equal(await storedCommentStatus(app, res.json().id), 'pending')
  t.same(await flagsOf(app, res.json().id), ['unproven-email:missing'])
  const list = await app.inject({ url: `/v1/articles/${article.id}/comments` })
  t.same(list.json().data.map((c: { authorName: string }) => c.authorName), ['Victim'], 'the impostor is not shown')
})

t.test('a returning commenter who sends back the token of an earlier post → 201 approved at once, any case or spacing of the email', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  const first = await createComment(app, article.id, { authorEmail: 'Casey@Example.com' })
  t.equal(first.status, 'pending')
  t.same(await flagsOf(app, first.id), ['first-time'])
  await moderateComment(app, first.id, { status: 'approved' })
  const again = await postComment(app, article.id, commentForm({ authorEmail: '  CASEY@example.com ', commenterToken: first.commenterToken }))
  t.equal(again.statusCode, 201)
  t.equal(again.json().status, 'approved')
  t.same(await flagsOf(app, again.json().id), [])
  t.not(again.json().commenterToken, undefined, 'a fresh token comes with every answer')
})

t.test('the impostor\'s own token does not help: a token from posting as a known email → pending, flagged unproven-email:unapproved', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  await createApprovedComment(app, article.id, { authorEmail: 'victim@example.com' })
  const probe = await createComment(app, article.id, { authorEmail: 'victim@example.com', authorName: 'Impostor' })
  t.equal(probe.status, 'pending')
  t.match(probe.commenterToken, /\./, 'every post gets a token, the impostor\'s too')
  const res = await postComment(app, article.id, commentForm({ authorEmail: 'victim@example.com', authorName: 'Impostor', commenterToken: probe.commenterToken }))
  t.equal(res.json().status, 'pending')
  t.same(await flagsOf(app, res.json().id), ['unproven-email:unapproved'])
})

t.test('a chain: any approved comment posted with the token chain approves its later posts, whichever token of the chain is sent', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  const first = await createComment(app, article.id, { authorEmail: 'chain@example.com' })
  const second = await createComment(app, article.id, { authorEmail: 'chain@example.com', commenterToken: first.commenterToken })
  t.equal(second.status, 'pending', 'nothing of the chain approved yet')
  t.same(await flagsOf(app, second.id), ['first-time'])
  await moderateComment(app, first.id, { status: 'approved' })
  const third = await postComment(app, article.id, commentForm({ authorEmail: 'chain@example.com', commenterToken: second.commenterToken }))
  t.equal(third.json().status, 'approved', 'the token of the second post carries the chain of the first')
})

t.test('a token alone does not approve: a first-timer with a valid token → 201 pending, flagged first-time', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  const first = await createComment(app, article.id, { authorEmail: 'new@example.com' })
  const second = await postComment(app, article.id, commentForm({ authorEmail: 'new@example.com', commenterToken: first.commenterToken }))
  t.equal(second.json().status, 'pending')
  t.same(await flagsOf(app, second.json().id), ['first-time'])
})

t.test('the token of another email → 201 pending, flagged unproven-email:other-email', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  await createApprovedComment(app, article.id, { authorEmail: 'victim@example.com' })
  const attacker = await createApprovedComment(app, article.id, { authorEmail: 'attacker@example.com' })
  const res = await postComment(app, article.id, commentForm({ authorEmail: 'victim@example.com', commenterToken: attacker.commenterToken }))
  t.equal(res.statusCode, 201)
  t.equal(res.json().status, 'pending')
  t.same(await flagsOf(app, res.json().id), ['unproven-email:other-email'])
})

t.test('a forged token (changed signature, another secret, garbage) → 201 pending, flagged unproven-email:invalid, never an error', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  const known = await createApprovedComment(app, article.id, { authorEmail: 'victim@example.com' })
  const forgeries = {
    'changed signature': tamper(known.commenterToken),
    'another secret': sign('not-the-server-secret-0123456789abcdef', 'commenter', { h: expectedAvatarHash('victim@example.com'), k: 'AAAAAAAAAAAAAAAAAAAAAA', x: 4_000_000_000 }),
    'the real chain key under another secret': sign('not-the-server-secret-0123456789abcdef', 'commenter', { h: expectedAvatarHash('victim@example.com'), k: (await storedComments(app))[0]!.commenter_key, x: 4_000_000_000 }),
    garbage: 'not a token at all'
  }
  for (const [name, commenterToken] of Object.entries(forgeries)) {
    const res = await postComment(app, article.id, commentForm({ authorEmail: 'victim@example.com', commenterToken }))
    t.equal(res.statusCode, 201, name)
    t.equal(res.json().status, 'pending', name)
    t.same(await flagsOf(app, res.json().id), ['unproven-email:invalid'], name)
  }
})

t.test('a token is valid for 365 days: the day before → approved, after → 201 pending, flagged unproven-email:expired', async (t) => {
  const clock = createClock('2025-02-01T00:00:00.000Z')
  const app = await buildTestApp(t, { now: clock.now })
  const article = await createPublishedArticle(app)
  const first = await createApprovedComment(app, article.id, { authorEmail: 'regular@example.com' })
  clock.advance(364 * DAY)
  const inTime = await postComment(app, article.id, commentForm({ authorEmail: 'regular@example.com', commenterToken: first.commenterToken }))
  t.equal(inTime.json().status, 'approved')
  clock.advance(2 * DAY)
  const late = await postComment(app, article.id, commentForm({ authorEmail: 'regular@example.com', commenterToken: first.commenterToken }))
  t.equal(late.json().status, 'pending')
  t.same(await flagsOf(app, late.json().id), ['unproven-email:expired'])
  const renewed = await postComment(app, article.id, commentForm({ authorEmail: 'regular@example.com', commenterToken: inTime.json().commenterToken }))
  t.equal(renewed.json().status, 'approved', 'the token of the later post is still valid')
})

t.test('commenterToken over 500 characters or not a string → 400 naming commenterToken, nothing stored', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  const before = await commentTotal(app)
  const long = await postComment(app, article.id, commentForm({ commenterToken: 'a'.repeat(501) }))
  expectProblem(t, long, 400, 'validation', 'The request body has 1 invalid field', [{ path: 'commenterToken', message: 'commenterToken is at most 500 characters: send back the one a post answered' }])
  const wrongType = await postComment(app, article.id, commentForm({ commenterToken: 42 }))
  expectProblem(t, wrongType, 400, 'validation', 'The request body has 1 invalid field', [{ path: 'commenterToken', message: /./ }])
  t.equal(await commentTotal(app), before)
})
