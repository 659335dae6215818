import t, { type Test } from 'tap'
import type { App } from '../../src/app.js'
import { createPublishedArticle } from '../fixtures/articles.js'
import { commentForm, putCommentSettings, postComment } from '../fixtures/comments.js'
import { admin, buildTestApp } from '../helper.js'

// The html of a comment: the plain-text body escaped, web links as rel="nofollow ugc"
// anchors, newlines as <br> and paragraphs. The same html everywhere the comment is shown.

/** Posts `body` (approved at once) and returns the html of the answer. */
async function htmlOf (app: App, articleId: number, body: string): Promise<string> {
  const res = await postComment(app, articleId, commentForm({ body }))
  if (res.statusCode !== 201) throw new Error(`post failed: ${res.statusCode} ${res.body}`)
  return res.json().html
}

async function setup (t: Test) {
  const app = await buildTestApp(t)
  await putCommentSettings(app, { moderation: 'none', maxLinks: 10 })
  const article = await createPublishedArticle(app)
  return { app, articleId: article.id }
}

t.test('html escapes markup: <script> becomes &lt;script&gt; and no tag a reader typed survives', async (t) => {
  const { app, articleId } = await setup(t)
  const html = await htmlOf(app, articleId, 'Nice <script>alert("x")</script> & <b>bold</b> \'quoted\'')
  t.equal(html, '<p>Nice &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt; &apos;quoted&apos;</p>')
  t.notMatch(html, /<script|<b>/)
})

t.test('html turns an https or http link into <a href=… rel="nofollow ugc">', async (t) => {
  const { app, articleId } = await setup(t)
  t.equal(await htmlOf(app, articleId, 'See https://example.org/tide for the charts'),
    '<p>See <a href="https://example.org/tide" rel="nofollow ugc">https://example.org/tide</a> for the charts</p>')
  t.equal(await htmlOf(app, articleId, 'Old site: http://old.example.org/a?b=1&c=2'),
    '<p>Old site: <a href="http://old.example.org/a?b=1&amp;c=2" rel="nofollow ugc">http://old.example.org/a?b=1&amp;c=2</a></p>')
})

t.test('html links a bare www host too, and leaves sentence dots alone', async (t) => {
  const { app, articleId } = await setup(t)
  t.equal(await htmlOf(app, articleId, 'Tide tables at www.example.org. Thanks.'),
    '<p>Tide tables at <a href="http://www.example.org" rel="nofollow ugc">www.example.org</a>. Thanks.</p>')
  t.equal(await htmlOf(app, articleId, 'No link here. None at all.'), '<p>No link here. None at all.</p>')
})

t.test('html never makes a javascript: text a link, and typed anchors stay text', async (t) => {
  const { app, articleId } = await setup(t)
  const plain = await htmlOf(app, articleId, 'Try javascript:alert(document.cookie) now')
  t.equal(plain, '<p>Try javascript:alert(document.cookie) now</p>')
  const typed = await htmlOf(app, articleId, 'Click <a href="javascript:alert(1)">here</a>')
  t.equal(typed, '<p>Click &lt;a href=&quot;javascript:alert(1)&quot;&gt;here&lt;/a&gt;</p>')
  t.notMatch(plain + typed, /<a /)
})

t.test('html keeps a quote inside a link from breaking out of the href attribute', async (t) => {
  const { app, articleId } = await setup(t)
  const html = await htmlOf(app, articleId, 'https://example.org/"onmouseover="alert(1)')
  t.notMatch(html, /" onmouseover|"onmouseover="/)
  t.match(html, /^<p><a href="https:\/\/example\.org\/&quot;onmouseover=&quot;alert\(1\)" rel="nofollow ugc">/)
})

t.test('html leaves an email address as text (no mailto link)', async (t) => {
  const { app, articleId } = await setup(t)
  t.equal(await htmlOf(app, articleId, 'Write to desk@example.org'), '<p>Write to desk@example.org</p>')
})

t.test('html turns single newlines into <br> and blank lines into paragraphs', async (t) => {
  const { app, articleId } = await setup(t)
  t.equal(await htmlOf(app, articleId, 'First line\nsecond line\n\nNew paragraph\n\n\n  Third'),
    '<p>First line<br>second line</p><p>New paragraph</p><p>Third</p>')
})

t.test('the same html in the public list and the moderation queue as in the POST answer', async (t) => {
  const { app, articleId } = await setup(t)
  const html = await htmlOf(app, articleId, 'a <i>b</i>\nhttps://example.org/c')
  const list = await app.inject({ url: `/v1/articles/${articleId}/comments` })
  t.equal(list.statusCode, 200)
  t.equal(list.json().data[0].html, html)
  const queue = await app.inject({ url: '/v1/comments?status=any', headers: admin })
  t.equal(queue.statusCode, 200)
  t.equal(queue.json().data[0].html, html)
  t.equal(queue.json().data[0].body, 'a <i>b</i>\nhttps://example.org/c', 'body stays the plain text as written')
})
