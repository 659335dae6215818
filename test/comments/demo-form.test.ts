import t from 'tap'
import { COMMENTER_TOKEN_KEY, rememberCommenterToken, replyBody, storedCommenterToken, type TokenStorage } from '../../examples/news-site/js/commenter.js'
import { createPublishedArticle } from '../fixtures/articles.js'
import { storedComments, moderateComment, postComment } from '../fixtures/comments.js'
import { buildTestApp } from '../helper.js'

// The demo "Leave a reply" form keeps the commenterToken of each answer in localStorage and sends
// it with the next post. Its logic lives in examples/news-site/js/commenter.js (no DOM), run here
// against the API without a browser; test/browser/comment-moderation.test.ts drives the real page.

/** localStorage as a Map. */
function memoryStorage (): TokenStorage & { map: Map<string, string> } {
  const map = new Map<string, string>()
  return { map, getItem: (key) => map.get(key) ?? null, setItem: (key, value) => { map.set(key, value) } }
}

/** A storage that refuses everything, as a browser with storage blocked does. */
const blocked: TokenStorage = {
  getItem: () => { throw new Error('SecurityError') },
  setItem: () => { throw new Error('QuotaExceededError') }
}

const values = { body: 'Dry floors at last.', authorName: 'Rosa', authorEmail: 'rosa@example.net', authorUrl: '', homepage: '' }

t.test('demo form: the first post sends no token and is pending; the stored token of its answer makes the next post approved at once', async (t) => {
  const app = await buildTestApp(t, { env: { BROADSHEET_DEMO_SITE: 'true' } })
  const article = await createPublishedArticle(app)
  const storage = memoryStorage()

  const firstBody = replyBody(values, { storage })
  t.same(firstBody, { body: 'Dry floors at last.', authorName: 'Rosa', authorEmail: 'rosa@example.net', homepage: '' }, 'no token, no empty website')
  const first = await postComment(app, article.id, firstBody)
  t.equal(first.statusCode, 201)
  t.equal(first.json().status, 'pending')
  rememberCommenterToken(storage, first.json())
  t.equal(storage.map.get(COMMENTER_TOKEN_KEY), first.json().commenterToken, 'the answer\'s token is stored')
  await moderateComment(app, first.json().id, { status: 'approved' })

  const secondBody = replyBody({ ...values, body: 'And a reply.', authorUrl: ' https://rosa.example.net ' }, { parentId: first.json().id, storage })
  t.same(secondBody, {
    body: 'And a reply.',
    authorName: 'Rosa',
    authorEmail: 'rosa@example.net',
    homepage: '',
    authorUrl: 'https://rosa.example.net',
    parentId: first.json().id,
    commenterToken: first.json().commenterToken
  })
  const second = await postComment(app, article.id, secondBody)
  t.equal(second.statusCode, 201)
  t.equal(second.json().status, 'approved')
  rememberCommenterToken(storage, second.json())
  t.equal(storage.map.get(COMMENTER_TOKEN_KEY), second.json().commenterToken, 'each answer replaces the stored token')
})

t.test('demo form: without the stored token (another browser), the same email waits for moderation', async (t) => {
  const app = await buildTestApp(t)
  const article = await createPublishedArticle(app)
  const mine = memoryStorage()
  const first = await postComment(app, article.id, replyBody(values, { storage: mine }))
  rememberCommenterToken(mine, first.json())
  await moderateComment(app, first.json().id, { status: 'approved' })
  const elsewhere = await postComment(app, article.id, replyBody({ ...values, body: 'From elsewhere' }, { storage: memoryStorage() }))
  t.equal(elsewhere.json().status, 'pending')
  t.same(JSON.parse(String((await storedComments(app)).find((r) => r.id === elsewhere.json().id)!.flags)), ['unproven-email:missing'])
})

t.test('demo form: blocked or absent storage never breaks a post: no token is sent and nothing throws', async (t) => {
  for (const storage of [blocked, null, undefined]) {
    t.equal(storedCommenterToken(storage), null)
    t.doesNotThrow(() => rememberCommenterToken(storage, { commenterToken: 'x.y' }))
    t.notOk('commenterToken' in replyBody(values, { storage }))
  }
  const storage = memoryStorage()
  rememberCommenterToken(storage, { commenterToken: 42 })
  rememberCommenterToken(storage, {})
  t.same([...storage.map], [], 'an answer without a string token stores nothing')
})

t.test('the demo site serves commenter.js, and its comment form uses it to build posts and keep tokens', async (t) => {
  const app = await buildTestApp(t, { env: { BROADSHEET_DEMO_SITE: 'true' } })
  const module = await app.inject({ url: '/demo/js/commenter.js' })
  t.equal(module.statusCode, 200)
  t.match(module.headers['content-type'], /javascript/)
  const form = await app.inject({ url: '/demo/js/comments.js' })
  t.equal(form.statusCode, 200)
  t.match(form.body, /import \{ rememberCommenterToken, replyBody \} from '\.\/commenter\.js'/)
  t.match(form.body, /const body = replyBody\(values, \{ parentId: parent\?\.id \?\? null, storage: storage\(\) \}\)/)
  t.match(form.body, /rememberCommenterToken\(storage\(\), posted\)/)
})

t.test('demo form: missing form values are sent as empty strings, so the API names each missing field', async (t) => {
  t.same(replyBody({}), { body: '', authorName: '', authorEmail: '', homepage: '' })
  t.same(replyBody({ body: 'Hi', authorName: 'Rosa', authorEmail: 'rosa@example.com', authorUrl: '   ' }), {
    body: 'Hi', authorName: 'Rosa', authorEmail: 'rosa@example.com', homepage: ''
  })
})
